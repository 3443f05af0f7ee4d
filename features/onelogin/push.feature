@onelogin @push
Feature: Push users from OneLogin
  Users assigned to the app in OneLogin are created in the app. OneLogin first looks the user up
  by userName; when the app has nobody of that name it creates the user with the SCIM JSON
  template, and when the app already has one it links to it and replaces it.

  @must @req_C_01 @fact_onelogin_lookup_before_push @fact_onelogin_create_response
  Scenario: A user assigned in OneLogin is created in the app
    Given a OneLogin user "Ana Souza" assigned to the app
    When OneLogin pushes the user
    Then OneLogin created the user in the app
    And the app has an active user "ana.souza@…"
    And the app's user has these attributes
      | attribute       | value        |
      | userName        | ana.souza@…  |
      | name.givenName  | Ana          |
      | name.familyName | Souza        |
      | name.formatted  | Ana Souza    |
      | emails.value    | ana.souza@…  |
      | emails.type     | work         |
      | title           | Engineer     |

  @must @fact_onelogin_lookup_before_push @fact_onelogin_link_existing @fact_onelogin_update_whole_template
  Scenario: A user the app already has is linked and replaced, not created twice
    Given a OneLogin user "Bruno Lima" who already exists in the app
    When OneLogin pushes the user
    Then OneLogin linked the user to the app's existing user and replaced it
    And the app has exactly one user "bruno.lima@…"
    And the app's user has these attributes
      | attribute       | value      |
      | name.formatted  | Bruno Lima |
      | title           | Engineer   |

  @must @fact_onelogin_lookup_before_push @fact_onelogin_link_existing
  Scenario: Pushing a user again updates the same user in the app
    Given a OneLogin user "Carla Mendes" pushed to the app
    When OneLogin pushes the user
    Then OneLogin linked the user to the app's existing user and replaced it
    And the app has exactly one user "carla.mendes@…"

  @must @fact_onelogin_lookup_before_push @fact_onelogin_create_response @fact_onelogin_form_encoded_filter
  Scenario: Users with unusual names arrive intact
    Names with non-ASCII letters, apostrophes, hyphens, 120 characters or stray whitespace, and
    plus-addressed or mixed-case emails: the tenant is generated, reproducibly, from the seed.

    Given a OneLogin tenant of 8 users with unusual names, generated from seed 5
    When OneLogin pushes every assigned user
    Then the app has every assigned user with the name and email OneLogin sent
    And OneLogin finds every assigned user by userName
