@query @rfc
Feature: What a query answers
  A query always answers a list: an empty one when nothing matches, and an error naming the
  filter when the filter itself is wrong.

  @must @req_Q_02 @req_Q_01
  Scenario: A filter that matches nobody answers an empty list, not an error
    When a client looks for a userName nobody has
    Then the server answers 200
    And the response is SCIM JSON
    And the answer is an empty list

  @must @req_Q_07 @req_E_03
  Scenario Outline: A malformed filter is an invalid filter (<problem>)
    When a client filters users by the malformed filter <filter>
    Then the server answers with a SCIM error 400 of type "invalidFilter"

    Examples:
      | problem                    | filter                           |
      | a comparison with no value | userName eq                      |
      | an unknown operator        | userName zz "ana"                |
      | an unbalanced parenthesis  | (userName eq "ana"               |
      | a dangling "and"           | userName eq "ana" and            |
      | an unterminated string     | userName eq "ana                 |
      | ordering on a boolean      | active gt true                   |
      | ordering on binary data    | x509Certificates.value gt "AAAA" |

  @must @req_Q_07 @req_Q_12
  Scenario: A malformed filter in a search request is an invalid filter
    When a client searches users with:
      | filter | userName eq |
    Then the server answers with a SCIM error 400 of type "invalidFilter"

  @should @req_Q_12 @req_E_03
  Scenario: A search request must say it is one
    # RFC 7644 §3.4.3: "Query requests MUST be identified using the following URI:
    # "urn:ietf:params:scim:api:messages:2.0:SearchRequest"": a MUST on the client's request; a
    # body without it does not conform to the request schema (Table 9 "invalidSyntax"). No clause
    # tells a server to refuse it, so one that answers it is warned here, not failed.
    When a client searches users without saying it is a search request
    Then the request is refused as invalid
