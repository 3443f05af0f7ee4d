@query @rfc
Feature: Paging through users
  A client reads a long list page by page: startIndex counts from 1, count caps the page, and
  values out of range are read generously rather than refused.

  Background:
    Given the directory holds these users:
      | userName           |
      | ana@example.com    |
      | bo@example.org     |
      | carla@example.net  |
      | dmitri@example.com |

  @must @req_Q_10 @req_Q_01
  Scenario Outline: Paging values are read generously (start <start>, count <count>)
    When a client asks for <count> users of the directory from position <start>
    Then the page reports 4 users in all and starts at position 1
    And the page holds at most <most> users

    Examples:
      | start | count | most |
      | 1     | 2     | 2    |
      | 0     | 2     | 2    |
      | -5    | 3     | 3    |
      | 1     | 0     | 0    |
      | 1     | -1    | 0    |

  @should @req_Q_10 @req_Q_01
  Scenario: Paging through the directory finds every user once
    # Walking pages assumes the order of an unchanged result set holds between requests, which
    # RFC 7644 §3.4.2.4 does not promise outright; hence SHOULD.
    When a client pages through the directory 3 at a time
    Then every user of the directory is found exactly once, at most 3 a page
