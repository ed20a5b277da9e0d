"""Settings: defaults, and a bad value stops start-up with one line naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsar.config import ConfigError, load_settings


def settings(tmp_path: Path, **env: str):  # type: ignore[no-untyped-def]
    return load_settings({"DSAR_INSTANCE_PATH": str(tmp_path), **env})


def test_defaults_give_a_sqlite_file_in_the_instance_folder(tmp_path: Path) -> None:
    s = settings(tmp_path)
    assert s.env == "development"
    assert s.database_url == f"sqlite:///{tmp_path / 'dsar.sqlite3'}"
    assert (s.timezone, s.country, s.subdivision, s.clock_policy) == (
        "Europe/Berlin",
        "DE",
        "",
        "edpb",
    )


def test_development_keeps_a_generated_secret_key(tmp_path: Path) -> None:
    first = settings(tmp_path).secret_key
    assert len(first) >= 32
    assert settings(tmp_path).secret_key == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DSAR_SECRET_KEY is required in production"):
        settings(tmp_path, DSAR_ENV="production", DSAR_SMTP_HOST="mail.example.org")


def test_production_with_key_and_smtp_starts(tmp_path: Path) -> None:
    s = settings(
        tmp_path, DSAR_ENV="production", DSAR_SECRET_KEY="x" * 40, DSAR_SMTP_HOST="mail.example.org"
    )
    assert s.is_production and s.secret_key == "x" * 40


def test_the_suppression_salt_is_set_or_derived_from_the_secret_key(tmp_path: Path) -> None:
    given = settings(tmp_path, DSAR_SUPPRESSION_SALT=" s" * 10, DSAR_SECRET_KEY="x" * 40)
    derived = settings(tmp_path, DSAR_SECRET_KEY="x" * 40).suppression_salt
    assert given.suppression_salt == "s s s s s s s s s s"
    assert derived == settings(tmp_path, DSAR_SECRET_KEY="x" * 40).suppression_salt  # stable
    assert derived != settings(tmp_path, DSAR_SECRET_KEY="y" * 40).suppression_salt
    assert "x" * 16 not in derived and len(derived) == 64  # the key itself is not handed out
    with pytest.raises(ConfigError, match="DSAR_SUPPRESSION_SALT is too short"):
        settings(tmp_path, DSAR_SUPPRESSION_SALT="short")


def test_the_audit_key_is_set_or_derived_from_the_secret_key(tmp_path: Path) -> None:
    derived = settings(tmp_path, DSAR_SECRET_KEY="x" * 40)
    assert derived.audit_key == settings(tmp_path, DSAR_SECRET_KEY="x" * 40).audit_key  # stable
    assert derived.audit_key not in (derived.suppression_salt, derived.secret_key)
    given = settings(tmp_path, DSAR_AUDIT_KEY="a" * 40, DSAR_SECRET_KEY="x" * 40)
    assert given.audit_key == "a" * 40
    with pytest.raises(ConfigError, match="DSAR_AUDIT_KEY is too short"):
        settings(tmp_path, DSAR_AUDIT_KEY="short")


def test_trusted_proxies_count_the_proxies_in_front(tmp_path: Path) -> None:
    assert settings(tmp_path).trusted_proxies == 0
    assert settings(tmp_path, DSAR_TRUSTED_PROXIES="1").trusted_proxies == 1
    with pytest.raises(ConfigError, match="DSAR_TRUSTED_PROXIES"):
        settings(tmp_path, DSAR_TRUSTED_PROXIES="many")


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("DSAR_SMTP_PORT", "smtp", "DSAR_SMTP_PORT='smtp' is not a whole number"),
        ("DSAR_SMTP_PORT", "70000", "DSAR_SMTP_PORT=70000 is out of range"),
        (
            "DSAR_TIMEZONE",
            "Europe/Nowhere",
            "DSAR_TIMEZONE='Europe/Nowhere' is not an IANA timezone",
        ),
        ("DSAR_COUNTRY", "XX", "DSAR_COUNTRY='XX' is not a country code"),
        ("DSAR_SUBDIVISION", "ZZ", "DSAR_SUBDIVISION='ZZ' is not a subdivision of DE"),
        ("DSAR_ENV", "staging", "DSAR_ENV='staging' is not one of"),
        ("DSAR_SMTP_STARTTLS", "maybe", "DSAR_SMTP_STARTTLS='maybe' is not a boolean"),
        (
            "DSAR_TRANSMIT_ALLOW_PRIVATE",
            "internal",
            "DSAR_TRANSMIT_ALLOW_PRIVATE='internal' is not a boolean",
        ),
        ("DSAR_CLOCK_POLICY", "lenient", "DSAR_CLOCK_POLICY='lenient' is not one of"),
        ("DSAR_DATABASE_URL", "not a url", "DSAR_DATABASE_URL='not a url' is not a SQLAlchemy"),
    ],
)
def test_bad_value_names_the_variable(
    tmp_path: Path, variable: str, value: str, fragment: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        settings(tmp_path, **{variable: value})
    assert fragment in str(raised.value)
    assert "\n" not in str(raised.value)


def test_starttls_and_ssl_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="choose one"):
        settings(tmp_path, DSAR_SMTP_STARTTLS="true", DSAR_SMTP_SSL="true")


def test_subdivision_is_checked_against_the_country(tmp_path: Path) -> None:
    assert settings(tmp_path, DSAR_COUNTRY="AT", DSAR_SUBDIVISION="9").subdivision == "9"
    assert settings(tmp_path, DSAR_SUBDIVISION="nw").subdivision == "NW"


def test_unconfirmed_requests_are_purged_after_30_days_unless_set(tmp_path: Path) -> None:
    assert settings(tmp_path).unconfirmed_purge_days == 30
    assert settings(tmp_path, DSAR_UNCONFIRMED_PURGE_DAYS="0").unconfirmed_purge_days == 0
    with pytest.raises(ConfigError, match="DSAR_UNCONFIRMED_PURGE_DAYS=366 is out of range"):
        settings(tmp_path, DSAR_UNCONFIRMED_PURGE_DAYS="366")


def test_transmissions_reach_public_addresses_only_unless_allowed(tmp_path: Path) -> None:
    assert settings(tmp_path).transmit_allow_private is False
    assert settings(tmp_path, DSAR_TRANSMIT_ALLOW_PRIVATE="true").transmit_allow_private is True


def test_the_rectification_audit_keeps_values_or_hashes(tmp_path: Path) -> None:
    assert settings(tmp_path).audit_rectification == "values"
    assert settings(tmp_path, DSAR_AUDIT_RECTIFICATION="hashes").audit_rectification == "hashes"
    with pytest.raises(ConfigError, match="DSAR_AUDIT_RECTIFICATION"):
        settings(tmp_path, DSAR_AUDIT_RECTIFICATION="sha1")
