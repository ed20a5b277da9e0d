"""Answering requests with data: search the sources, exclude others' data, export, deliver."""
