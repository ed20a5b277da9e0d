"""`jurisdiction`: the municipal holiday rule and the register's own holidays, with each wrong
entry reported by path and message."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from dsar.register import load_register
from dsar.register.municipalities import MUNICIPAL_RULES, municipal_rule
from tests.register.test_schema import LABEL, minimal_register, problems_of, write_register
from tests.register.test_schema import validate as validate_register


def with_jurisdiction(**fields: Any) -> dict[str, Any]:
    data = minimal_register()
    data["jurisdiction"].update(fields)
    return data


def test_municipality_and_holidays_are_read() -> None:
    data = with_jurisdiction(
        subdivision="BY",
        municipality="augsburg",
        holidays=[
            {"date": "2026-06-12", "name": {"de": "Stadtfeiertag", "en": "Town holiday"}},
            {"every_year": "09-01", "name": {"de": "Gründungstag", "en": "Founding day"}},
        ],
    )
    jurisdiction = validate_register(data, LABEL).jurisdiction
    assert jurisdiction.municipality == "augsburg"
    assert [h.key for h in jurisdiction.holidays] == ["2026-06-12", "every year 09-01"]
    assert jurisdiction.holidays[0].date == date(2026, 6, 12)
    assert jurisdiction.holidays[1].name.get("de") == "Gründungstag"


def test_a_name_needs_every_language_of_the_controller() -> None:
    data = with_jurisdiction(holidays=[{"date": "2026-06-12", "name": {"de": "Stadtfeiertag"}}])
    assert problems_of(data) == [
        "r.yaml: jurisdiction.holidays[0].name: missing the 'en' text "
        "(controller.languages is [de, en])"
    ]


def test_both_are_optional() -> None:
    jurisdiction = validate_register(minimal_register(), LABEL).jurisdiction
    assert (jurisdiction.municipality, jurisdiction.holidays) == (None, [])


def test_unquoted_yaml_dates_and_month_days_load(tmp_path: Path) -> None:
    path = write_register(tmp_path, minimal_register())
    text = path.read_text(encoding="utf-8").replace(
        "  timezone: Europe/Berlin\n",
        "  timezone: Europe/Berlin\n"
        "  holidays:\n"
        "  - date: 2026-06-12\n"
        "    name: {de: Stadtfeiertag, en: Town holiday}\n"
        "  - every_year: 08-08\n"
        "    name: {de: Friedensfest, en: Peace Festival}\n",
        1,
    )
    path.write_text(text, encoding="utf-8")
    holidays = load_register(path).jurisdiction.holidays
    assert [(h.date, h.every_year) for h in holidays] == [
        (date(2026, 6, 12), None),
        (None, "08-08"),
    ]


WRONG = [
    pytest.param(
        {"municipality": "augsburg"},
        "r.yaml: jurisdiction.municipality: 'augsburg' applies only in DE-BY, not in DE-BE",
        id="augsburg-outside-bavaria",
    ),
    pytest.param(
        {"subdivision": None, "municipality": "catholic"},
        "r.yaml: jurisdiction.municipality: 'catholic' applies only in DE-BY, DE-SN, DE-TH, "
        "not in DE",
        id="catholic-without-land",
    ),
    pytest.param(
        {"subdivision": "BY", "municipality": "muenchen"},
        "r.yaml: jurisdiction.municipality: 'muenchen' is not a municipal holiday rule: "
        "use one of catholic, augsburg",
        id="unknown-rule",
    ),
    pytest.param(
        {"holidays": [{"every_year": "13-01", "name": {"de": "x"}}]},
        "r.yaml: jurisdiction.holidays[0].every_year: '13-01' is not a day of the year "
        "written MM-DD, such as 08-08",
        id="month-13",
    ),
    pytest.param(
        {"holidays": [{"every_year": "8-8", "name": {"de": "x"}}]},
        "r.yaml: jurisdiction.holidays[0].every_year: '8-8' is not a day of the year",
        id="month-day-unpadded",
    ),
    pytest.param(
        {"holidays": [{"every_year": "02-30", "name": {"de": "x"}}]},
        "r.yaml: jurisdiction.holidays[0].every_year: '02-30' is not a day of the year",
        id="no-such-day",
    ),
    pytest.param(
        {"holidays": [{"date": "2026-02-30", "name": {"de": "x"}}]},
        "r.yaml: jurisdiction.holidays[0].date: should be a valid date",
        id="no-such-date",
    ),
    pytest.param(
        {"holidays": [{"date": "2026-08-08", "every_year": "08-08", "name": {"de": "x"}}]},
        "r.yaml: jurisdiction.holidays[0]: give date or every_year, not both",
        id="both-kinds",
    ),
    pytest.param(
        {"holidays": [{"name": {"de": "x"}}]},
        "r.yaml: jurisdiction.holidays[0]: give date (one day) or every_year (MM-DD)",
        id="neither-kind",
    ),
    pytest.param(
        {"holidays": [{"date": "2026-08-08"}]},
        "r.yaml: jurisdiction.holidays[0].name: ",
        id="no-name",
    ),
    pytest.param(
        {"holidays": [{"date": "2026-08-08", "name": "Friedensfest"}]},
        "r.yaml: jurisdiction.holidays[0].name: write the text per language",
        id="name-not-per-language",
    ),
    pytest.param(
        {"holidays": [{"date": "2026-08-08", "name": {"de": "x"}, "on": "2026-08-09"}]},
        "r.yaml: jurisdiction.holidays[0].on: unknown field",
        id="unknown-field",
    ),
    pytest.param(
        {
            "holidays": [
                {"every_year": "08-08", "name": {"de": "x"}},
                {"every_year": "08-08", "name": {"de": "y"}},
            ]
        },
        "r.yaml: jurisdiction.holidays: every year 08-08 listed twice",
        id="twice",
    ),
]


@pytest.mark.parametrize(("fields", "expected"), WRONG)
def test_a_wrong_entry_names_its_field(fields: dict[str, Any], expected: str) -> None:
    problems = problems_of(with_jurisdiction(**fields))
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems


def test_every_rule_belongs_to_a_land_the_holidays_package_knows() -> None:
    import holidays

    for name, rule in MUNICIPAL_RULES.items():
        assert rule.name == name
        known = holidays.list_supported_countries()[rule.country]
        assert set(rule.subdivisions) <= set(known)
        assert rule.holidays_subdivision is None or rule.holidays_subdivision in known
        assert municipal_rule(name, rule.country, rule.subdivisions[0]) is rule


def test_the_example_in_the_docs_is_valid() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "register.md").read_text("utf-8")
    block = re.search(r"```yaml\n(jurisdiction:\n.*?)```", docs, flags=re.DOTALL)
    assert block is not None
    jurisdiction = yaml.safe_load(block.group(1))["jurisdiction"]
    loaded = validate_register(minimal_register(jurisdiction=jurisdiction), LABEL).jurisdiction
    assert (loaded.municipality, len(loaded.holidays)) == ("augsburg", 2)


def test_29_february_every_year_is_a_day_of_the_year() -> None:
    leap = {"every_year": "02-29", "name": {"de": "Schalttag", "en": "Leap day"}}
    assert validate_register(with_jurisdiction(holidays=[leap]), LABEL).jurisdiction.holidays


def test_a_rule_belongs_to_its_country_not_only_to_a_code() -> None:
    with pytest.raises(
        ValueError, match="'catholic' applies only in DE-BY, DE-SN, DE-TH, not in AT-BY"
    ):
        municipal_rule("catholic", "AT", "BY")
