@okta @groups
Feature: Okta's Group Push
  Okta creates pushed groups with POST /Groups and members: [], adds members with
  {"op":"add","path":"members","value":[{"value","display"}]}, removes them with
  members[value eq "<id>"], and renames with a path-less replace whose value carries the id.

  @must @fact_okta_group_create @fact_okta_member_patch
  Scenario: Okta pushes a group with its member
    Given an Okta user "Ana Souza" pushed to the app
    When Okta adds the user to the group "Finance"
    Then the app accepted every request Okta sent
    And the app's group for the role "Finance" has "Ana Souza" as a member

  @must @fact_okta_member_patch
  Scenario: Okta removes a member by its value filter
    Given an Okta user "Ana Souza" in the group "Finance" pushed to the app
    When Okta removes the user from the group "Finance"
    Then the app accepted every request Okta sent
    And the app's group for the role "Finance" no longer has "Ana Souza" as a member

  @must @fact_okta_group_rename
  Scenario: Okta renames a group with the id in the value
    Given an Okta user "Ana Souza" in the group "Finance" pushed to the app
    When Okta renames the group "Finance" to "Finance EMEA (…)"
    Then the app accepted every request Okta sent
    And the app has the group "Finance EMEA (…)"
