@patch @rfc
Feature: Replacing values with a modification
  A "replace" operation overwrites what it names and nothing else: the sub-attributes it does not
  mention stay, a value filter picks which values change, and a filter that matches nothing is
  an error rather than a silent no-op.

  Background:
    Given the target supports "patch"
    And a user "ana@example.com" exists as:
      """
      {
        "name": {"givenName": "Ana", "familyName": "Souza"},
        "title": "Engineer",
        "emails": [
          {"value": "ana@work.example.com", "type": "work", "primary": true},
          {"value": "ana@home.example.org", "type": "home"}
        ]
      }
      """

  @must @req_M_07
  Scenario: Replacing an attribute overwrites its value
    When a client modifies the user with:
      """
      [{"op": "replace", "path": "title", "value": "Lead"}]
      """
    Then the user is modified
    And the user's title is "Lead"

  @must @req_M_07
  Scenario: A replace without a path takes a set of attributes
    When a client modifies the user with:
      """
      [{"op": "replace", "value": {"title": "Lead", "nickName": "Ani"}}]
      """
    Then the user is modified
    And the user's title is "Lead"
    And the user's nickName is "Ani"
    And the user's name.familyName is "Souza"

  @must @req_M_07
  Scenario: Replacing an attribute the user does not have adds it
    When a client modifies the user with:
      """
      [{"op": "replace", "path": "nickName", "value": "Ani"}]
      """
    Then the user is modified
    And the user's nickName is "Ani"

  @must @req_M_07
  Scenario: Replacing a complex attribute changes only the sub-attributes given
    When a client modifies the user with:
      """
      [{"op": "replace", "path": "name", "value": {"familyName": "Lima"}}]
      """
    Then the user is modified
    And the user's name.familyName is "Lima"
    And the user's name.givenName is "Ana"

  @must @req_M_07
  Scenario: Replacing a sub-attribute by its path
    When a client modifies the user with:
      """
      [{"op": "replace", "path": "name.givenName", "value": "Anna"}]
      """
    Then the user is modified
    And the user's name.givenName is "Anna"
    And the user's name.familyName is "Souza"

  @must @req_M_07
  Scenario: Replacing a multi-valued attribute without a filter replaces every value
    When a client modifies the user with:
      """
      [{"op": "replace", "path": "emails", "value": [{"value": "ana@new.example.com", "type": "work"}]}]
      """
    Then the user is modified
    And the user's emails are "ana@new.example.com"

  @must @req_M_07
  Scenario: A filtered path replaces a sub-attribute of the matching values only
    When a client modifies the user with:
      """
      [{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "ana@new.example.com"}]
      """
    Then the user is modified
    And the user's emails are "ana@new.example.com, ana@home.example.org"

  @must @req_M_07 @req_E_03
  Scenario: A filtered path that matches nothing has no target
    When a client modifies the user with:
      """
      [{"op": "replace", "path": "emails[type eq \"other\"].value", "value": "ana@other.example.net"}]
      """
    Then the server answers with a SCIM error 400 of type "noTarget"
    And the user is unchanged

  @must @req_R_08
  Scenario: Making one email primary makes the others not primary
    When a client modifies the user with:
      """
      [{"op": "replace", "path": "emails[type eq \"home\"].primary", "value": true}]
      """
    Then the user is modified
    And the email "ana@home.example.org" is the only primary one
