"""Tests of `steps/`."""
