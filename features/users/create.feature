@users @rfc
Feature: Creating users
  An identity provider pushes a person to the app by creating a user. The app issues the user's
  id and metadata, keeps userName unique whatever its case, and refuses a user it cannot store.
  Every userName below is made unique per run by the steps ("ana@example.com" is sent as
  "ana.<token>@example.com"), so the suite can run again, or beside others, on a shared server.

  @must @req_C_01 @req_R_04 @req_R_01
  Scenario: A new user is returned with where it lives and when it was created
    When a client creates a user "ana@example.com" with:
      | name.givenName  | Ana      |
      | name.familyName | Souza    |
      | title           | Engineer |
    Then the server answers 201
    And the response is SCIM JSON
    And the user is created
    And the user's name.givenName is "Ana"
    And the user's name.familyName is "Souza"
    And the user's title is "Engineer"
    And the response says where the user lives
    And the user's metadata says it is a new "User"
    And the user's schemas name only its resource type's schemas

  @must @req_R_02 @req_R_04 @req_C_03
  Scenario: The server issues the id and metadata, ignoring any the client sends
    When a client creates a user "ana@example.com" with an id and metadata of its own
    Then the user is created
    And the user's id is the server's, not the one sent
    And the user's metadata was set by the server

  @must @req_C_02 @req_R_12 @req_E_03
  Scenario: A userName that is already taken is a uniqueness conflict
    Given a user "ana@example.com" exists
    When a client creates another user with the same userName
    Then the server answers with a SCIM error 409 of type "uniqueness"

  @must @req_C_02 @req_R_12 @req_E_03
  Scenario: userName uniqueness ignores case
    # Ruling (rfc-checklist trap 5): userName is caseExact=false (RFC 7643 §4.1, §8.7.1), so
    # "ANA.…@EXAMPLE.COM" is the same userName as "ana.…@example.com" and conflicts with it.
    Given a user "ana@example.com" exists
    When a client creates another user with the same userName in upper case
    Then the server answers with a SCIM error 409 of type "uniqueness"

  @must @req_C_03 @req_R_12
  Scenario: A user without a userName is refused
    When a client creates a user without a userName
    Then the request is refused as invalid

  @must @req_R_12
  Scenario: A user with an empty userName is refused
    When a client creates a user with an empty userName
    Then the request is refused as invalid

  @must @req_R_05
  Scenario: Attribute names are read in any case
    # RFC 7643 §2.1: "Attribute names are case insensitive".
    When a client creates a user "ana@example.com" as:
      """
      {"NICKNAME": "Ani", "Title": "Engineer", "name": {"GivenName": "Ana"}}
      """
    Then the user is created
    And the user's nickName is "Ani"
    And the user's title is "Engineer"
    And the user's name.givenName is "Ana"

  @must @req_R_07
  Scenario: Values come back in their declared types
    When a client creates a user "ana@example.com" with:
      | active | true |
    Then the user is created
    And the user's active is true
    And the user's meta.created is a timestamp
    And the user's meta.lastModified is a timestamp

  @must @req_R_07
  Scenario: A value of the wrong type is refused
    # Ruling (rfc-checklist trap 6): some servers read the strings "true" and "false" as booleans
    # to tolerate identity providers; that is not tested here. "perhaps" is no boolean under any reading.
    When a client creates a user "ana@example.com" with:
      | active | perhaps |
    Then the request is refused as invalid

  @must @req_R_09
  Scenario: null and an empty list leave an attribute unassigned
    When a client creates a user "ana@example.com" as:
      """
      {"title": null, "emails": [], "nickName": "Ani"}
      """
    Then the user is created
    And the user has no title
    And the user has no emails
    And the user's nickName is "Ani"

  @must @req_R_10
  Scenario: A password is accepted but never returned
    When a client creates a user "ana@example.com" with:
      | password | Tr0ub4dor&3 |
    Then the user is created
    And the user has no password
    When a client reads the user asking only for "password, userName"
    Then the server answers 200
    And the answer has no "password"

  @must @req_R_15 @req_R_01
  Scenario: The enterprise extension is kept under its schema URN
    Given the target offers the enterprise user extension
    And another user "boss@example.com" exists
    When a client creates a user "ana@example.com" reporting to the other user, with:
      | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber | 701        |
      | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter     | 4130       |
      | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization   | Acme       |
      | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division       | Operations |
      | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department     | Sales      |
    Then the user is created
    And the user's schemas include "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    And the user's schemas name only its resource type's schemas
    And the user's urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber is "701"
    And the user's urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department is "Sales"
    And the user's urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division is "Operations"
    And the user's manager is the other user

  @should @req_X_02
  Scenario: A create can answer with only the attributes asked for
    When a client creates a user "ana@example.com" asking only for "userName", with:
      | title | Engineer |
    Then the server answers 201
    And the answer has an id and a userName
    And the answer has no "title"
