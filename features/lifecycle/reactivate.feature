@observer @lifecycle @reactivate
Feature: A reactivated user gets no access back
  A user reactivated in OneLogin is valid again in the app, but gets no grant and no team
  membership back: access must be granted again.

  Background:
    Given the observer is available

  @onelogin @must @fact_onelogin_no_grants_back @fact_onelogin_rotation
  Scenario: A reactivated user has no grant and no team
    Given a OneLogin user "Ana Souza" with the role "Finance" provisioned to the app
    And a privileged account "Payroll admin" the user can use
    And a privileged account "Bank portal" shared with the role "Finance"
    And OneLogin has suspended the user
    When OneLogin reactivates the user
    Then the app has an active user "ana.souza@…"
    And the observer shows no access for the user
    And the app's group for the role "Finance" no longer has the user as a member
    And the observer shows one rotation of "Payroll admin", triggered by the user, because "user_suspended"

  @onelogin @must @fact_onelogin_no_grants_back @fact_onelogin_no_access_while_inactive
  Scenario: After reactivation, access granted again works, directly and through a team
    A reactivated user is active again: a new direct grant is accepted, and a team it joins again
    reaches it.

    Given a OneLogin user "Bruno Lima" with the role "Finance" provisioned to the app
    And a OneLogin user "Ana Souza" provisioned to the app
    And a privileged account "Payroll admin" the user can use
    And a privileged account "Bank portal" shared with the role "Finance"
    And OneLogin has suspended the user
    When OneLogin reactivates the user
    Then the app has an active user "ana.souza@…"
    When the observer grants the user access to "Payroll admin"
    Then the observer accepted the grant
    When OneLogin gives the user the role "Finance"
    Then the app accepted every request OneLogin sent
    And the observer shows the user with access to
      | account       | via    |
      | Payroll admin | direct |
      | Bank portal   | group  |
