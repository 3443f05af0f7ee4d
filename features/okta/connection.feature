@okta @connection
Feature: Okta's connection test and user lookups
  Saving an Okta SCIM integration tests it with a first page of users; every later push looks the
  userName up, percent-encoded and with startIndex=1&count=100, as Okta's SCIM 2.0 reference shows.
  Every request carries "User-Agent: Okta SCIM Client 1.0.0".

  @must @fact_okta_connection_test @fact_okta_user_agent
  Scenario: Okta's connection test passes
    When Okta tests the connection
    Then Okta accepts the connection

  @must @fact_okta_lookup_paging @fact_okta_lookup_before_create @fact_okta_create_response
  Scenario: Okta's paged userName lookup finds nobody, so Okta creates the user
    Given an Okta user "Ana Souza" assigned to the app
    When Okta pushes the user
    Then Okta created the user in the app
    And the app has an active user "ana.souza@…"

  @must @fact_okta_lookup_paging @fact_okta_lookup_before_create
  Scenario: Okta links a user the app already has instead of creating another
    Given an Okta user "Ana Souza" who already exists in the app
    When Okta pushes the user
    Then Okta linked the user to the app's existing user without creating it
    And the app has exactly one user "ana.souza@…"
