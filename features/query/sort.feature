@query @rfc
Feature: Sorting users
  A client can ask for users in order of an attribute, ascending unless it says otherwise. Text
  sorts by the attribute's caseExact, so "Bo" sorts between "ana" and "carla"; users without a
  value sort last going up and first going down. Sorting is optional, so these scenarios run
  only when the target claims it.

  Background:
    Given the target supports "sort"
    And the directory holds these users:
      | userName           | name.familyName | title    | emails[work]        | emails[home, primary] |
      | ana@example.com    | Souza           | Engineer | zz@work.example.com | aa@home.example.org   |
      | Bo@example.org     | Lee             | Manager  | mm@work.example.com |                       |
      | carla@example.net  | O'Brien         | Analyst  | bb@work.example.com |                       |
      | dmitri@example.com | Ivanov          |          |                     |                       |

  @must @req_Q_09
  Scenario: Users are sorted by userName, ignoring case, ascending by default
    When a client sorts the directory by userName
    Then the users come in the order "ana, bo, carla, dmitri"

  @must @req_Q_09
  Scenario: Users are sorted in descending order
    When a client sorts the directory by userName in descending order
    Then the users come in the order "dmitri, carla, bo, ana"

  @must @req_Q_09
  Scenario: Users are sorted by a sub-attribute
    When a client sorts the directory by name.familyName
    Then the users come in the order "dmitri, bo, carla, ana"

  @must @req_Q_09
  Scenario: Users without a value come last going up
    When a client sorts the directory by title in ascending order
    Then the users come in the order "carla, ana, bo, dmitri"

  @must @req_Q_09
  Scenario: Users without a value come first going down
    When a client sorts the directory by title in descending order
    Then "dmitri" comes first

  @must @req_Q_09
  Scenario: Users are sorted by the primary value of a multi-valued attribute
    # RFC 7644 §3.4.2.3: a multi-valued sortBy sorts "by the value of the primary attribute ..., if
    # any, or else the first value in the list". Ana's first email is "zz…" but her primary is "aa…".
    When a client sorts the directory by emails.value
    Then the users come in the order "ana, carla, bo, dmitri"
