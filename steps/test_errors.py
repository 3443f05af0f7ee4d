"""Binds the error, access and bulk scenarios."""

from pytest_bdd import scenarios

scenarios("../features/errors")
