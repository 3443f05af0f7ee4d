@patch @rfc
Feature: Removing values with a modification
  A "remove" operation always names what it removes. Removing a single value leaves the attribute
  unassigned; removing a multi-valued attribute removes every value unless a filter picks some.

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

  @must @req_M_06
  Scenario: Removing a single-valued attribute leaves it unassigned
    When a client modifies the user with:
      """
      [{"op": "remove", "path": "title"}]
      """
    Then the user is modified
    And the user has no title

  @must @req_M_06
  Scenario: Removing a multi-valued attribute removes every value
    When a client modifies the user with:
      """
      [{"op": "remove", "path": "emails"}]
      """
    Then the user is modified
    And the user has no emails

  @must @req_M_06
  Scenario: Removing with a filter removes only the values it matches
    When a client modifies the user with:
      """
      [{"op": "remove", "path": "emails[type eq \"home\"]"}]
      """
    Then the user is modified
    And the user's emails are "ana@work.example.com"

  @must @req_M_06
  Scenario: Removing a sub-attribute keeps the rest of the complex attribute
    When a client modifies the user with:
      """
      [{"op": "remove", "path": "name.givenName"}]
      """
    Then the user is modified
    And the user has no name.givenName
    And the user's name.familyName is "Souza"

  @must @req_M_06 @req_E_03
  Scenario: A remove without a path has no target
    When a client modifies the user with:
      """
      [{"op": "remove"}]
      """
    Then the server answers with a SCIM error 400 of type "noTarget"
    And the user is unchanged

  @must @req_M_04 @req_R_12
  Scenario: The required userName cannot be removed
    # Ruling: RFC 7644 §3.5.2 requires every operation to be "compatible with the attribute's
    # mutability and schema" without naming the scimType for unassigning a required attribute;
    # Table 9 "mutability" ("... or current state") and "invalidValue" ("A required value was
    # missing") both describe it, so either passes.
    When a client modifies the user with:
      """
      [{"op": "remove", "path": "userName"}]
      """
    Then the server refuses it with a SCIM error 400 of type "mutability" or "invalidValue"
    And the user is unchanged
