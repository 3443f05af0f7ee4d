@patch @rfc
Feature: What every modification obeys
  A modification is one message of ordered operations, applied all together or not at all. It
  cannot touch what the server owns, and it answers with only the attributes asked for when the
  client says which.

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

  @must @req_M_02
  Scenario: Operations are applied in order
    When a client modifies the user with:
      """
      [
        {"op": "replace", "path": "title", "value": "First"},
        {"op": "replace", "path": "title", "value": "Second"}
      ]
      """
    Then the user is modified
    And the user's title is "Second"

  @must @req_M_02
  Scenario: A modification with one bad operation changes nothing
    When a client modifies the user with:
      """
      [
        {"op": "replace", "path": "title", "value": "Changed"},
        {"op": "remove", "path": "emails"},
        {"op": "remove"}
      ]
      """
    Then the server answers with a SCIM error 400 of type "noTarget"
    And the user is unchanged

  @must @req_M_04 @req_E_03
  Scenario: A malformed path is an invalid path
    When a client modifies the user with:
      """
      [{"op": "replace", "path": "emails[type eq \"work\"", "value": "x@example.com"}]
      """
    Then the server answers with a SCIM error 400 of type "invalidPath"
    And the user is unchanged

  @must @req_M_04 @req_R_02 @req_E_03
  Scenario: The id cannot be modified
    When a client modifies the user with:
      """
      [{"op": "replace", "path": "id", "value": "chosen-by-the-client"}]
      """
    Then the server answers with a SCIM error 400 of type "mutability"
    And the user is unchanged

  @must @req_C_02 @req_R_12 @req_E_03
  Scenario: A modification cannot take another user's userName
    # RFC 7644 Table 9 lists "uniqueness" for PATCH as well as POST; RFC 7644 §3.3 fixes it at 409.
    Given another user "bo@example.com" exists
    When a client modifies the user, giving it the other user's userName
    Then the server answers with a SCIM error 409 of type "uniqueness"
    And the user is unchanged

  @must @req_M_01
  Scenario: A modification with no operations is refused
    When a client sends the user this modification message:
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": []}
      """
    Then the request is refused as invalid
    And the user is unchanged

  @should @req_M_01
  Scenario: A modification that is not a PatchOp message is refused
    # RFC 7644 §3.5.2: "The body of each request MUST contain the "schemas" attribute with the
    # URI value of "urn:ietf:params:scim:api:messages:2.0:PatchOp"": a MUST on the client's
    # message. No clause tells a server to refuse one without it, so a server that applies it
    # is warned here, not failed (issue 12: what the RFC leaves open never fails a server).
    When a client sends the user this modification message:
      """
      {"Operations": [{"op": "replace", "path": "title", "value": "Lead"}]}
      """
    Then the request is refused as invalid
    And the user is unchanged

  @must @req_M_01
  Scenario: An operation other than add, remove or replace is refused
    When a client modifies the user with:
      """
      [{"op": "merge", "path": "title", "value": "Lead"}]
      """
    Then the request is refused as invalid
    And the user is unchanged

  @must @req_M_03 @req_X_02
  Scenario: A modification asked for some attributes answers 200 with them
    When a client modifies the user asking only for "title", with:
      """
      [{"op": "replace", "path": "title", "value": "Lead"}]
      """
    Then the server answers 200
    And the answer has "title"
    And the answer still has the user's id
    And the answer has "userName" only if the target returns it always
    And the answer has no "emails"

  @must @req_M_08 @req_R_15
  Scenario: An extension attribute is set through its full URN path
    Given the target offers the enterprise user extension
    When a client modifies the user with:
      """
      [{"op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Sales"}]
      """
    Then the user is modified
    And the user's urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department is "Sales"
    And the user's schemas include "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

  @must @req_M_08 @req_R_15
  Scenario: The manager is set through its full URN path
    Given the target offers the enterprise user extension
    And another user "boss@example.com" exists
    When a client modifies the user with:
      """
      [{"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": {"value": "{other_user.id}"}}]
      """
    Then the user is modified
    And the user's manager is the other user

  @must @req_X_01
  Scenario: A deleted user cannot be modified
    When a client deletes the user
    Then modifying the user is answered 404
