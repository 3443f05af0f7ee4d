"""The browser check of report.html (`make test-browser`), not part of `make test`."""
