@onelogin
Feature: Suspend and reactivate users from OneLogin
  A user suspended in OneLogin is deactivated in the app: OneLogin replaces the user with the
  whole template plus "active": false. Reactivation sends the same with "active": true. Both wire
  forms are OneLogin's best guess, not documented, so these scenarios do not gate.

  @suspend @should @fact_onelogin_suspend_put
  Scenario: A user suspended in OneLogin is deactivated in the app
    Given a OneLogin user "Ana Souza" pushed to the app
    When OneLogin suspends the user
    Then the app accepted OneLogin's full replacement of the user
    And the app has an inactive user "ana.souza@…"

  @suspend @should @fact_onelogin_suspend_patch
  Scenario: Suspending by PATCH, when OneLogin is set to, deactivates the user
    Given OneLogin is set to suspend users by PATCH
    And a OneLogin user "Ana Souza" pushed to the app
    When OneLogin suspends the user
    Then the app accepted every request OneLogin sent
    And the app has an inactive user "ana.souza@…"

  @reactivate @should @fact_onelogin_reactivate_put @fact_onelogin_suspend_put
  Scenario: A reactivated user is active again
    Given a OneLogin user "Ana Souza" pushed to the app
    And OneLogin has suspended the user
    When OneLogin reactivates the user
    Then the app accepted OneLogin's full replacement of the user
    And the app has an active user "ana.souza@…"

  @reactivate @should @req_X_01 @fact_onelogin_reactivate_put @fact_onelogin_lookup_before_update
  Scenario: A user deleted on the app side is created again when reactivated
    OneLogin's lookup finds nobody, so it creates the user again with the same userName.

    Given a OneLogin user "Ana Souza" pushed to the app
    And OneLogin has suspended the user
    And the app's user was deleted on the app side
    When OneLogin reactivates the user
    Then OneLogin created the user in the app
    And the app has an active user "ana.souza@…"
