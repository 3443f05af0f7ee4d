"""Binds the OneLogin scenarios."""

from pytest_bdd import scenarios

scenarios("../features/onelogin")
