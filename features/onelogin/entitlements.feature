@onelogin
Feature: OneLogin reads the app's groups and users
  "Refresh entitlements" makes OneLogin read the app's groups (GET /Groups) to offer them in its
  mapping rules; an import reads the app's users (GET /Users, page by page) and links each to the
  OneLogin user of the same userName.

  # @should: whether the refresh pages through GET /Groups is unknown.
  @entitlements @should @req_Q_01 @fact_onelogin_groups_list @fact_onelogin_groups_paging
  Scenario: Refreshing entitlements learns the app's groups
    Given the app already has the group for the role "Finance"
    And the app already has the group for the role "Legal"
    When OneLogin refreshes the entitlements
    Then OneLogin learned the app's groups for the roles "Finance" and "Legal"

  # @should: how the import pages through GET /Users is unknown.
  @import @should @req_Q_01 @fact_onelogin_import_users @fact_onelogin_import_paging
  Scenario: Importing users links the app's users to OneLogin users
    Given a OneLogin user "Ana Souza" who already exists in the app
    And a OneLogin user "Bruno Lima" who already exists in the app
    When OneLogin imports the app's users
    Then OneLogin linked "Ana Souza" and "Bruno Lima" to their app users

  # @serial: paging the whole directory while other scenarios create users would miss some.
  @import @should @req_Q_10 @fact_onelogin_import_users @fact_onelogin_import_paging @serial
  Scenario: Importing follows totalResults page by page
    Given a OneLogin user "Ana Souza" who already exists in the app
    And a OneLogin user "Bruno Lima" who already exists in the app
    And a OneLogin user "Carla Mendes" who already exists in the app
    And OneLogin imports a few users per page
    When OneLogin imports the app's users
    Then OneLogin read the app's users page by page up to totalResults
    And OneLogin linked "Ana Souza", "Bruno Lima" and "Carla Mendes" to their app users
