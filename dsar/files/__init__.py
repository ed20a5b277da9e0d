"""Encrypted files at rest: the StoredFile model, the store that seals and streams blobs, and its
cipher.
"""
