"""Helpers the tests share: real servers (reference, broken, misbehaving, peer, child process) and runners."""
