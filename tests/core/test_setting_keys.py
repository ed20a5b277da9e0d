"""Secrets generated into the instance folder are written once, whole, whoever starts first."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from flask import Flask

from dsar.core.setting_keys import kept_secret
from dsar.files.storage import file_key
from tests.threads import at_once


def test_many_starts_at_once_keep_one_secret(tmp_path: Path) -> None:
    for round_ in range(20):
        folder = tmp_path / str(round_)
        results = at_once(8, lambda i, at=folder: kept_secret(at, "key", f"secret-{i}"))
        assert len(set(results)) == 1 and str(results[0]).startswith("secret-"), results
        assert (folder / "key").read_text() == results[0]
        assert [p.name for p in folder.iterdir()] == ["key"]  # no draft left behind


def test_the_file_key_generated_by_workers_starting_together_is_one_key(
    app: Flask, tmp_path: Path
) -> None:
    settings = dataclasses.replace(
        app.config["DSAR_SETTINGS"], file_key="", instance_path=tmp_path / "instance"
    )
    results = at_once(8, lambda _i: file_key(settings))
    assert not any(isinstance(r, Exception) for r in results), results
    assert len(set(results)) == 1
