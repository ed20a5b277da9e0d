"""The register schema and its reference checks: each rule, with the exact path and message."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from dsar.register import Duration, RegisterError
from dsar.register.loading import validate

LABEL = "r.yaml"


def text(de: str, en: str) -> dict[str, str]:
    return {"de": de, "en": en}


def minimal_register(**top: Any) -> dict[str, Any]:
    """A small valid register (one activity, one manual source); `top` replaces top-level keys."""
    address = {"street": "Beispielstraße 1", "postcode": "10115", "city": "Berlin", "country": "DE"}
    data: dict[str, Any] = {
        "controller": {
            "slug": "shop",
            "name": "Shop GmbH",
            "address": address,
            "contact": {"email": "info@shop.example"},
            "languages": ["de", "en"],
            "fictional": True,  # invented: its .example address is no placeholder
        },
        "supervisory_authority": {
            "name": text("Berliner Beauftragte", "Berlin Commissioner"),
            "address": {**address, "street": "Alt-Moabit 59-61", "postcode": "10555"},
            "web": "https://www.datenschutz-berlin.de",
        },
        "jurisdiction": {"country": "DE", "subdivision": "BE", "timezone": "Europe/Berlin"},
        "categories": [{"id": "contact", "label": text("Kontaktdaten", "Contact details")}],
        "subject_categories": [{"id": "customers", "label": text("Kunden", "Customers")}],
        "activities": [
            {
                "id": "orders",
                "title": text("Bestellungen", "Orders"),
                "purpose": text("Abwicklung von Bestellungen.", "Processing orders."),
                "legal_basis": ["6.1.b"],
                "data_categories": ["contact"],
                "data_subjects": ["customers"],
                "retention": {
                    "duration": {"years": 6},
                    "trigger": "end_of_calendar_year_of_creation",
                    "text": text("Sechs Jahre.", "Six years."),
                },
            }
        ],
        "sources": [
            {
                "type": "manual",
                "id": "crm",
                "name": "CRM",
                "description": text("Kundendatenbank.", "Customer database."),
                "instructions": text("Nach E-Mail suchen.", "Search by e-mail."),
                "categories": ["contact"],
                "activities": ["orders"],
            }
        ],
    }
    data.update(top)
    return data


def write_register(folder: Path, data: dict[str, Any], name: str = "register.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(RegisterError) as caught:
        validate(data, LABEL)
    return caught.value.problems


def with_change(change: Any) -> dict[str, Any]:
    data = minimal_register()
    change(data)
    return data


def sql_source(**table: Any) -> dict[str, Any]:
    base_table = {
        "name": "customers",
        "lookup": {"match": [{"key": "email", "column": "email"}]},
        "activities": ["orders"],
        "erasure": "delete",
        "columns": [{"name": "id"}, {"name": "email", "categories": ["contact"]}],
    }
    return {
        "type": "sql",
        "id": "db",
        "name": "Shop database",
        "read_url": "sqlite:///shop.db",
        "tables": [{**base_table, **table}],
    }


def test_minimal_register_is_valid() -> None:
    register = validate(minimal_register(), LABEL)

    assert register.controller.slug == "shop"
    assert register.controller.languages == ["de", "en"]
    assert register.jurisdiction.subdivision == "BE"
    assert register.dpo is None
    assert register.activity("orders").retention.duration == Duration(years=6)


def _activity(data: dict[str, Any]) -> dict[str, Any]:
    return data["activities"][0]


# (change, the exact "file: path: message" line, or its start)
STRUCTURE_CASES = [
    pytest.param(
        lambda d: d["controller"].update(naem="Shop"),
        "r.yaml: controller.naem: unknown field; did you mean 'name'?",
        id="unknown-field",
    ),
    pytest.param(
        lambda d: _activity(d).update(legal_basis=["6.1.b", "6.1.g"]),
        "r.yaml: activities[0].legal_basis[1]: '6.1.g' is not one of 6.1.a … 6.1.f",
        id="wrong-legal-basis",
    ),
    pytest.param(
        lambda d: d["jurisdiction"].update(timezone="Europe/Dormagen"),
        "r.yaml: jurisdiction.timezone: 'Europe/Dormagen' is not an IANA time zone",
        id="bad-timezone",
    ),
    pytest.param(
        lambda d: d["jurisdiction"].update(subdivision="XY"),
        "r.yaml: jurisdiction.subdivision: 'XY' is not a subdivision of DE: use one of BB, BE",
        id="unknown-subdivision",
    ),
    pytest.param(
        lambda d: d["jurisdiction"].update(country="XX"),
        "r.yaml: jurisdiction.country: 'XX' is not a country the holidays package knows",
        id="unknown-country",
    ),
    pytest.param(
        lambda d: d["controller"].update(slug="Shop_1"),
        "r.yaml: controller.slug: 'Shop_1' is not a slug",
        id="bad-slug",
    ),
    pytest.param(
        lambda d: d["controller"].update(languages=["de", "fr"]),
        "r.yaml: controller.languages[1]: 'fr' is not one of 'de', 'en'",
        id="unsupported-language",
    ),
    pytest.param(
        lambda d: d["controller"]["address"].update(postcode=10115),
        "r.yaml: controller.address.postcode: write 10115 in quotes",
        id="postcode-number",
    ),
    pytest.param(
        lambda d: d["controller"]["contact"].update(email="info-at-shop"),
        "r.yaml: controller.contact.email: 'info-at-shop' is not a valid e-mail address",
        id="bad-email",
    ),
    pytest.param(
        lambda d: _activity(d).update(purpose="Bestellungen"),
        "r.yaml: activities[0].purpose: write the text per language",
        id="text-not-a-mapping",
    ),
    pytest.param(
        lambda d: d.pop("supervisory_authority"),
        "r.yaml: supervisory_authority: is required",
        id="missing-authority",
    ),
    pytest.param(
        lambda d: d["sources"][0].update(type="ftp"),
        "r.yaml: sources[0]: type 'ftp' is not one of 'sql', 'file', 'manual'",
        id="unknown-source-type",
    ),
    pytest.param(
        lambda d: d["sources"][0].pop("instructions"),
        "r.yaml: sources[0].instructions: is required",
        id="missing-field-in-union",
    ),
    pytest.param(
        lambda d: _activity(d)["retention"].update(trigger="until_settled"),
        "r.yaml: activities[0].retention: trigger until_settled ends the storage itself",
        id="until-trigger-with-duration",
    ),
    pytest.param(
        lambda d: _activity(d)["retention"].pop("duration"),
        "r.yaml: activities[0].retention: trigger end_of_calendar_year_of_creation needs a "
        "duration",
        id="after-trigger-without-duration",
    ),
    pytest.param(
        lambda d: _activity(d)["retention"].update(duration={}),
        "r.yaml: activities[0].retention.duration: give at least one of years, months or days",
        id="zero-duration",
    ),
    pytest.param(
        lambda d: _activity(d).update(legal_basis=["6.1.f"]),
        "r.yaml: activities[0]: legal basis 6.1.f needs legitimate_interest",
        id="legitimate-interest-missing",
    ),
    pytest.param(
        lambda d: d.update(
            recipients=[
                {
                    "id": "bank",
                    "named": True,
                    "category": text("Bank", "Bank"),
                    "role": "controller",
                }
            ]
        ),
        "r.yaml: recipients[0]: a named recipient needs a name",
        id="named-recipient-without-name",
    ),
    pytest.param(
        lambda d: _activity(d).update(automated_decision={"present": True}),
        "r.yaml: activities[0].automated_decision: an automated decision that is present "
        "needs logic and consequences",
        id="automated-decision-unexplained",
    ),
    pytest.param(
        lambda d: d.update(lookup_keys=[{"id": "no", "label": text("Nr.", "No."), "pattern": "("}]),
        "r.yaml: lookup_keys[0].pattern: is not a regular expression",
        id="bad-pattern",
    ),
    pytest.param(
        lambda d: d["sources"].append(sql_source(erasure={"action": "purge"})),
        "r.yaml: sources[1].tables[0].erasure.action: 'purge' is not one of 'delete', "
        "'anonymise', 'keep'",
        id="unknown-erasure-action",
    ),
    pytest.param(
        lambda d: d["sources"].append(sql_source(erasure={"action": "keep"})),
        "r.yaml: sources[1].tables[0].erasure: keep needs retention",
        id="keep-without-retention",
    ),
    pytest.param(
        lambda d: d["sources"].append({**sql_source(), "read_url": "not a url"}),
        "r.yaml: sources[1].read_url: is not an SQLAlchemy URL",
        id="bad-sql-url",
    ),
]


@pytest.mark.parametrize(("change", "expected"), STRUCTURE_CASES)
def test_structure_problem_names_file_field_and_what(change: Any, expected: str) -> None:
    problems = problems_of(with_change(change))

    assert any(p.startswith(expected) for p in problems), problems


def _transfer(country: str, recipient: str = "cloud") -> Any:
    def change(d: dict[str, Any]) -> None:
        d["recipients"] = [
            {
                "id": "cloud",
                "named": True,
                "name": "Cloud Inc.",
                "category": text("Cloud", "Cloud"),
                "role": "processor",
                "country": "US",
            }
        ]
        _activity(d)["recipients"] = ["cloud"]
        _activity(d)["transfers"] = [
            {
                "recipient": recipient,
                "country": country,
                "safeguard": "standard_contractual_clauses",
                "description": text("SCC", "SCCs"),
            }
        ]

    return change


def _add_category(d: dict[str, Any], special: bool = False) -> None:
    d["categories"].append(
        {"id": "health", "label": text("Gesundheit", "Health"), "special": special}
    )
    _activity(d)["data_categories"].append("health")


REFERENCE_CASES = [
    pytest.param(
        lambda d: _activity(d)["data_categories"].append("payment"),
        "r.yaml: activities[0].data_categories[1]: 'payment' is not a category id: use one of "
        "contact",
        id="unknown-category",
    ),
    pytest.param(
        lambda d: _activity(d).update(data_subjects=["visitors"]),
        "r.yaml: activities[0].data_subjects[0]: 'visitors' is not a subject_categories id",
        id="unknown-subject-category",
    ),
    pytest.param(
        lambda d: _activity(d).update(recipients=["bank"]),
        "r.yaml: activities[0].recipients[0]: 'bank' is not a recipient id",
        id="unknown-recipient",
    ),
    pytest.param(
        lambda d: _activity(d)["purpose"].pop("en"),
        "r.yaml: activities[0].purpose: missing the 'en' text (controller.languages is [de, en])",
        id="missing-language",
    ),
    pytest.param(
        lambda d: d["activities"].append(copy.deepcopy(_activity(d))),
        "r.yaml: activities[1].id: 'orders' is already used by activities[0]",
        id="duplicate-activity-id",
    ),
    pytest.param(
        lambda d: d["categories"].append({"id": "spare", "label": text("Frei", "Spare")}),
        "r.yaml: categories[1].id: 'spare' is used by no activity",
        id="unused-category",
    ),
    pytest.param(
        lambda d: d["sources"][0].update(activities=["newsletter"]),
        "r.yaml: sources[0].activities[0]: 'newsletter' is not an activity id",
        id="source-unknown-activity",
    ),
    pytest.param(
        lambda d: d["sources"][0].update(activities=["newsletter"]),
        "r.yaml: activities[0]: 'orders' is held in no source",
        id="activity-without-source",
    ),
    pytest.param(
        _transfer("FR"),
        "r.yaml: activities[0].transfers[0]: FR is in the EU/EEA",
        id="transfer-inside-eea",
    ),
    pytest.param(
        _transfer("US", recipient="other"),
        "r.yaml: activities[0].transfers[0].recipient: 'other' is not one of this activity's "
        "recipients",
        id="transfer-recipient-not-in-activity",
    ),
    pytest.param(
        lambda d: _add_category(d, special=True),
        "r.yaml: activities[0].legal_basis: special categories (Art. 9) need a 9.2.x basis",
        id="special-category-without-art9",
    ),
    pytest.param(
        lambda d: (_add_category(d), _activity(d)["legal_basis"].append("9.2.a")),
        "r.yaml: activities[0].legal_basis: 9.2.a is given but no data category is special",
        id="art9-without-special-category",
    ),
]


@pytest.mark.parametrize(("change", "expected"), REFERENCE_CASES)
def test_reference_problem_names_file_field_and_what(change: Any, expected: str) -> None:
    problems = problems_of(with_change(change))

    assert any(p.startswith(expected) for p in problems), problems


def _table_change(**table: Any) -> Any:
    return lambda d: d["sources"].append(sql_source(**table))


SOURCE_CASES = [
    pytest.param(
        _table_change(
            columns=[{"name": "email", "categories": ["contact"], "erasure": "delete"}],
            erasure="anonymise",
        ),
        "r.yaml: sources[1].tables[0].columns[0].erasure.action: delete removes rows",
        id="column-delete",
    ),
    pytest.param(
        _table_change(
            columns=[{"name": "email", "categories": ["contact"], "erasure": "anonymise"}],
            erasure="anonymise",
        ),
        "r.yaml: sources[1].tables[0].columns[0].erasure: anonymise needs a value",
        id="anonymise-without-value",
    ),
    pytest.param(
        _table_change(columns=[{"name": "email", "categories": ["contact"]}], erasure="anonymise"),
        "r.yaml: sources[1].tables[0].columns[0].erasure: holds personal data but says nothing",
        id="anonymise-table-column-without-rule",
    ),
    pytest.param(
        _table_change(
            columns=[
                {
                    "name": "email",
                    "categories": ["contact"],
                    "erasure": {"action": "anonymise", "value": None},
                }
            ]
        ),
        "r.yaml: sources[1].tables[0].columns[0].erasure: has no effect: the rows are deleted",
        id="column-rule-in-deleted-table",
    ),
    pytest.param(
        _table_change(erasure={"action": "keep", "retention": "invoices"}),
        "r.yaml: sources[1].tables[0].erasure.retention: 'invoices' is not one of orders",
        id="keep-unknown-retention",
    ),
    pytest.param(
        _table_change(erasure={"action": "keep", "retention": "orders", "date_column": "made"}),
        "r.yaml: sources[1].tables[0].erasure.date_column: 'made' is not one of the declared",
        id="keep-unknown-date-column",
    ),
    pytest.param(
        _table_change(lookup={"match": [{"key": "customer_number", "column": "number"}]}),
        "r.yaml: sources[1].tables[0].lookup.match[0].key: 'customer_number' is not email or a "
        "lookup_keys id",
        id="unknown-lookup-key",
    ),
    pytest.param(
        _table_change(lookup={"join": {"column": "customer_id", "references": "people.id"}}),
        "r.yaml: sources[1].tables[0].lookup.join.references: table 'people' is not declared",
        id="join-unknown-table",
    ),
    pytest.param(
        _table_change(lookup={"join": {"column": "customer_id", "references": "customers"}}),
        "r.yaml: sources[1].tables[0].lookup.join.references: 'customers' is not table.column",
        id="join-reference-form",
    ),
    pytest.param(
        _table_change(lookup={}),
        "r.yaml: sources[1].tables[0].lookup: give match",
        id="lookup-empty",
    ),
    pytest.param(
        _table_change(columns=[{"name": "email", "categories": ["birthday"]}]),
        "r.yaml: sources[1].tables[0].columns[0].categories[0]: 'birthday' is not a category id",
        id="column-unknown-category",
    ),
    pytest.param(
        _table_change(
            columns=[{"name": "email", "categories": ["contact"], "activities": ["billing"]}]
        ),
        "r.yaml: sources[1].tables[0].columns[0].activities[0]: 'billing' is not an activity id",
        id="column-unknown-activity",
    ),
    pytest.param(
        _table_change(columns=[{"name": "e-mail"}]),
        "r.yaml: sources[1].tables[0].columns[0].name: 'e-mail' is not an SQL name",
        id="bad-column-name",
    ),
]


@pytest.mark.parametrize(("change", "expected"), SOURCE_CASES)
def test_source_problem_names_file_field_and_what(change: Any, expected: str) -> None:
    problems = problems_of(with_change(change))

    assert any(p.startswith(expected) for p in problems), problems


def test_column_category_must_belong_to_its_activities() -> None:
    def change(d: dict[str, Any]) -> None:
        d["categories"].append({"id": "usage", "label": text("Nutzung", "Usage")})
        d["activities"].append(
            {**copy.deepcopy(_activity(d)), "id": "logs", "data_categories": ["usage"]}
        )
        d["sources"].append(
            sql_source(
                columns=[{"name": "ip", "categories": ["usage"]}], activities=["orders", "logs"]
            )
        )
        d["sources"][1]["tables"][0]["columns"][0]["activities"] = ["orders"]

    problems = problems_of(with_change(change))

    assert problems == [
        "r.yaml: sources[1].tables[0].columns[0].categories[0]: 'usage' is in no "
        "data_categories of orders"
    ]


def test_join_loop_is_reported() -> None:
    def change(d: dict[str, Any]) -> None:
        source = sql_source(lookup={"join": {"column": "a", "references": "orders.id"}})
        source["tables"].append(
            {
                **source["tables"][0],
                "name": "orders",
                "lookup": {"join": {"column": "b", "references": "customers.id"}},
            }
        )
        d["sources"].append(source)

    problems = problems_of(with_change(change))

    assert (
        "r.yaml: sources[1].tables[0].lookup.join.references: the join path from "
        "'customers' never reaches a table with a match (it loops)" in problems
    )


def test_all_problems_are_reported_at_once() -> None:
    def change(d: dict[str, Any]) -> None:
        d["controller"]["naem"] = "x"
        d["jurisdiction"]["timezone"] = "Mars/Olympus"
        _activity(d)["legal_basis"] = ["6.1.z"]

    problems = problems_of(with_change(change))

    assert [p.split(":")[1].strip() for p in problems] == [
        "controller.naem",
        "jurisdiction.timezone",
        "activities[0].legal_basis[0]",
    ]


def test_other_languages_are_allowed_and_only_the_controllers_are_required() -> None:
    data = minimal_register()
    data["controller"]["languages"] = ["en"]
    _activity(data)["title"] = {"en": "Orders", "nl": "Bestellingen"}
    _activity(data)["purpose"] = {"en": "Processing orders."}

    register = validate(data, LABEL)

    assert register.activities[0].title.get("nl") == "Bestellingen"
    assert register.activities[0].purpose.get("de", fallback="en") == "Processing orders."


def test_english_subdivision_code_is_accepted() -> None:
    data = minimal_register(
        jurisdiction={"country": "GB", "subdivision": "ENG", "timezone": "Europe/London"}
    )

    assert validate(data, LABEL).jurisdiction.subdivision == "ENG"


@pytest.mark.parametrize(
    ("bases", "consent", "objection", "portability"),
    [
        (["6.1.a"], True, False, True),
        (["6.1.b", "6.1.c"], False, False, True),
        (["6.1.c"], False, False, False),
        (["6.1.f"], False, True, False),
    ],
)
def test_activity_rights_follow_from_the_legal_basis(
    bases: list[str], consent: bool, objection: bool, portability: bool
) -> None:
    data = minimal_register()
    _activity(data)["legal_basis"] = bases
    _activity(data)["legitimate_interest"] = text("Sicherheit.", "Security.")

    activity = validate(data, LABEL).activities[0]

    assert (activity.consent_based, activity.objection_possible, activity.portability_possible) == (
        consent,
        objection,
        portability,
    )


def test_direct_marketing_can_always_be_objected_to() -> None:
    data = minimal_register()
    _activity(data).update(legal_basis=["6.1.a"], direct_marketing=True)

    register = validate(data, LABEL)

    assert register.activities[0].objection_possible
    assert [a.id for a in register.consent_activities] == ["orders"]


@pytest.mark.parametrize(
    ("retention", "start", "expires"),
    [
        # docs/legal-rules.md R1: an invoice of 2025-03-15 kept 8 years expires on 2033-12-31
        (
            {"duration": {"years": 8}, "trigger": "end_of_calendar_year_of_creation"},
            date(2025, 3, 15),
            date(2033, 12, 31),
        ),
        (
            {
                "duration": {"years": 2},
                "trigger": "after_contract_end",
                "then": {"duration": {"years": 7}},
            },
            date(2024, 6, 30),
            date(2033, 6, 30),
        ),
        (
            {"duration": {"months": 26}, "trigger": "after_collection"},
            date(2024, 1, 31),
            date(2026, 3, 31),
        ),
        (
            {"duration": {"months": 1}, "trigger": "after_answer"},
            date(2025, 1, 31),
            date(2025, 2, 28),
        ),
        (
            {"duration": {"days": 15}, "trigger": "after_collection"},
            date(2026, 12, 20),
            date(2027, 1, 4),
        ),
        ({"trigger": "until_settled"}, date(2026, 1, 1), None),
    ],
)
def test_retention_expiry(retention: dict[str, Any], start: date, expires: date | None) -> None:
    data = minimal_register()
    _activity(data)["retention"] = {**retention, "text": text("Text.", "Text.")}

    activity = validate(data, LABEL).activities[0]

    assert activity.retention.expires_on(start) == expires


def test_lookup_key_pattern_must_match_the_whole_value() -> None:
    data = minimal_register(
        lookup_keys=[
            {
                "id": "customer_number",
                "label": text("Kundennummer", "Customer number"),
                "pattern": "K-[0-9]{6}",
            }
        ]
    )

    key = validate(data, LABEL).lookup_key("customer_number")

    assert key.accepts("K-100042")
    assert not key.accepts("K-100042x")


def test_models_are_immutable() -> None:
    register = validate(minimal_register(), LABEL)

    with pytest.raises(ValueError, match="frozen"):
        register.controller.name = "Other GmbH"  # type: ignore[misc]


def test_a_recipient_may_give_a_postal_address_and_an_activity_where_it_publishes() -> None:
    data = minimal_register()
    data["recipients"] = [
        {
            "id": "printer",
            "named": True,
            "name": "Druckerei Beispiel KG",
            "category": text("Druckerei", "Printing company"),
            "role": "processor",
            "postal": "Druckerei Beispiel KG\nIndustriestr. 5\n12345 Musterstadt",
        }
    ]
    data["activities"][0]["recipients"] = ["printer"]
    data["activities"][0]["published"] = text("Kundenbewertungen", "customer reviews")
    register = validate(data, LABEL)

    printer = register.recipient("printer")
    assert printer is not None and printer.contact is None
    assert printer.postal == "Druckerei Beispiel KG\nIndustriestr. 5\n12345 Musterstadt"
    published = register.activity("orders").published
    assert published is not None and published.get("en") == "customer reviews"
    assert validate(minimal_register(), LABEL).activity("orders").published is None
