"""Checks between the parts of a structurally valid register: ids, references, languages.

Each problem is a `(path, message)` pair; the path is dotted like `activities[2].legal_basis`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from dsar.register.marking_checks import marking_problems
from dsar.register.primitives import ART9, Text
from dsar.register.problems import Problem, duplicates, repeated_values, unknown_reference
from dsar.register.schema import Register
from dsar.register.source_checks import activities_without_source, source_problems


def reference_problems(register: Register) -> list[Problem]:
    """Every broken reference or rule between parts of `register`, in file order."""
    problems: list[Problem] = []
    for name in ("categories", "subject_categories", "recipients", "lookup_keys", "activities"):
        problems += duplicates(getattr(register, name), name)
    problems += duplicates(register.sources, "sources")
    problems += _languages(register)
    problems += _activity_references(register)
    problems += _unused(register)
    for index, source in enumerate(register.sources):
        problems += source_problems(register, source, f"sources[{index}]")
        problems += marking_problems(source, f"sources[{index}]")
    problems += activities_without_source(register)
    return problems


def _texts(node: Any, path: str) -> Iterator[tuple[str, Text]]:
    if isinstance(node, Text):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name), f"{path}.{name}" if path else name)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _texts(item, f"{path}[{index}]")
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _texts(item, f"{path}[{key!r}]")


def _languages(register: Register) -> list[Problem]:
    wanted = register.controller.languages
    problems = []
    for path, text in _texts(register, ""):
        missing = [lang for lang in wanted if lang not in text.root]
        if missing:
            problems.append(
                (
                    path,
                    f"missing the {', '.join(repr(m) for m in missing)} text "
                    f"(controller.languages is [{', '.join(wanted)}])",
                )
            )
    return problems


def _activity_references(register: Register) -> list[Problem]:
    categories = {c.id for c in register.categories}
    special = {c.id for c in register.categories if c.special}
    subjects = {s.id for s in register.subject_categories}
    recipients = {r.id for r in register.recipients}
    problems: list[Problem] = []
    for index, activity in enumerate(register.activities):
        at = f"activities[{index}]"
        problems += repeated_values(activity.legal_basis, f"{at}.legal_basis")
        for i, cat in enumerate(activity.data_categories):
            problems += unknown_reference(
                f"{at}.data_categories[{i}]", cat, categories, "a category id"
            )
        for i, subject in enumerate(activity.data_subjects):
            problems += unknown_reference(
                f"{at}.data_subjects[{i}]", subject, subjects, "a subject_categories id"
            )
        for i, rec in enumerate(activity.recipients):
            problems += unknown_reference(
                f"{at}.recipients[{i}]", rec, recipients, "a recipient id"
            )
        for i, transfer in enumerate(activity.transfers):
            problems += unknown_reference(
                f"{at}.transfers[{i}].recipient",
                transfer.recipient,
                set(activity.recipients),
                "one of this activity's recipients",
            )
        art9 = [b for b in activity.legal_basis if b in ART9]
        if special.intersection(activity.data_categories) and not art9:
            problems.append(
                (f"{at}.legal_basis", "special categories (Art. 9) need a 9.2.x basis as well")
            )
        if art9 and not special.intersection(activity.data_categories):
            problems.append(
                (f"{at}.legal_basis", f"{art9[0]} is given but no data category is special")
            )
    return problems


def _unused(register: Register) -> list[Problem]:
    used_categories = {c for a in register.activities for c in a.data_categories}
    used_subjects = {s for a in register.activities for s in a.data_subjects}
    used_recipients = {r for a in register.activities for r in a.recipients}
    problems = []
    for name, used in (
        ("categories", used_categories),
        ("subject_categories", used_subjects),
        ("recipients", used_recipients),
    ):
        for index, item in enumerate(getattr(register, name)):
            if item.id not in used:
                problems.append((f"{name}[{index}].id", f"{item.id!r} is used by no activity"))
    return problems
