"""Loading registers from files and folders: formats, hashes, placeholders, file-level errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from dsar.register import RegisterError, load_register, load_registers
from tests.register.test_schema import minimal_register, text, write_register

TOML_REGISTER = """\
[controller]
slug = "toml-shop"
name = "TOML Shop GmbH"
languages = ["en"]
address = { street = "Main Street 1", postcode = "10115", city = "Berlin", country = "DE" }
contact = { email = "info@shop.example" }

[supervisory_authority]
name = { en = "Berlin Commissioner" }
address = { street = "Alt-Moabit 59-61", postcode = "10555", city = "Berlin", country = "DE" }
web = "https://www.datenschutz-berlin.de"

[jurisdiction]
country = "DE"
subdivision = "BE"
timezone = "Europe/Berlin"

[[categories]]
id = "contact"
label = { en = "Contact details" }

[[subject_categories]]
id = "customers"
label = { en = "Customers" }

[[activities]]
id = "orders"
title = { en = "Orders" }
purpose = { en = "Processing orders." }
legal_basis = ["6.1.b"]
data_categories = ["contact"]
data_subjects = ["customers"]

[activities.retention]
duration = { years = 6 }
trigger = "after_order_completion"
text = { en = "Six years." }

[[sources]]
type = "manual"
id = "crm"
name = "CRM"
description = { en = "Customer database." }
instructions = { en = "Search by e-mail." }
categories = ["contact"]
activities = ["orders"]
"""


def test_yaml_file_gives_a_register_with_path_and_hash(tmp_path: Path) -> None:
    path = write_register(tmp_path, minimal_register())

    register = load_register(path)

    assert register.controller.slug == "shop"
    assert register.source_path == path
    assert register.path == path
    assert register.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_toml_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "shop.toml"
    path.write_text(TOML_REGISTER, encoding="utf-8")

    [register] = load_registers(path)

    assert register.controller.slug == "toml-shop"
    assert register.activities[0].retention.trigger == "after_order_completion"


def test_folder_gives_every_register_sorted_by_name(tmp_path: Path) -> None:
    write_register(tmp_path, minimal_register(), "b.yml")
    other = minimal_register()
    other["controller"]["slug"] = "alpha"
    write_register(tmp_path, other, "a.yaml")
    (tmp_path / "c.toml").write_text(TOML_REGISTER, encoding="utf-8")
    (tmp_path / "README.md").write_text("# Registers\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a register", encoding="utf-8")
    (tmp_path / ".b.yml.swp.yaml").write_text("editor: [swap", encoding="utf-8")
    nested = tmp_path / "old"
    nested.mkdir()
    write_register(nested, minimal_register(), "old.yaml")

    registers = load_registers(str(tmp_path))

    assert [r.source_path.name for r in registers] == ["a.yaml", "b.yml", "c.toml"]
    assert [r.controller.slug for r in registers] == ["alpha", "shop", "toml-shop"]


def test_duplicate_slug_across_files_names_both(tmp_path: Path) -> None:
    first = write_register(tmp_path, minimal_register(), "first.yaml")
    second = write_register(tmp_path, minimal_register(), "second.yaml")

    with pytest.raises(RegisterError) as caught:
        load_registers(tmp_path)

    assert caught.value.problems == [
        f"{second}: controller.slug: 'shop' is already used by {first}"
    ]


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# nothing here\n", encoding="utf-8")

    with pytest.raises(RegisterError) as caught:
        load_registers(tmp_path)

    assert caught.value.problems == [
        f"{tmp_path}: no register files (*.yaml, *.yml, *.toml) in this folder"
    ]


def test_problems_of_several_files_come_together(tmp_path: Path) -> None:
    bad = minimal_register()
    bad["jurisdiction"]["timezone"] = "Europe/Nowhere"
    first = write_register(tmp_path, bad, "a.yaml")
    (tmp_path / "b.yaml").write_text("controller: [\n", encoding="utf-8")

    with pytest.raises(RegisterError) as caught:
        load_registers(tmp_path)

    assert len(caught.value.problems) == 2
    assert caught.value.problems[0].startswith(f"{first}: jurisdiction.timezone: ")
    assert caught.value.problems[1].startswith(f"{tmp_path / 'b.yaml'}: YAML syntax error: ")
    assert str(caught.value) == "\n".join(caught.value.problems)


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("controller:\n  slug: shop\n  name: [Shop GmbH\njurisdiction: {}\n")

    with pytest.raises(RegisterError) as caught:
        load_register(path)

    [problem] = caught.value.problems
    assert problem.startswith(f"{path}: YAML syntax error: line 4, column ")


def test_yaml_key_given_twice_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text("controller:\n  slug: a\n  slug: b\n")

    with pytest.raises(RegisterError) as caught:
        load_register(path)

    assert caught.value.problems == [
        f"{path}: YAML syntax error: line 3, column 3: duplicate key 'slug'"
    ]


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[controller]\nslug = "a\n')

    with pytest.raises(RegisterError) as caught:
        load_register(path)

    [problem] = caught.value.problems
    assert problem.startswith(f"{path}: TOML syntax error: ")
    assert "line 2" in problem


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- a\n- b\n", "the register must be a mapping of keys at the top level"),
        ("", "the register must be a mapping of keys at the top level"),
    ],
)
def test_top_level_must_be_a_mapping(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "list.yaml"
    path.write_text(content)

    with pytest.raises(RegisterError) as caught:
        load_register(path)

    assert caught.value.problems == [f"{path}: {message}"]


def test_unsupported_suffix_and_missing_file(tmp_path: Path) -> None:
    json_file = tmp_path / "register.json"
    json_file.write_text("{}")

    with pytest.raises(RegisterError, match="unsupported file type: use .yaml, .yml or .toml"):
        load_registers(json_file)
    with pytest.raises(RegisterError, match="no such file"):
        load_registers(tmp_path / "missing.yaml")


def _sql_register(url: str) -> dict:
    data = minimal_register()
    data["sources"].append(
        {
            "type": "sql",
            "id": "db",
            "name": "Shop database",
            "read_url": url,
            "write_url": url,
            "tables": [
                {
                    "name": "customers",
                    "lookup": {"match": [{"key": "email", "column": "email"}]},
                    "activities": ["orders"],
                    "erasure": "delete",
                    "columns": [{"name": "email", "categories": ["contact"]}],
                }
            ],
        }
    )
    return data


def test_instance_placeholder_becomes_the_instance_path(tmp_path: Path) -> None:
    path = write_register(tmp_path, _sql_register("sqlite:///{instance}/shop.sqlite3"))

    register = load_register(path, instance_path=tmp_path / "instance")

    assert register.sources[1].read_url == f"sqlite:///{tmp_path / 'instance'}/shop.sqlite3"
    assert register.sources[1].write_url == register.sources[1].read_url


def test_instance_placeholder_without_instance_path_is_an_error(tmp_path: Path) -> None:
    path = write_register(tmp_path, _sql_register("sqlite:///{instance}/shop.sqlite3"))

    with pytest.raises(RegisterError) as caught:
        load_register(path)

    assert caught.value.problems == [
        f"{path}: sources[1].read_url: uses {{instance}} but no instance path was given",
        f"{path}: sources[1].write_url: uses {{instance}} but no instance path was given",
    ]


def test_environment_variables_are_expanded(tmp_path: Path) -> None:
    url = "postgresql+psycopg://${SHOP_DB_USER}:${SHOP_DB_PASSWORD}@db.internal/shop"
    path = write_register(tmp_path, _sql_register(url))

    register = load_register(path, environ={"SHOP_DB_USER": "reader", "SHOP_DB_PASSWORD": "s3cret"})

    assert register.sources[1].read_url == "postgresql+psycopg://reader:s3cret@db.internal/shop"


def test_missing_environment_variable_names_it(tmp_path: Path) -> None:
    url = "postgresql+psycopg://reader:${SHOP_DB_PASSWORD}@db.internal/shop"
    path = write_register(tmp_path, _sql_register(url))

    with pytest.raises(RegisterError) as caught:
        load_register(path, environ={})

    assert caught.value.problems[0] == (
        f"{path}: sources[1].read_url: environment variable SHOP_DB_PASSWORD is not set"
    )


def test_relative_file_path_is_relative_to_the_register(tmp_path: Path) -> None:
    data = minimal_register()
    data["sources"].append(
        {
            "type": "file",
            "id": "export",
            "name": "Old shop export",
            "path": "exports/customers.csv",
            "lookup": [{"field": "email", "key": "email"}],
            "activities": ["orders"],
            "fields": [{"name": "email", "categories": ["contact"]}],
            "erasure": "delete",
        }
    )
    path = write_register(tmp_path, data)

    source = load_register(path).sources[1]

    assert source.path == str(tmp_path / "exports" / "customers.csv")
    assert source.format == "csv"


def test_file_source_format_must_be_known(tmp_path: Path) -> None:
    data = minimal_register()
    data["sources"].append(
        {
            "type": "file",
            "id": "export",
            "name": "Old shop export",
            "description": text("Export.", "Export."),
            "path": "customers.xlsx",
            "lookup": [{"field": "email", "key": "email"}],
            "activities": ["orders"],
            "fields": [{"name": "email"}],
            "erasure": "delete",
        }
    )
    path = write_register(tmp_path, data)

    with pytest.raises(RegisterError) as caught:
        load_register(path)

    assert caught.value.problems == [
        f"{path}: sources[1]: cannot tell the format from the path: set format: csv or format: json"
    ]


def test_verifiable_by_must_name_a_column_and_only_lookup_keys(tmp_path: Path) -> None:
    data = _sql_register("sqlite:///shop.sqlite3")
    data["lookup_keys"] = [{"id": "customer_number", "label": text("Kundennummer", "Number")}]
    table = data["sources"][1]["tables"][0]
    table["lookup"]["match"].append(
        {"key": "customer_number", "column": "email", "verifiable_by": "phone"}
    )
    data["sources"][0]["verifiable"] = ["order_number"]

    with pytest.raises(RegisterError) as raised:
        load_register(write_register(tmp_path, data))

    message = str(raised.value)
    assert "tables[0].lookup.match[1].verifiable_by: 'phone' is not one of the table's columns" in (
        message
    )
    assert "sources[0].verifiable[0]: 'order_number' is not a lookup_keys id" in message


def test_verifiable_by_names_a_column_of_the_table(tmp_path: Path) -> None:
    data = _sql_register("sqlite:///shop.sqlite3")
    data["lookup_keys"] = [{"id": "customer_number", "label": text("Kundennummer", "Number")}]
    data["sources"][1]["tables"][0]["lookup"]["match"].append(
        {"key": "customer_number", "column": "email", "verifiable_by": "email"}
    )
    data["sources"][0]["verifiable"] = ["customer_number"]

    register = load_register(write_register(tmp_path, data))

    assert register.sources[1].tables[0].lookup.match[1].verifiable_by == "email"
    assert register.sources[0].verifiable == ["customer_number"]
