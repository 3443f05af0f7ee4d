"""Binds the query scenarios."""

from pytest_bdd import scenarios

scenarios("../features/query")
