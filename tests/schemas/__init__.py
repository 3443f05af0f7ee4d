"""Tests of `schemas/`."""
