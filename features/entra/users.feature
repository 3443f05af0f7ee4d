@entra
Feature: Entra updates, disables, deletes
  Without the aadOptscim062020 flag (a new app's default) Entra capitalises ops, changes attributes
  one path at a time (emails[type eq "work"].value, name.familyName, the enterprise URN's department)
  and disables with {"op":"Replace","path":"active","value":"False"}, the boolean as a string. With
  the flag the ops are lower-case, active a boolean, and several attributes go in one path-less
  replace. Unassigning disables; deleting sends DELETE.

  @must @fact_entra_update_patch @fact_entra_capitalised_ops
  Scenario: Entra's capitalised PATCH with value paths updates the user
    Given an Entra user "Ana Souza" pushed to the app
    When Entra changes the user's title to "Head of Finance"
    Then the app accepted every request Entra sent
    And Entra sent PATCH requests only
    And the app's user has the title "Head of Finance"

  @must @fact_entra_disable_patch @fact_entra_active_string @fact_entra_capitalised_ops
  Scenario: Entra disables the user with "active": "False" as a string
    Given an Entra user "Ana Souza" pushed to the app
    When Entra deactivates the user
    Then the app accepted every request Entra sent
    And the app has an inactive user "ana.souza@…"

  @should @fact_entra_reactivate_patch @fact_entra_active_string
  Scenario: Entra enables a disabled user again
    Given an Entra user "Ana Souza" pushed to the app
    And Entra has deactivated the user
    When Entra reactivates the user
    Then the app accepted every request Entra sent
    And the app has an active user "ana.souza@…"

  @must @fact_entra_flag_forms @fact_entra_disable_patch
  Scenario: With aadOptscim062020 Entra disables with a lower-case op and a boolean
    Given Entra's tenant URL carries the aadOptscim062020 flag
    And an Entra user "Ana Souza" pushed to the app
    When Entra deactivates the user
    Then the app accepted every request Entra sent
    And the app has an inactive user "ana.souza@…"

  @must @fact_entra_flag_multi_replace
  Scenario: With aadOptscim062020 Entra updates in one path-less replace
    Given Entra's tenant URL carries the aadOptscim062020 flag
    And an Entra user "Ana Souza" pushed to the app
    When Entra changes the user's title to "Head of Finance"
    Then the app accepted every request Entra sent
    And the app's user has the title "Head of Finance"

  @must @fact_entra_periodic_active
  Scenario: Entra's periodic active=true PATCH leaves an active user active
    Given an Entra user "Ana Souza" pushed to the app
    When Entra sends its periodic update setting active to true
    Then the app accepted every request Entra sent
    And the app has an active user "ana.souza@…"

  @must @fact_entra_unassign_disables @fact_entra_disable_patch
  Scenario: Unassigning a user in Entra disables it and deletes nothing
    Given an Entra user "Ana Souza" pushed to the app
    When Entra unassigns the user
    Then the app accepted every request Entra sent
    And Entra sent no DELETE
    And the app has an inactive user "ana.souza@…"

  @must @fact_entra_delete @req_X_01
  Scenario: Deleting a user in Entra deletes it in the app
    Given an Entra user "Ana Souza" pushed to the app
    When Entra deletes the user
    Then the app accepted every request Entra sent
    And the app's user can no longer be read
