"""The placeholder rule the register check and the letters share."""

from __future__ import annotations

import pytest

from dsar.register.placeholders import placeholder_in, reserved_domain


@pytest.mark.parametrize(
    ("domain", "reserved"),
    [
        ("cplus.example", True),
        ("shop.test", True),
        ("example.com", True),
        ("mail.example.org", True),
        ("EXAMPLE.NET", True),
        ("examples.com", False),
        ("example.de", False),
        ("cplus.nl", False),
        ("datenschutz-hamburg.de", False),
    ],
)
def test_reserved_domains_are_those_of_rfc_2606(domain: str, reserved: bool) -> None:
    assert reserved_domain(domain) is reserved


@pytest.mark.parametrize(
    ("value", "field", "found"),
    [
        ("NOT STATED IN THE POLICY", "street", "'NOT STATED'"),
        ("fiscal law (no norm named in the policy)", "norm", "'no norm named in the policy'"),
        ("Period not stated in the privacy policy.", "en", "'not stated in the privacy policy'"),
        ("TODO", "city", "'TODO'"),
        ("Musterstraße XXX", "street", "'XXX'"),
        ("0000 AA", "postcode", "placeholder postcode"),
        ("00000", "postcode", "placeholder postcode"),
        ("privacy@cplus.example", "email", "'privacy@cplus.example'"),
        ("Write to us at dsb@example.com.", "en", "'dsb@example.com'"),
        ("https://www.example.org/privacy", "web", "'https://www.example.org'"),
    ],
)
def test_placeholders_are_named(value: str, field: str, found: str) -> None:
    why = placeholder_in(value, field=field)

    assert why is not None and found in why


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("Todo-Weg 1", "street"),
        ("We keep a to-do list.", "en"),
        ("10115", "postcode"),
        ("0000 AA", "city"),  # only a postcode field is judged by its zeros
        ("2509 AJ", "postcode"),
        ("info@cplus.nl", "email"),
        ("https://autoriteitpersoonsgegevens.nl", "web"),
        ("As stated in our privacy policy.", "en"),
    ],
)
def test_real_values_are_no_placeholders(value: str, field: str) -> None:
    assert placeholder_in(value, field=field) is None


def test_a_fictional_controller_may_use_example_domains_but_no_markers() -> None:
    assert placeholder_in("kontakt@demo-shop.example", fictional=True) is None
    assert placeholder_in("TODO", fictional=True) == "holds a placeholder ('TODO')"
