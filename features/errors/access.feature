@errors @rfc
Feature: Access, media types and protocol versions
  Only a client holding the app's token gets an answer. SCIM JSON is the language, in UTF-8, and
  plain JSON is understood too. The app is reached over TLS, and it refuses a protocol version it
  does not speak.

  @must @req_T_03
  Scenario: A request without credentials is unauthorized
    When a client lists users without credentials
    Then the server answers 401

  @must @req_T_03
  Scenario: A request with a wrong token is unauthorized
    When a client lists users with a wrong token
    Then the server answers 401

  @should @req_T_03 @req_E_01
  Scenario: An unauthorized request is answered with a SCIM error
    # A gateway in front of the SCIM service may answer 401 itself; RFC 7644 §3.12 asks for the
    # Error message, so a non-SCIM 401 body is reported as a warning, not a failure.
    When a client lists users with a wrong token
    Then the answer is a SCIM error body

  @must @req_T_01
  Scenario: SCIM JSON is served to a client that asks for it
    When a client lists users asking for SCIM JSON
    Then the server answers 200
    And the response is SCIM JSON

  @should @req_T_01
  Scenario: Plain JSON is served to a client that asks for it
    When a client lists users asking for plain JSON
    Then the server answers 200
    And the response is JSON

  @should @req_T_01
  Scenario: A user sent as plain JSON is accepted
    When a client creates a user "ana@example.com" sent as plain JSON
    Then the server answers 201

  @must @req_T_01
  Scenario: Text outside ASCII travels in UTF-8
    When a client creates a user "elodie@example.com" with:
      | name.givenName  | Élodie  |
      | name.familyName | Nuñez-王 |
    Then the user is created
    And the answer is encoded in UTF-8
    And the user's name.givenName is "Élodie"
    And the user's name.familyName is "Nuñez-王"

  @must @req_T_02
  Scenario: A deployed target is reached over TLS
    # The harness sees the URL scheme only; which TLS versions the server offers (RFC 7644 §7.1:
    # TLS 1.2 MUST) needs a TLS scanner. Targets on this machine are skipped.
    Given the target is a deployed server
    Then its base URL uses https

  @must @req_T_04
  Scenario: A protocol version the target does not speak is refused
    Given the target's base URL names the protocol version
    When a client asks for a protocol version the target does not have
    Then the request is not served

  @should @req_ME_01
  Scenario: /Me is either served or answered as not implemented
    When a client asks who it is authenticated as
    Then the server serves the authenticated subject or says /Me is not implemented
