@onelogin @connection
Feature: OneLogin's connection test
  When an admin enables the API status of the "SCIM Provisioner with SAML (SCIM v2 Core)" app,
  OneLogin looks up a random userName that nobody has. The test passes when the app answers
  200 with an empty list, or 404: OneLogin accepts both, although RFC 7644 asks for the 200.

  @must @fact_onelogin_connection_test
  Scenario: The connection test passes
    When OneLogin tests the connection
    Then OneLogin accepts the connection

  @must @req_T_03 @fact_onelogin_connection_test @fact_onelogin_bearer_token
  Scenario: The connection test fails with a wrong bearer token
    When OneLogin tests the connection with a wrong bearer token
    Then OneLogin reports that the connection failed
    And the app refused the token with 401
