@errors @rfc
Feature: Errors a client can act on
  When a request cannot be served, the app says why in a SCIM Error: the HTTP status, repeated as
  a string, and where the RFC defines one, a keyword naming the problem.

  @must @req_G_01 @req_E_01 @req_E_02
  Scenario: A user id that does not exist is not found
    When a client reads a user that does not exist
    Then the server answers with a SCIM error 404

  @must @req_G_01 @req_E_01 @req_E_02
  Scenario: A group id that does not exist is not found
    When a client reads a group that does not exist
    Then the server answers with a SCIM error 404

  @should @req_E_04 @req_T_01
  Scenario: An error is sent as SCIM JSON
    # Follows from RFC 7644 §3.8; no sentence of the RFC makes it MUST for errors in particular.
    When a client reads a user that does not exist
    Then the response is SCIM JSON

  @must @req_E_02
  Scenario: An endpoint that does not exist is not found
    When a client requests an endpoint that does not exist
    Then the server answers 404

  @must @req_E_01 @req_E_03 @req_C_03
  Scenario: A body that is not JSON is refused as invalid syntax
    When a client creates a user with a body that is not JSON
    Then the server answers with a SCIM error 400
    And its error type, if given, is "invalidSyntax"
