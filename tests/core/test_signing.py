"""The signing key: from DSAR_SIGNING_KEY or generated once; signatures and fingerprints."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from dsar.core.setting_keys import ConfigError
from dsar.core.signing import Signer, fingerprint, signature_valid, signing_seed

SEED = base64.b64encode(bytes(range(32))).decode()


def test_the_key_from_the_environment_is_used_as_given(tmp_path: Path) -> None:
    assert signing_seed(SEED, tmp_path) == SEED
    assert not (tmp_path / "signing_key").exists()


@pytest.mark.parametrize("bad", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_key_that_is_not_32_bytes_of_base64_stops_start_up(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ConfigError, match="DSAR_SIGNING_KEY"):
        signing_seed(bad, tmp_path)


def test_without_one_a_key_is_generated_once_into_the_instance_folder(tmp_path: Path) -> None:
    first = signing_seed("", tmp_path)
    assert (tmp_path / "signing_key").stat().st_mode & 0o777 == 0o600
    assert signing_seed("", tmp_path) == first
    assert len(base64.b64decode(first)) == 32
    assert [p.name for p in tmp_path.iterdir()] == ["signing_key"]  # no draft left behind


def test_a_key_already_in_the_instance_folder_is_kept(tmp_path: Path) -> None:
    (tmp_path / "signing_key").write_text(SEED + "\n")
    assert signing_seed("", tmp_path) == SEED


def test_a_signature_checks_out_with_the_public_key_and_fails_on_any_change() -> None:
    signer = Signer.from_seed(SEED)
    signature = signer.sign(b"manifest")
    assert signature_valid(signer.public_raw, signature, b"manifest")
    assert not signature_valid(signer.public_raw, signature, b"manifesT")
    other = Signer.from_seed(base64.b64encode(bytes(32)).decode())
    assert not signature_valid(other.public_raw, signature, b"manifest")
    assert not signature_valid(signer.public_raw, "not base64!", b"manifest")


def test_the_fingerprint_is_the_public_keys_sha256_in_groups_of_four() -> None:
    signer = Signer.from_seed(SEED)
    shown = signer.fingerprint
    assert shown == fingerprint(signer.public_raw)
    groups = shown.split(" ")
    assert len(groups) == 16 and all(len(g) == 4 for g in groups)
    published = signer.published()
    assert published["algorithm"] == "Ed25519"
    assert base64.b64decode(published["public_key"]) == signer.public_raw
