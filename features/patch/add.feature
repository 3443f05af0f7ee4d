@patch @rfc
Feature: Adding values with a modification
  An identity provider that sends only what changed modifies the user with "add" operations.
  A successful modification answers 200 with the whole user or 204 with no body; both are right
  (RFC 7644 §3.5.2, rfc-checklist trap 3), and after a 204 the steps read the user back.

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

  @must @req_M_05 @req_M_03
  Scenario: Adding an attribute the user does not have sets it
    When a client modifies the user with:
      """
      [{"op": "add", "path": "nickName", "value": "Ani"}]
      """
    Then the user is modified
    And the user's nickName is "Ani"
    And the user's title is "Engineer"

  @must @req_M_05
  Scenario: Adding to a single-valued attribute replaces its value
    When a client modifies the user with:
      """
      [{"op": "add", "path": "title", "value": "Lead"}]
      """
    Then the user is modified
    And the user's title is "Lead"

  @must @req_M_05
  Scenario: Adding to a multi-valued attribute appends the new value
    When a client modifies the user with:
      """
      [{"op": "add", "path": "emails", "value": [{"value": "ana@other.example.net", "type": "other"}]}]
      """
    Then the user is modified
    And the user's emails are "ana@work.example.com, ana@home.example.org, ana@other.example.net"

  @must @req_M_05
  Scenario: An add without a path takes a set of attributes
    When a client modifies the user with:
      """
      [{"op": "add", "value": {"nickName": "Ani", "title": "Lead"}}]
      """
    Then the user is modified
    And the user's nickName is "Ani"
    And the user's title is "Lead"

  @must @req_M_05
  Scenario: Adding to a complex attribute sets the sub-attributes given
    When a client modifies the user with:
      """
      [{"op": "add", "path": "name", "value": {"middleName": "Maria"}}]
      """
    Then the user is modified
    And the user's name.middleName is "Maria"

  @should @req_M_05
  Scenario: Adding a value that is already there changes nothing
    # RFC 7644 §3.5.2.1: no change SHOULD be made and success SHOULD be returned; the operation
    # "SHALL NOT change the modify timestamp of the resource".
    When a client modifies the user with:
      """
      [{"op": "add", "path": "emails", "value": [{"value": "ana@home.example.org", "type": "home"}]}]
      """
    Then the server answers 200 or 204
    And the user's emails are still "ana@work.example.com, ana@home.example.org"
    And the user's last modification is as before
    And the user is modified
    And the user's emails are "ana@work.example.com, ana@home.example.org"

  @must @req_M_05 @req_M_01
  Scenario: An add without a value is refused
    When a client modifies the user with:
      """
      [{"op": "add", "path": "title"}]
      """
    Then the request is refused as invalid
    And the user is unchanged
