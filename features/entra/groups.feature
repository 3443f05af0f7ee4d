@entra @groups
Feature: Entra's group provisioning
  Entra creates groups with its ADSCIM Group schema URN beside the core one, externalId and meta,
  and no members; finds and reads them with excludedAttributes=members; adds members with
  "$ref": null; without the flag removes them with a value array, with it by a value filter;
  renames with a Replace of displayName. Group PATCHes may be answered 204.

  @must @fact_entra_group_create @fact_entra_group_filter @fact_entra_member_add @fact_entra_capitalised_ops
  Scenario: Entra creates a group and adds its member
    Given an Entra user "Ana Souza" pushed to the app
    When Entra adds the user to the group "Finance"
    Then the app accepted every request Entra sent
    And the app's group for the role "Finance" has "Ana Souza" as a member

  @must @fact_entra_group_read
  Scenario: Entra reads a group without its members
    Given an Entra user "Ana Souza" in the group "Finance" pushed to the app
    When Entra reads the group "Finance" without its members
    Then the app answered with the group and no members

  @must @fact_entra_member_remove @fact_entra_capitalised_ops
  Scenario: Entra removes a member with a value array
    Given an Entra user "Ana Souza" in the group "Finance" pushed to the app
    When Entra removes the user from the group "Finance"
    Then the app accepted every request Entra sent
    And the app's group for the role "Finance" no longer has "Ana Souza" as a member

  @must @fact_entra_flag_member_remove
  Scenario: With aadOptscim062020 Entra removes a member by its value filter
    Given Entra's tenant URL carries the aadOptscim062020 flag
    And an Entra user "Ana Souza" in the group "Finance" pushed to the app
    When Entra removes the user from the group "Finance"
    Then the app accepted every request Entra sent
    And the app's group for the role "Finance" no longer has "Ana Souza" as a member

  @must @fact_entra_group_rename @fact_entra_capitalised_ops
  Scenario: Entra renames a group
    Given an Entra user "Ana Souza" in the group "Finance" pushed to the app
    When Entra renames the group "Finance" to "Finance EMEA (…)"
    Then the app accepted every request Entra sent
    And the app has the group "Finance EMEA (…)"
