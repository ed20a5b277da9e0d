"""The controllers dsar serves: a row per controller, synchronised from the processing registers."""
