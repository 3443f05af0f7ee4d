@observer @lifecycle @groups
Feature: Leaving a team ends the access that came through it
  When a role is taken away in OneLogin, OneLogin removes the user from the role's group. The app
  ends the access the user had through that team and rotates the team's privileged accounts; the
  user's direct grants and the other members' access stay.

  Background:
    Given the observer is available

  @onelogin @must @fact_onelogin_role_patch @fact_onelogin_team_removal @fact_onelogin_rotation
  Scenario: Leaving a group ends the team's access and rotates its privileged accounts
    Given a OneLogin user "Ana Souza" with the role "Finance" provisioned to the app
    And a OneLogin user "Bruno Lima" with the role "Finance" provisioned to the app
    And a privileged account "Bank portal" shared with the role "Finance"
    And an account "Finance wiki" shared with the role "Finance"
    When OneLogin removes the role "Finance" from "Ana Souza"
    Then the app accepted every request OneLogin sent
    And the observer shows no access for "Ana Souza"
    And the observer shows "Bruno Lima" with access to
      | account      | via   |
      | Bank portal  | group |
      | Finance wiki | group |
    And the observer shows one rotation of "Bank portal", triggered by "Ana Souza", because "removed_from_group"
    And the observer shows no rotation of "Finance wiki"

  @onelogin @must @fact_onelogin_role_patch @fact_onelogin_team_removal @fact_onelogin_rotation
  Scenario: Leaving a group keeps the user's direct grants
    Given a OneLogin user "Ana Souza" with the role "Finance" provisioned to the app
    And a privileged account "Payroll admin" the user can use
    And a privileged account "Bank portal" shared with the role "Finance"
    When OneLogin removes the role "Finance" from the user
    Then the app accepted every request OneLogin sent
    And the observer shows the user with access to
      | account       | via    |
      | Payroll admin | direct |
    And the observer shows one rotation of "Bank portal", triggered by the user, because "removed_from_group"
    And the observer shows no rotation of "Payroll admin"
