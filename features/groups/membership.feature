@groups @rfc
Feature: Changing who is in a group
  When a role is granted or revoked in the identity provider, the app's group gains or loses the
  member: by a modification of the group, or by replacing it whole. A user's groups are derived
  from the groups and cannot be changed through the user.

  Background:
    Given users "ana@example.com", "bo@example.com" and "carla@example.com" exist

  @must @req_M_05 @req_R_14
  Scenario: A member is added to a group
    Given the target supports "patch"
    And a group "Engineering" exists with members "ana"
    When a client adds "bo" to the group's members
    Then the group is modified
    And the members of the group are "ana" and "bo"

  @must @req_M_06 @req_R_14
  Scenario: A member is removed from a group by a value filter
    # RFC 7644 §3.5.2.2 removes the values a filter matches; it defines no "value" member on
    # remove (the form some identity providers send), so the filter form is the one tested.
    Given the target supports "patch"
    And a group "Engineering" exists with members "ana" and "bo"
    When a client removes "ana" from the group's members
    Then the group is modified
    And the members of the group are "bo"

  @must @req_M_06
  Scenario: Removing the members removes every member
    Given the target supports "patch"
    And a group "Engineering" exists with members "ana" and "bo"
    When a client removes every member of the group
    Then the group is modified
    And the group has no members

  @must @req_M_07
  Scenario: Replacing the members sets exactly the new ones
    Given the target supports "patch"
    And a group "Engineering" exists with members "ana" and "bo"
    When a client replaces the group's members with "bo" and "carla"
    Then the group is modified
    And the members of the group are "bo" and "carla"

  @must @req_M_07
  Scenario: A group is renamed without touching its members
    Given the target supports "patch"
    And a group "Engineering" exists with members "ana" and "bo"
    When a client renames the group to "Platform"
    Then the group is modified
    And the group is called "Platform"
    And the members of the group are "ana" and "bo"

  @should @req_R_13
  Scenario: A user shows the groups it belongs to
    Given the target shows each user's groups
    And a group "Engineering" exists with members "ana"
    When a client reads the user "ana"
    Then the answer lists the group among the user's groups

  @must @req_R_13 @req_P_02
  Scenario: A replaced user cannot claim membership of a group
    # RFC 7644 §3.5.1: readOnly values in a PUT "SHALL be ignored"; User.groups is readOnly.
    Given a group "Engineering" exists with members "ana"
    When a client replaces the user "bo" claiming membership of the group
    Then the server answers 200
    And the members of the group are still "ana"

  @must @req_R_13 @req_M_04 @req_E_03
  Scenario: A modification of the user cannot change its groups
    # RFC 7644 §3.5.2: a client "MUST NOT modify an attribute that has mutability readOnly", and
    # an incompatible operation SHALL return an error: 400 "mutability" (Table 9).
    Given the target supports "patch"
    And a group "Engineering" exists with members "ana"
    When a client adds the group to the groups of the user "bo"
    Then the server answers with a SCIM error 400 of type "mutability"
    And the members of the group are still "ana"

  @must @req_R_13 @req_C_03
  Scenario: A new user cannot claim membership of a group
    Given a group "Engineering" exists
    When a client creates a user "dan@example.com" claiming membership of the group
    Then the server answers 201
    And the group still has no members
