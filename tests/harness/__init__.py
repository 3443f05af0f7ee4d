"""Tests of `harness/`."""
