"""Binds the ETag scenarios."""

from pytest_bdd import scenarios

scenarios("../features/etags")
