@onelogin @delete
Feature: Delete users from OneLogin
  "When users are deleted in OneLogin, or the user's app access is removed" the app's deletion
  action decides what the app hears: Delete sends DELETE /Users/{id}, Suspend deactivates the
  user with a full replacement, Do nothing sends nothing at all.

  @must @req_X_01 @fact_onelogin_deletion_action
  Scenario: Deletion action "Delete": a user deleted in OneLogin is deleted in the app
    Given the app's deletion action is "Delete"
    And a OneLogin user "Ana Souza" pushed to the app
    When OneLogin deletes the user
    Then OneLogin deleted the user in the app
    And the app no longer has the user

  # @should: the suspension's wire form (a PUT with "active": false) is a guess.
  @should @fact_onelogin_deletion_action @fact_onelogin_suspend_put
  Scenario: Deletion action "Suspend": a user deleted in OneLogin is deactivated in the app
    Given the app's deletion action is "Suspend"
    And a OneLogin user "Ana Souza" pushed to the app
    When OneLogin deletes the user
    Then the app accepted OneLogin's full replacement of the user
    And the app has an inactive user "ana.souza@…"

  @must @fact_onelogin_deletion_action
  Scenario: Deletion action "Do nothing": the app hears nothing and keeps the user
    Given the app's deletion action is "Do nothing"
    And a OneLogin user "Ana Souza" pushed to the app
    When OneLogin deletes the user
    Then OneLogin sent no request to the app
    And the app's user is unchanged

  @must @fact_onelogin_app_removal @fact_onelogin_deletion_action
  Scenario Outline: Removing the app from a user follows the deletion action "<action>"
    Given the app's deletion action is "<action>"
    And a OneLogin user "Ana Souza" pushed to the app
    When OneLogin removes the app from the user
    Then the app's user is <state>

    Examples:
      | action     | state     |
      | Delete     | deleted   |
      | Do nothing | unchanged |

  # Apart from the outline: the suspension's wire form is a guess, so this one does not gate.
  @should @fact_onelogin_app_removal @fact_onelogin_suspend_put
  Scenario: Removing the app from a user follows the deletion action "Suspend"
    Given the app's deletion action is "Suspend"
    And a OneLogin user "Ana Souza" pushed to the app
    When OneLogin removes the app from the user
    Then the app's user is inactive
