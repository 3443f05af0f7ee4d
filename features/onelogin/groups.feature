@onelogin @groups
Feature: OneLogin roles become group memberships in the app
  OneLogin maps roles to the app's groups by a rule. When a user gains a role, OneLogin finds the
  group by its name — creating it when the app has none — and adds the user with
  PATCH /Groups/{id}; when the role is taken away, it removes the user the same way. The body of
  that PATCH is not known (an RFC PatchOp is assumed), so these scenarios do not gate.

  @should @req_M_05 @fact_onelogin_role_patch @fact_onelogin_role_patch_body @fact_onelogin_group_create
  Scenario: A new role adds the user to its group, creating the group when missing
    Given a OneLogin user "Ana Souza" pushed to the app
    When OneLogin gives the user the role "Finance"
    Then OneLogin created the group for the role "Finance"
    And the app's group for the role "Finance" has the user as a member

  @should @req_M_05 @fact_onelogin_role_patch @fact_onelogin_role_patch_body @fact_onelogin_groups_list
  Scenario: A new role whose group exists adds the user to that group
    Given the app already has the group for the role "Sales"
    And a OneLogin user "Ana Souza" pushed to the app
    When OneLogin gives the user the role "Sales"
    Then the app accepted every request OneLogin sent
    And the app has exactly one group for the role "Sales"
    And the app's group for the role "Sales" has the user as a member

  @should @fact_onelogin_assign_pushes_groups @fact_onelogin_role_patch @fact_onelogin_role_patch_body
  Scenario: A user assigned with a role joins the role's group when pushed
    Given a OneLogin user "Ana Souza" with the role "Legal" assigned to the app
    When OneLogin pushes the user
    Then OneLogin created the user in the app
    And the app's group for the role "Legal" has the user as a member

  @should @req_M_06 @fact_onelogin_role_patch @fact_onelogin_role_patch_body
  Scenario: A removed role takes the user, and only that user, out of the group
    Given a OneLogin user "Ana Souza" with the role "Finance" pushed to the app
    And a OneLogin user "Bruno Lima" with the role "Finance" pushed to the app
    When OneLogin removes the role "Finance" from "Ana Souza"
    Then the app accepted every request OneLogin sent
    And the app's group for the role "Finance" no longer has "Ana Souza" as a member
    And the app's group for the role "Finance" has "Bruno Lima" as a member
