"""Tests of `scim_client/`."""
