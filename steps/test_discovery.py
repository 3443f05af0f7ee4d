"""Binds the discovery scenarios."""

from pytest_bdd import scenarios

scenarios("../features/discovery")
