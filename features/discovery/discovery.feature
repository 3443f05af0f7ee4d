@discovery @rfc
Feature: Discovery
  An identity provider learns what the app supports before it provisions anyone: the service
  provider configuration, the resource types, and the schemas of users and groups.

  @must @req_D_01 @req_D_02
  Scenario: The service provider configuration states every capability
    When a client reads the service provider configuration
    Then the server answers 200
    And the response is SCIM JSON
    And it is a single service provider configuration, not a list
    And it states whether patch, bulk, filter, changePassword, sort and etag are supported

  @must @req_D_04 @req_D_07
  Scenario: Users and groups are declared resource types, each served at its endpoint
    When a client lists the resource types
    Then the server answers 200
    And the resource types include "User, Group"
    And each declared resource type is served at its endpoint

  @must @req_D_03 @req_D_06
  Scenario: The user, enterprise user and group schemas are published
    When a client lists the schemas
    Then the server answers 200
    And the schemas include "urn:ietf:params:scim:schemas:core:2.0:User"
    And the schemas include "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    And the schemas include "urn:ietf:params:scim:schemas:core:2.0:Group"
    And every attribute definition carries its characteristics

  @must @req_D_05
  Scenario: Paging parameters are ignored on discovery endpoints
    When a client lists the schemas with paging parameters
    Then the server answers 200
    And it is a list response of every item

  @should @req_D_05
  Scenario: Filtering a discovery endpoint is forbidden
    When a client filters the resource types
    Then the server answers with a SCIM error 403
