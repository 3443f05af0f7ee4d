"""The harness's own tests, one folder per package they test."""
