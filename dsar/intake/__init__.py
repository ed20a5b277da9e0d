"""Intake operations behind the public pages: submit, confirm, new link, status; their e-mails,
tokens and uploads.
"""
