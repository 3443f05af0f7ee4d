@errors @rfc
Feature: Bulk requests
  A target that claims bulk support takes many operations in one request, answers each one on its
  own, resolves references between them, stops after the errors the client tolerates, and refuses
  a request over its stated limits. Targets that do not claim bulk skip these scenarios.

  Background:
    Given the target supports "bulk"

  @must @req_B_01 @req_B_02
  Scenario: Each operation of a bulk request gets its own answer
    When a client sends a bulk request creating users "ana@example.com" and "bo@example.com"
    Then the bulk answer reports each operation with its own status

  @must @req_B_01
  Scenario: A later operation refers to a resource created earlier by its bulkId
    When a client sends a bulk request creating a user "ana@example.com" and a group "Team" holding that user by its bulkId
    Then the group created in bulk has the user created in bulk as its member

  @must @req_B_02
  Scenario: A bulk request stops once it has had the errors it tolerates
    When a client sends a bulk request that may fail once, whose first operation fails
    Then the bulk answer stops after the failed operation

  @must @req_B_04
  Scenario: A bulk request with too many operations is refused
    When a client sends a bulk request with more operations than the target allows
    Then the bulk request is refused as too large, naming the limit

  @must @req_B_04
  Scenario: A bulk request that is too large is refused
    When a client sends a bulk request larger than the target accepts
    Then the bulk request is refused as too large, naming the limit
