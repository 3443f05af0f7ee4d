@query @rfc
Feature: Finding users with a filter
  A client finds users with a filter: comparisons joined by and, or and not, with value paths
  into multi-valued attributes. Text is compared by each attribute's caseExact, so a name or a
  title matches in any case. Each query below is limited to this scenario's own users, so the
  answers are exact on a shared server too.

  Background:
    Given the directory holds these users:
      | userName           | name.givenName | name.familyName | title    | active | emails[work]           | emails[home]         |
      | ana@example.com    | Ana            | Souza           | Engineer | true   | ana@work.example.com   | ana@home.example.org |
      | Bo@example.org     | Bo             | Lee             | Manager  | true   | bo@work.example.com    |                      |
      | carla@example.net  | Carla          | O'Brien         | engineer | false  | carla@work.example.net |                      |
      | dmitri@example.com | Dmitri         | Ivanov          |          | true   |                        |                      |

  @must @req_Q_03 @req_Q_01
  Scenario Outline: Each comparison operator finds the right users (<operator>)
    # Every user has a familyName: RFC 7644 §3.4.2.2 does not say whether "ne" matches a user with
    # no value at all, so the rows stay clear of that question.
    When a client queries the directory with <filter>
    Then the users found are "<found>"

    Examples:
      | operator | filter                    | found              |
      | eq       | name.familyName eq "Lee"  | bo                 |
      | ne       | name.familyName ne "Lee"  | ana, carla, dmitri |
      | co       | name.familyName co "ee"   | bo                 |
      | sw       | userName sw "carla"       | carla              |
      | ew       | userName ew "example.org" | bo                 |
      | pr       | title pr                  | ana, bo, carla     |
      | gt       | name.givenName gt "Bo"    | carla, dmitri      |
      | ge       | name.givenName ge "Bo"    | bo, carla, dmitri  |
      | lt       | name.givenName lt "Bo"    | ana                |
      | le       | name.givenName le "Bo"    | ana, bo            |

  @must @req_Q_03
  Scenario Outline: Comparisons follow the attribute's type (<type>)
    # RFC 7644 §3.4.2.2: gt/ge/lt/le compare dateTimes chronologically; booleans compare by eq.
    When a client queries the directory with <filter>
    Then the users found are "<found>"

    Examples:
      | type                | filter                                      | found                  |
      | a later dateTime    | meta.created gt "2000-01-01T00:00:00Z"      | ana, bo, carla, dmitri |
      | an earlier dateTime | meta.lastModified lt "2000-01-01T00:00:00Z" | nobody                 |
      | a boolean           | active eq false                             | carla                  |

  @must @req_Q_05
  Scenario Outline: Case does not matter where the attribute is not case-exact (<what>)
    # RFC 7644 §3.4.2.2: values compare by the attribute's caseExact, which is false for userName,
    # name and title (RFC 7643 §8.7.1).
    When a client queries the directory with <filter>
    Then the users found are "<found>"

    Examples:
      | what                   | filter                       | found      |
      | a value in upper case  | title eq "ENGINEER"          | ana, carla |
      | a prefix in upper case | userName sw "CARLA"          | carla      |
      | a value in lower case  | name.familyName eq "o'brien" | carla      |

  @must @req_Q_04
  Scenario Outline: Case does not matter in attribute names and operators (<what>)
    # RFC 7644 §3.4.2.2: attribute names and operators are case-insensitive (the filter grammar is
    # ABNF, whose literals ignore case, RFC 5234 §2.3). Each value is written in its stored case,
    # so a row fails only for the case of its name or operator.
    When a client queries the directory with <filter>
    Then the users found are "<found>"

    Examples:
      | what               | filter                               | found      |
      | an attribute name  | NAME.FAMILYNAME eq "Lee"             | bo         |
      | an operator        | name.familyName EQ "Lee"             | bo         |
      | a logical operator | title eq "Manager" OR not (title pr) | bo, dmitri |

  @must @req_Q_06 @req_Q_03
  Scenario Outline: Logical operators bind in the RFC's order (<rule>)
    # RFC 7644 §3.4.2.2: grouping first, then "not" before "and" before "or". Values are written in
    # their stored case, so a row fails only for the order it is about, never for case (Q-05).
    When a client queries the directory with <filter>
    Then the users found are "<found>"

    Examples:
      | rule           | filter                                                                           | found      |
      | and            | title pr and active eq false                                                     | carla      |
      | or             | name.familyName eq "Lee" or name.givenName eq "Dmitri"                           | bo, dmitri |
      | not            | not (title pr)                                                                   | dmitri     |
      | and before or  | name.familyName eq "Lee" or name.familyName eq "O'Brien" and active eq false     | bo, carla  |
      | grouping first | (name.familyName eq "Souza" or name.familyName eq "O'Brien") and active eq false | carla      |
      | not before and | not (active eq false) and title pr                                               | ana, bo    |

  @must @req_Q_06 @req_Q_03
  Scenario Outline: Multi-valued attributes match when any value matches (<form>)
    When a client queries the directory with <filter>
    Then the users found are "<found>"

    Examples:
      | form                         | filter                                            | found          |
      | a value path                 | emails[type eq "work" and value ew "example.com"] | ana, bo        |
      | a value path on one type     | emails[type eq "home"]                            | ana            |
      | any value of a sub-attribute | emails.value ew "example.org"                     | ana            |
      | a sub-attribute's type       | emails.type eq "home"                             | ana            |
      | presence of any value        | emails pr                                         | ana, bo, carla |

  @must @req_Q_06 @req_R_09
  Scenario: An empty value is not present
    # RFC 7644 §3.4.2.2 "pr": a match needs "a non-empty value"; RFC 7643 §2.5: [] is unassigned.
    Given a user "erin@example.com" of the directory has an empty nickName and no emails
    When a client queries the directory with nickName pr or emails pr
    Then the users found are "ana, bo, carla"
