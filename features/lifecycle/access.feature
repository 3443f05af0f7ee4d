@observer @lifecycle
Feature: Pushed users take part in account sharing
  A user OneLogin pushes is available for account sharing: it can be granted access to the app's
  shared accounts directly, or through a team — a group OneLogin fills from a role. Attribute
  updates leave that access alone.

  Background:
    Given the observer is available

  @push @onelogin @must @fact_onelogin_no_access_while_inactive
  Scenario: A pushed user can be granted access to a shared account
    Given a OneLogin user "Ana Souza" provisioned to the app
    And a privileged account "Payroll admin"
    When the observer grants the user access to "Payroll admin"
    Then the observer shows the user with direct access to "Payroll admin"

  @groups @onelogin @must @fact_onelogin_role_patch
  Scenario: A team's access reaches the users OneLogin put in the team
    Given a OneLogin user "Ana Souza" with the role "Finance" provisioned to the app
    And a privileged account "Bank portal" shared with the role "Finance"
    Then the observer shows the user with access to
      | account     | via   |
      | Bank portal | group |

  @update @onelogin @must @fact_onelogin_update_whole_template @fact_onelogin_rotation
  Scenario: An attribute update touches no grant
    Given a OneLogin user "Ana Souza" with the role "Finance" provisioned to the app
    And a privileged account "Payroll admin" the user can use
    And a privileged account "Bank portal" shared with the role "Finance"
    When OneLogin changes the user's title to "Staff Engineer" and pushes the update
    Then the app accepted OneLogin's full replacement of the user
    And the observer shows the user with access to
      | account       | via    |
      | Payroll admin | direct |
      | Bank portal   | group  |
    And the observer shows no rotation of "Payroll admin"
    And the observer shows no rotation of "Bank portal"
