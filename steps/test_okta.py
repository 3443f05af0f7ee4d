"""Binds the Okta scenarios."""

from pytest_bdd import scenarios

scenarios("../features/okta")
