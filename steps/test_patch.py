"""Binds the PATCH scenarios."""

from pytest_bdd import scenarios

scenarios("../features/patch")
