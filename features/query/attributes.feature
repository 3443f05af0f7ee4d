@query @rfc
Feature: Choosing the attributes a query returns
  A client can ask a query for only some attributes, or for all but some. The id comes back
  whatever it asks, and a password never does. userName comes back when asked for; otherwise
  only if the app's own schema says it is always returned (the RFC's says "default").

  Background:
    Given the directory holds these users:
      | userName        | name.givenName | name.familyName | title    | emails[work]         | password    |
      | ana@example.com | Ana            | Souza           | Engineer | ana@work.example.com | Tr0ub4dor&3 |
      | bo@example.org  | Bo             | Lee             | Manager  | bo@work.example.com  | c0rrectH0rs |

  @must @req_Q_11 @req_R_11
  Scenario: Only the attributes asked for come back, with the id
    When a client asks for "name.familyName" of the users matching title pr
    Then the users found are "ana, bo"
    And each user found has "name.familyName"
    And no user found has "name.givenName"
    And no user found has "title"
    And no user found has "emails"
    And each user found still has its id
    And each user found has "userName" only if the target returns it always

  @must @req_Q_11 @req_R_11
  Scenario: Excluded attributes are left out, but never the id
    When a client asks for all but "title, emails, id, userName" of the users matching title pr
    Then the users found are "ana, bo"
    And no user found has "title"
    And no user found has "emails"
    And each user found has "name.givenName"
    And each user found still has its id
    And each user found has "userName" only if the target returns it always

  @must @req_Q_11
  Scenario: An attribute can be named by its full URN path
    When a client asks for "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName" of the users matching title pr
    Then the users found are "ana, bo"
    And each user found has "name.familyName"
    And no user found has "title"

  @must @req_R_10 @req_Q_11
  Scenario: A password is never returned, even when asked for
    When a client asks for "password, userName" of the users matching title pr
    Then the users found are "ana, bo"
    And no user found has "password"
