"""Binds the Microsoft Entra ID scenarios."""

from pytest_bdd import scenarios

scenarios("../features/entra")
