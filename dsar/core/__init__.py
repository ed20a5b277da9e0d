"""What every part of dsar stands on: the database base class, the clock, errors, languages,
encrypted file storage.
"""
