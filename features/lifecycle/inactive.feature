@observer @lifecycle @inactive
Feature: A user who is not active gets no new access
  Only an active, existing user can receive access (the observer contract): a direct grant to a
  suspended user is refused with 409, one to the id of a deleted user with 404, and a team reaches
  no member who is suspended — the app may refuse the membership or keep it without access. An app
  that shares a privileged account with a deprovisioned user fails here.

  Background:
    Given the observer is available

  @onelogin @must @fact_onelogin_no_access_while_inactive
  Scenario: A suspended user cannot receive a direct grant
    Given a OneLogin user "Ana Souza" provisioned to the app
    And a privileged account "Payroll admin"
    And OneLogin has suspended the user
    When the observer grants the user access to "Payroll admin"
    Then the observer refused the grant with 409
    And the observer shows no access for the user

  @onelogin @must @fact_onelogin_no_access_while_inactive
  Scenario: A suspended user put in a team's group gains no access through it
    Given a OneLogin user "Bruno Lima" with the role "Finance" provisioned to the app
    And a privileged account "Bank portal" shared with the role "Finance"
    And a OneLogin user "Ana Souza" provisioned to the app
    And OneLogin has suspended the user
    When OneLogin gives the user the role "Finance"
    Then the app refused the membership, or the observer shows no access for the user

  @onelogin @must @fact_onelogin_no_access_while_inactive @fact_onelogin_deletion_action
  Scenario: A deleted user's id cannot receive a grant
    Given the app's deletion action is "Delete"
    And a OneLogin user "Ana Souza" provisioned to the app
    And a privileged account "Payroll admin"
    When OneLogin deletes the user
    And the observer grants the user access to "Payroll admin"
    Then OneLogin deleted the user in the app
    And the observer refused the grant with 404
    And the observer shows no access for the user
