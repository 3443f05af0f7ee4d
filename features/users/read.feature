@users @rfc
Feature: Reading and looking up users
  A client reads a user by the id the server issued, or finds it by userName, which the app
  compares without regard to case, or by externalId, which it compares exactly.

  @must @req_G_01 @req_R_04
  Scenario: A user is read back by its id
    Given a user "ana@example.com" exists with:
      | title    | Engineer |
      | nickName | Ani      |
    When a client reads the user
    Then the server answers 200
    And the response is SCIM JSON
    And the answer is the same user
    And the answer's Content-Location, if sent, is the user's location

  @must @req_R_11 @req_Q_11
  Scenario: The id comes back even when not asked for
    Given a user "ana@example.com" exists with:
      | title    | Engineer |
      | nickName | Ani      |
    When a client reads the user asking only for "nickName"
    Then the server answers 200
    And the answer has "nickName"
    And the answer still has the user's id
    And the answer has "userName" only if the target returns it always
    And the answer has no "title"

  @must @req_R_11 @req_Q_11
  Scenario: The id comes back even when excluded
    Given a user "ana@example.com" exists with:
      | title    | Engineer |
      | nickName | Ani      |
    When a client reads the user excluding "id, userName, title"
    Then the server answers 200
    And the answer still has the user's id
    And the answer has "userName" only if the target returns it always
    And the answer has no "title"
    And the answer has "nickName"

  @must @req_Q_03 @req_R_12
  Scenario: A user is found by userName
    Given a user "ana.souza@example.com" exists
    When a client looks the user up by userName
    Then exactly that user is found

  @must @req_Q_05 @req_R_12
  Scenario: A user is found by userName whatever its case
    # Ruling (rfc-checklist trap 5): userName is caseExact=false, so an upper-case lookup finds the
    # user (RFC 7644 §3.4.2.2 compares strings by the attribute's caseExact).
    Given a user "Ana.Souza@example.com" exists
    When a client looks the user up by userName in upper case
    Then exactly that user is found

  @must @req_Q_05 @req_R_03
  Scenario: externalId is compared exactly
    # RFC 7643 §3.1: externalId is caseExact, so the same letters in another case are another value.
    Given a user "ana@example.com" exists with an externalId
    When a client looks the user up by externalId
    Then exactly that user is found
    When a client looks the user up by externalId in lower case
    Then nobody is found
