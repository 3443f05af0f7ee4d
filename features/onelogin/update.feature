@onelogin @update
Feature: Update user attributes from OneLogin
  OneLogin sends every attribute change as a full replacement: PUT /Users/{id}? with the whole
  rendered template, not a diff. The change must be visible in the app.

  @must @req_P_03 @fact_onelogin_update_whole_template
  Scenario: A new title reaches the app
    Given a OneLogin user "Ana Souza" pushed to the app
    When OneLogin changes the user's title to "Staff Engineer" and pushes the update
    Then the app accepted OneLogin's full replacement of the user
    And the app's user has these attributes
      | attribute       | value          |
      | title           | Staff Engineer |
      | name.givenName  | Ana            |
      | name.familyName | Souza          |
      | emails.value    | ana.souza@…    |

  @must @req_P_03 @fact_onelogin_update_whole_template
  Scenario: A changed last name reaches the app
    Given a OneLogin user "Ana Souza" pushed to the app
    When OneLogin changes the user's last name to "Souza Lima" and pushes the update
    Then the app accepted OneLogin's full replacement of the user
    And the app's user has these attributes
      | attribute       | value          |
      | name.familyName | Souza Lima     |
      | name.formatted  | Ana Souza Lima |

  @must @fact_onelogin_update_whole_template @fact_onelogin_legacy_urns
  Scenario: A new department reaches the app
    Given a OneLogin user "Ana Souza" pushed to the app
    When OneLogin changes the user's department to "Finance" and pushes the update
    Then the app accepted OneLogin's full replacement of the user
    And the app keeps the department "Finance" that OneLogin sent under its legacy enterprise URN

  @should @quirks @fact_onelogin_manager_id @fact_onelogin_update_whole_template
  Scenario: A new manager reaches the app as the manager's id
    OneLogin's template sends the manager's id as "managerId", not the RFC's "value".

    Given a OneLogin user "Eli Park" pushed to the app
    And a OneLogin user "Dora Ito" pushed to the app
    When OneLogin changes the user's manager to "Eli Park" and pushes the update
    Then the app accepted OneLogin's full replacement of the user
    And the app's user has the manager "Eli Park"
