@users @rfc
Feature: Replacing users
  An identity provider that sends the whole user on every update replaces it. The id stays, the
  server's metadata stays, and a replacement never creates a user that is not there.

  Background:
    Given a user "ana@example.com" exists with:
      | name.givenName  | Ana      |
      | name.familyName | Souza    |
      | title           | Engineer |

  @must @req_P_03
  Scenario: A replacement returns the whole new user
    When a client replaces the user with:
      | name.givenName  | Ana     |
      | name.familyName | Lima    |
      | title           | Manager |
    Then the server answers 200
    And the user is replaced
    And the user's name.familyName is "Lima"
    And the user's title is "Manager"
    And the user's name.givenName is "Ana"

  @must @req_P_02 @req_R_02
  Scenario: An id or metadata in a replacement is ignored
    When a client replaces the user, sending another id and metadata
    Then the user is replaced
    And the user's metadata was set by the server

  @must @req_P_02 @req_R_12
  Scenario: A replacement without the required userName is refused
    When a client replaces the user without a userName
    Then the request is refused as invalid
    And the user is unchanged

  @may @req_P_02
  Scenario: An attribute left out of a replacement may be cleared or kept
    # RFC 7644 §3.5.1 lets the server clear or default readWrite attributes a PUT leaves out.
    When a client replaces the user without its title
    Then the user is replaced
    And the user's title is either cleared or kept

  @must @req_C_02 @req_R_12 @req_E_03
  Scenario: A replacement cannot take another user's userName
    # RFC 7644 Table 9 lists "uniqueness" for PUT as well as POST; RFC 7644 §3.3 fixes it at 409.
    Given another user "bo@example.com" exists
    When a client replaces the user, giving it the other user's userName
    Then the server answers with a SCIM error 409 of type "uniqueness"
    And the user is unchanged

  @must @req_P_01
  Scenario: Replacing a user that does not exist does not create it
    When a client replaces a user that does not exist
    Then the server answers with a SCIM error 404
    And no user was created by it

  @should @req_X_02
  Scenario: A replacement can answer with only the attributes asked for
    When a client replaces the user asking only for "userName", with:
      | title | Manager |
    Then the server answers 200
    And the answer still has the user's id and userName
    And the answer has no "title"
