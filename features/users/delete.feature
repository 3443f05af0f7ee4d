@users @rfc
Feature: Deleting users
  When a person is removed in the identity provider, the app deletes the user: it is gone for
  every operation and every query, and its userName is free for someone else.

  Background:
    Given a user "ana@example.com" exists

  @must @req_X_01
  Scenario: A deleted user is gone
    When a client deletes the user
    Then the server answers 204
    And the user can no longer be read
    And the user is no longer found by userName

  @must @req_X_01
  Scenario: Every operation on a deleted user is answered 404
    When a client deletes the user
    Then replacing and deleting the user again are each answered 404

  @should @req_X_01
  Scenario: The userName of a deleted user can be given to a new user
    When a client deletes the user
    And a client creates a new user with the deleted user's userName
    Then the server answers 201
