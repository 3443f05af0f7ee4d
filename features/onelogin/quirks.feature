@onelogin @quirks
Feature: What OneLogin sends that the RFC does not
  OneLogin's requests differ from RFC 7643/7644 in ways a server has to survive: legacy schema
  URNs (also as the extension's key), a form-encoded lookup filter with a trailing "&", PUT URLs
  ending in "?", Content-Type application/json, empty strings for empty placeholders, and — in the
  templates admins write — emails as a single object, booleans as strings and junk fields. When
  the server refuses one of them, the failure names it.

  @must @fact_onelogin_legacy_urns
  Scenario: The default template's legacy schema URNs are accepted
    The template lists urn:scim:schemas:core:2.0 and urn:scim:schemas:extension:enterprise:2.0,
    and puts the department and manager under the legacy enterprise URN as the key.

    Given a OneLogin user "Ana Souza" with the department "Sales" assigned to the app
    When OneLogin pushes the user
    Then OneLogin created the user in the app
    And the app keeps the department "Sales" that OneLogin sent under its legacy enterprise URN

  @should @req_R_01 @fact_onelogin_legacy_urns
  Scenario: The app shows what arrived under legacy URNs under the RFC URNs
    Given a OneLogin user "Ana Souza" with the department "Sales" pushed to the app
    Then the app shows the user under the RFC schema URNs only
    And the app's user has these attributes
      | attribute                                                             | value |
      | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department | Sales |

  @must @fact_onelogin_form_encoded_filter
  Scenario: OneLogin's form-encoded lookup finds a plus-addressed user
    The filter goes out as filter=userName+eq+%22ana.souza%2Bscim%40…%22& — "+" for spaces,
    %2B for the plus sign, and a trailing "&".

    Given a OneLogin user "Ana Souza" with the email "ana.souza+scim@…" pushed to the app
    When OneLogin looks the user up by userName
    Then OneLogin's lookup went out form-encoded with a trailing "&"
    And the app finds exactly the user

  @must @fact_onelogin_form_encoded_filter
  Scenario: OneLogin's form-encoded lookup finds a user with an apostrophe
    Given a OneLogin user "Siobhán O'Brien" pushed to the app
    When OneLogin looks the user up by userName
    Then the app finds exactly the user

  @must @req_P_03 @fact_onelogin_put_bare_query
  Scenario: A replacement URL ending in a bare "?" is accepted
    Given a OneLogin user "Ana Souza" pushed to the app
    When OneLogin changes the user's title to "Staff Engineer" and pushes the update
    Then OneLogin's replacement URL ended in a bare "?"
    And the app accepted OneLogin's full replacement of the user

  # @should: OneLogin's default Content-Type is a guess, and RFC 7644 §3.8 says SHOULD accept it.
  @should @req_T_01 @fact_onelogin_content_type_json
  Scenario: Requests with Content-Type application/json are accepted
    Given a OneLogin user "Ana Souza" assigned to the app
    When OneLogin pushes the user
    Then OneLogin sent its requests with Content-Type "application/json"
    And OneLogin created the user in the app

  @should @req_T_01 @fact_onelogin_custom_headers
  Scenario: The custom headers an admin adds are accepted
    Given the app's custom headers are
      """
      Content-Type: application/scim+json
      User-Agent: OneLogin SCIM
      """
    And a OneLogin user "Ana Souza" assigned to the app
    When OneLogin pushes the user
    Then OneLogin sent its requests with Content-Type "application/scim+json"
    And OneLogin created the user in the app

  @should @fact_onelogin_empty_placeholder
  Scenario: A user without title, department or manager is pushed with empty strings
    Given a OneLogin user "Ana Souza" with no title, department or manager assigned to the app
    When OneLogin pushes the user
    Then OneLogin created the user in the app
    And the app has an active user "ana.souza@…"

  @should @quirks @fact_onelogin_manager_id
  Scenario: The manager's id sent as managerId is kept as the manager
    Given a OneLogin user "Eli Park" pushed to the app
    And a OneLogin user "Dora Ito" with the manager "Eli Park" assigned to the app
    When OneLogin pushes the user
    Then OneLogin created the user in the app
    And the app's user has the manager "Eli Park"

  @should @fact_onelogin_scim11_urns
  Scenario: A template with the SCIM 1.1 URNs is accepted
    Given the app's SCIM JSON template is
      """
      {
        "schemas": ["urn:scim:schemas:core:1.0", "urn:scim:schemas:extension:enterprise:1.0"],
        "userName": "{$parameters.scimusername}",
        "name": {"familyName": "{$user.lastname}", "givenName": "{$user.firstname}"},
        "emails": [{"value": "{$user.email}", "type": "work", "primary": true}],
        "urn:scim:schemas:extension:enterprise:1.0": {"department": "{$parameters.department}"}
      }
      """
    And a OneLogin user "Ana Souza" with the department "Legal" assigned to the app
    When OneLogin pushes the user
    Then OneLogin created the user in the app
    And the app keeps the department "Legal" that OneLogin sent under its legacy enterprise URN

  @should @fact_onelogin_emails_object
  Scenario: Emails sent as a single object are accepted
    OneLogin's enterprise template sends "emails" as one object instead of an array.

    Given the app's SCIM JSON template is
      """
      {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "{$parameters.scimusername}",
        "name": {"familyName": "{$user.lastname}", "givenName": "{$user.firstname}"},
        "emails": {"value": "{$user.email}", "type": "work", "primary": true}
      }
      """
    And a OneLogin user "Ana Souza" assigned to the app
    When OneLogin pushes the user
    Then OneLogin created the user in the app
    And the app's user has these attributes
      | attribute    | value       |
      | emails.value | ana.souza@… |

  @should @req_R_07 @fact_onelogin_string_values
  Scenario: Booleans sent as strings are read as booleans
    OneLogin renders placeholders as strings, so "active": "{$user.active}" sends "true".

    Given the app's SCIM JSON template is
      """
      {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "{$parameters.scimusername}",
        "name": {"familyName": "{$user.lastname}", "givenName": "{$user.firstname}"},
        "emails": [{"value": "{$user.email}", "type": "work", "primary": "true"}],
        "active": "{$user.active}"
      }
      """
    And a OneLogin user "Ana Souza" assigned to the app
    When OneLogin pushes the user
    Then OneLogin created the user in the app
    And the app has an active user "ana.souza@…"
    And the app's user has these attributes
      | attribute      | value |
      | emails.primary | true  |

  @should @req_R_02 @req_C_03 @fact_onelogin_junk_fields
  Scenario: Junk fields in the template are ignored
    Templates copied from other vendors carry "id": null and a "meta" object.

    Given the app's SCIM JSON template is
      """
      {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": null,
        "meta": {"resourceType": "User"},
        "userName": "{$parameters.scimusername}",
        "name": {"familyName": "{$user.lastname}", "givenName": "{$user.firstname}"},
        "emails": [{"value": "{$user.email}", "type": "work", "primary": true}]
      }
      """
    And a OneLogin user "Ana Souza" assigned to the app
    When OneLogin pushes the user
    Then OneLogin created the user in the app
    And the app has an active user "ana.souza@…"
