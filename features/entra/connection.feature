@entra @connection
Feature: Entra's connection test and matching
  Entra matches users with GET /Users?filter=userName eq "…"; when nobody matches it needs 200 and
  a ListResponse with totalResults 0. Its requests carry ADSCIMVersion: 6.0 and
  Content-Type: application/scim+json; charset=utf-8.

  @must @fact_entra_match_username @fact_entra_headers
  Scenario: Entra's connection test passes
    When Entra tests the connection
    Then Entra accepts the connection

  @must @fact_entra_match_username @fact_entra_create_body @fact_entra_create_201 @fact_entra_headers
  Scenario: Entra finds nobody and creates the user
    Given an Entra user "Ana Souza" assigned to the app
    When Entra pushes the user
    Then Entra created the user in the app
    And the app has an active user "ana.souza@…"
    And the app's user has the externalId Entra sent

  @must @fact_entra_match_username
  Scenario: Entra links a user the app already has instead of creating another
    Given an Entra user "Ana Souza" who already exists in the app
    When Entra pushes the user
    Then Entra linked the user to the app's existing user without creating it
    And the app has exactly one user "ana.souza@…"
