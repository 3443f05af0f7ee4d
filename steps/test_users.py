"""Binds the user scenarios."""

from pytest_bdd import scenarios

scenarios("../features/users")
