@okta
Feature: Okta deactivates, reactivates and never deletes
  Okta deactivates with a path-less PATCH {"op":"replace","value":{"active":false}} and reactivates
  the same way with true; it never sends DELETE /Users: unassigning or deleting a user in Okta
  deactivates it in the app.

  @must @fact_okta_deactivate_patch @fact_okta_patch_answer
  Scenario: Okta's path-less PATCH deactivates the user
    Given an Okta user "Ana Souza" pushed to the app
    When Okta deactivates the user
    Then the app accepted every request Okta sent
    And the app has an inactive user "ana.souza@…"

  @must @fact_okta_reactivate_patch @fact_okta_deactivate_patch
  Scenario: Okta's path-less PATCH reactivates the user
    Given an Okta user "Ana Souza" pushed to the app
    And Okta has deactivated the user
    When Okta reactivates the user
    Then the app accepted every request Okta sent
    And the app has an active user "ana.souza@…"

  @must @fact_okta_no_delete @fact_okta_deactivate_patch
  Scenario: Unassigning a user in Okta deactivates it and deletes nothing
    Given an Okta user "Ana Souza" pushed to the app
    When Okta unassigns the user
    Then the app accepted every request Okta sent
    And Okta sent no DELETE
    And the app has an inactive user "ana.souza@…"
