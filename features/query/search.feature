@query @rfc
Feature: Searching with a posted request
  A client that should not put a filter in a URL posts it to ".search" instead; the answer is
  the same list a query would give.

  Background:
    Given the directory holds these users:
      | userName           | title    | emails[work]           |
      | ana@example.com    | Engineer | ana@work.example.com   |
      | Bo@example.org     | Manager  | bo@work.example.com    |
      | carla@example.net  | engineer | carla@work.example.net |
      | dmitri@example.com |          |                        |

  @must @req_Q_12 @req_Q_11
  Scenario: Users are found by a posted search
    When a client searches the directory with:
      | filter     | title eq "engineer" |
      | attributes | userName, title     |
    Then the users found are "ana, carla"
    And no user found has "emails"
    And each user found has "title"

  @must @req_Q_12 @req_Q_10
  Scenario: A posted search pages like a query
    When a client searches the directory with:
      | startIndex | 1 |
      | count      | 2 |
    Then the page reports 4 users in all and starts at position 1
    And the page holds at most 2 users

  @must @req_Q_12 @req_Q_09
  Scenario: A posted search sorts like a query
    Given the target supports "sort"
    When a client searches the directory with:
      | sortBy    | userName   |
      | sortOrder | descending |
    Then the users come in the order "dmitri, carla, bo, ana"

  @may @req_Q_13 @req_Q_12
  Scenario: A search at the server root finds users and groups alike
    # RFC 7644 §3.4.2.1: queries MAY be sent to the server root; when they are, every resource type
    # is searched. A target that does not offer root queries skips this scenario.
    Given a group "Query team" exists
    When a client searches the whole server for the user "ana" and the group
    Then the results hold the user "ana" and the group
