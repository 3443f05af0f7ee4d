"""Binds the group scenarios."""

from pytest_bdd import scenarios

scenarios("../features/groups")
