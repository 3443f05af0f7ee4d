@okta
Feature: Okta creates and updates users
  Okta creates with POST /Users (core schema, a primary work email, locale, externalId, groups: [],
  active: true), treats an empty answer as an error, expects 409 for a duplicate, and sends a
  profile update as GET /Users/{id} then PUT of the whole user.

  @must @fact_okta_create_body @fact_okta_create_response @req_R_03
  Scenario: Okta's create keeps the externalId Okta sent
    Given an Okta user "Ana Souza" assigned to the app
    When Okta pushes the user
    Then Okta created the user in the app
    And the app's user has the externalId Okta sent

  @must @fact_okta_duplicate_409 @req_C_03
  Scenario: A second create for the same userName is refused with 409
    Given an Okta user "Ana Souza" pushed to the app
    When Okta creates the user again without looking it up
    Then the app refused the duplicate with 409 and a SCIM error

  @must @fact_okta_update_put
  Scenario: Okta's profile update replaces the user with PUT
    Given an Okta user "Ana Souza" pushed to the app
    When Okta changes the user's title to "Head of Finance"
    Then the app accepted every request Okta sent
    And Okta sent PUT requests only
    And the app's user has the title "Head of Finance"

  @should @fact_okta_put_echoes_get @fact_okta_update_put
  Scenario: Okta's PUT of the app's own copy of the user is accepted
    Okta builds the PUT from the GET's answer, so id, meta and schemas come back as the app wrote them.

    Given an Okta user "Ana Souza" pushed to the app
    When Okta sends back the app's copy of the user with the title "Head of Finance"
    Then the app accepted every request Okta sent
    And the app's user has the title "Head of Finance"

  @must @fact_okta_import_paging
  Scenario: Okta imports the app's users page by page
    Given an Okta user "Ana Souza" pushed to the app
    When Okta imports the app's users
    Then Okta read the app's users page by page from startIndex=1 with count=100
