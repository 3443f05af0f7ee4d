@observer @lifecycle @suspend
Feature: A suspended user loses access, and privileged accounts are rotated
  When OneLogin suspends a user, the app removes every access grant the user had — direct, and
  through teams, whose membership ends — and schedules one password rotation for each privileged
  account the user could reach. Accounts that are not privileged are not rotated.

  Background:
    Given the observer is available

  @onelogin @must @fact_onelogin_grants_removed @fact_onelogin_rotation
  Scenario: A user suspended in OneLogin loses every grant, and each privileged account is rotated once
    Given a OneLogin user "Ana Souza" with the role "Finance" provisioned to the app
    And a privileged account "Payroll admin" the user can use
    And a privileged account "Bank portal" shared with the role "Finance"
    And an account "Team wiki" the user can use
    And the observer shows the user with access to
      | account       | via    |
      | Payroll admin | direct |
      | Bank portal   | group  |
      | Team wiki     | direct |
    When OneLogin suspends the user
    Then the app has an inactive user "ana.souza@…"
    And the observer shows no access for the user
    And the app's group for the role "Finance" no longer has the user as a member
    And the observer shows one rotation of "Payroll admin", triggered by the user, because "user_suspended"
    And the observer shows one rotation of "Bank portal", triggered by the user, because "user_suspended"
    And the observer shows no rotation of "Team wiki"

  @onelogin @must @fact_onelogin_rotation
  Scenario: The rotation a suspension schedules completes
    Given a OneLogin user "Ana Souza" provisioned to the app
    And a privileged account "Payroll admin" the user can use
    When OneLogin suspends the user
    Then the observer shows the rotation of "Payroll admin" completed within 10 seconds

  @onelogin @must @fact_onelogin_grants_removed @fact_onelogin_rotation
  Scenario: Accounts that are not privileged are not rotated
    Given a OneLogin user "Ana Souza" provisioned to the app
    And an account "Team wiki" the user can use
    And an account "Design files" the user can use
    When OneLogin suspends the user
    Then the observer shows no access for the user
    And the observer shows no rotation of "Team wiki"
    And the observer shows no rotation of "Design files"

  @onelogin @should @req_M_07 @fact_onelogin_suspend_patch @fact_onelogin_grants_removed
  Scenario: Suspending by PATCH, the form Okta also sends, ends the user's access too
    OneLogin set to suspend by PATCH sends {"op": "replace", "value": {"active": false}}, no path.

    Given OneLogin is set to suspend users by PATCH
    And a OneLogin user "Ana Souza" with the role "Finance" provisioned to the app
    And a privileged account "Payroll admin" the user can use
    And a privileged account "Bank portal" shared with the role "Finance"
    When OneLogin suspends the user
    Then the app accepted every request OneLogin sent
    And the observer shows no access for the user
    And the observer shows one rotation of "Payroll admin", triggered by the user, because "user_suspended"
    And the observer shows one rotation of "Bank portal", triggered by the user, because "user_suspended"

  @entra @should @fact_onelogin_grants_removed @fact_onelogin_rotation
  Scenario: Deactivation by Entra's PATCH form ends the user's access too
    Entra capitalises the op, names the path and sends the boolean as the string "False".

    Given a OneLogin user "Ana Souza" with the role "Finance" provisioned to the app
    And a privileged account "Payroll admin" the user can use
    And a privileged account "Bank portal" shared with the role "Finance"
    When the app's user is deactivated with this PATCH
      """
      {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "active", "value": "False"}]
      }
      """
    Then the server answers 200 or 204
    And the app has an inactive user "ana.souza@…"
    And the observer shows no access for the user
    And the observer shows one rotation of "Payroll admin", triggered by the user, because "user_suspended"
    And the observer shows one rotation of "Bank portal", triggered by the user, because "user_suspended"
