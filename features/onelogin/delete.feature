@onelogin @delete
Feature: Delete users from OneLogin
  "When users are deleted in OneLogin, or the user's app access is removed" the app's deletion
  action decides what the app hears: Delete sends DELETE /Users/{id}, Suspend deactivates the
  user with a full replacement, Do nothing sends nothing at all.

  @must @req_X_01
  Scenario: Deletion action "Delete": a user deleted in OneLogin is deleted in the app
    Given the app's deletion action is "Delete"
    And a OneLogin user "Ana Souza" pushed to the app
    When OneLogin deletes the user
    Then OneLogin deleted the user in the app
    And the app no longer has the user

  @must
  Scenario: Deletion action "Suspend": a user deleted in OneLogin is deactivated in the app
    Given the app's deletion action is "Suspend"
    And a OneLogin user "Ana Souza" pushed to the app
    When OneLogin deletes the user
    Then the app accepted OneLogin's full replacement of the user
    And the app has an inactive user "ana.souza@…"

  @must
  Scenario: Deletion action "Do nothing": the app hears nothing and keeps the user
    Given the app's deletion action is "Do nothing"
    And a OneLogin user "Ana Souza" pushed to the app
    When OneLogin deletes the user
    Then OneLogin sent no request to the app
    And the app's user is unchanged

  @must
  Scenario Outline: Removing the app from a user follows the deletion action "<action>"
    Given the app's deletion action is "<action>"
    And a OneLogin user "Ana Souza" pushed to the app
    When OneLogin removes the app from the user
    Then the app's user is <state>

    Examples:
      | action     | state     |
      | Delete     | deleted   |
      | Suspend    | inactive  |
      | Do nothing | unchanged |
