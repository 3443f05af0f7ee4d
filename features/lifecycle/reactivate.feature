@observer @lifecycle @reactivate
Feature: A reactivated user gets no access back
  A user reactivated in OneLogin is valid again in the app, but gets no grant and no team
  membership back: access must be granted again.

  Background:
    Given the observer is available

  @onelogin @must
  Scenario: A reactivated user has no grant and no team
    Given a OneLogin user "Ana Souza" with the role "Finance" pushed to the app
    And a privileged account "Payroll admin" the user can use
    And a privileged account "Bank portal" shared with the role "Finance"
    And OneLogin has suspended the user
    When OneLogin reactivates the user
    Then the app has an active user "ana.souza@…"
    And the observer shows no access for the user
    And the app's group for the role "Finance" no longer has the user as a member
    And the observer shows one rotation of "Payroll admin", triggered by the user, because "user_suspended"

  @onelogin @must
  Scenario: Access returns to a reactivated user only when granted again
    Given a OneLogin user "Ana Souza" pushed to the app
    And a privileged account "Payroll admin" the user can use
    And OneLogin has suspended the user
    When OneLogin reactivates the user
    And the observer grants the user access to "Payroll admin"
    Then the server answers 201
    And the observer shows the user with access to
      | account       | via    |
      | Payroll admin | direct |
