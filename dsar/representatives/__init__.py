"""Requests made on someone else's behalf: representatives, their proof and its checks."""
