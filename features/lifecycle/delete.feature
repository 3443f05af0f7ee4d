@observer @lifecycle @delete
Feature: A deleted user loses access, and privileged accounts are rotated
  What the app does when a user is deleted in OneLogin follows the app's deletion action: Delete
  and Suspend both end the user's access and rotate the privileged accounts the user could reach;
  Do nothing sends nothing, so the user keeps access.

  Background:
    Given the observer is available

  @onelogin @must @fact_onelogin_deletion_action @fact_onelogin_grants_removed @fact_onelogin_rotation
  Scenario: Deletion action "Delete": the user loses every grant, and each privileged account is rotated once
    Given the app's deletion action is "Delete"
    And a OneLogin user "Ana Souza" with the role "Finance" provisioned to the app
    And a privileged account "Payroll admin" the user can use
    And a privileged account "Bank portal" shared with the role "Finance"
    And an account "Team wiki" the user can use
    When OneLogin deletes the user
    Then OneLogin deleted the user in the app
    And the observer shows no access for the user
    And the observer shows one rotation of "Payroll admin", triggered by the user, because "user_deleted"
    And the observer shows one rotation of "Bank portal", triggered by the user, because "user_deleted"
    And the observer shows no rotation of "Team wiki"

  @onelogin @must @fact_onelogin_deletion_action @fact_onelogin_grants_removed @fact_onelogin_rotation
  Scenario: Deletion action "Suspend": the user loses every grant as when suspended
    Given the app's deletion action is "Suspend"
    And a OneLogin user "Ana Souza" provisioned to the app
    And a privileged account "Payroll admin" the user can use
    When OneLogin deletes the user
    Then the app has an inactive user "ana.souza@…"
    And the observer shows no access for the user
    And the observer shows one rotation of "Payroll admin", triggered by the user, because "user_suspended"

  @onelogin @must @fact_onelogin_deletion_action
  Scenario: Deletion action "Do nothing": the user keeps access and nothing is rotated
    Given the app's deletion action is "Do nothing"
    And a OneLogin user "Ana Souza" provisioned to the app
    And a privileged account "Payroll admin" the user can use
    When OneLogin deletes the user
    Then OneLogin sent no request to the app
    And the observer shows the user with access to
      | account       | via    |
      | Payroll admin | direct |
    And the observer shows no rotation of "Payroll admin"
