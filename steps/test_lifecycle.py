"""Binds the lifecycle scenarios (they need the target's observer)."""

from pytest_bdd import scenarios

scenarios("../features/lifecycle")
