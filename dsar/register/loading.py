"""Load registers from YAML or TOML files, or a folder of them, and validate them fully.

`{instance}` in a source's `read_url`, `write_url` or `path` becomes the instance folder;
`${NAME}` becomes the environment variable NAME (so credentials stay out of the file).
A relative file-source `path` is relative to the register file's folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from dsar.register.consistency import reference_problems
from dsar.register.errors import RegisterError, problem_line, validation_problems
from dsar.register.schema import Register

SUFFIXES = (".yaml", ".yml", ".toml")
EXPANDED = ("read_url", "write_url", "path")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def load_registers(
    path: Path | str,
    *,
    instance_path: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[Register]:
    """A file gives one register; a folder one per *.yaml/*.yml/*.toml in it (by name, no
    hidden files, not recursive). Slugs must be unique across the folder."""
    path = Path(path)
    if not path.is_dir():
        return [load_register(path, instance_path=instance_path, environ=environ)]
    files = sorted(
        p
        for p in path.iterdir()
        if p.suffix in SUFFIXES and p.is_file() and not p.name.startswith(".")
    )
    if not files:
        raise RegisterError([f"{path}: no register files (*.yaml, *.yml, *.toml) in this folder"])
    registers: list[Register] = []
    problems: list[str] = []
    for file in files:
        try:
            registers.append(load_register(file, instance_path=instance_path, environ=environ))
        except RegisterError as error:
            problems += error.problems
    seen: dict[str, Path | None] = {}
    for register in registers:
        slug = register.controller.slug
        if slug in seen:
            problems.append(
                problem_line(
                    str(register.source_path),
                    "controller.slug",
                    f"{slug!r} is already used by {seen[slug]}",
                )
            )
        seen.setdefault(slug, register.source_path)
    if problems:
        raise RegisterError(problems)
    return registers


def load_register(
    path: Path,
    *,
    instance_path: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Register:
    """Read, expand and validate one register file; every problem is in the RegisterError."""
    path = Path(path)
    label = str(path)
    if path.suffix not in SUFFIXES:
        raise RegisterError([f"{label}: unsupported file type: use .yaml, .yml or .toml"])
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RegisterError([f"{label}: no such file"]) from None
    except OSError as error:
        raise RegisterError([f"{label}: cannot read: {error.strerror}"]) from None
    data = parse(raw, path.suffix, label)
    problems = expand_placeholders(
        data,
        label,
        instance_path,
        os.environ if environ is None else environ,
        path.resolve().parent,
    )
    register = validate(data, label, problems)
    register._source_path = path
    register._sha256 = hashlib.sha256(raw).hexdigest()
    return register


def parse(raw: bytes, suffix: str, label: str) -> dict[str, Any]:
    """The file's content as a dict; syntax errors name the file and the line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RegisterError([f"{label}: not UTF-8 (byte {error.start})"]) from None
    if suffix == ".toml":
        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise RegisterError([f"{label}: TOML syntax error: {error}"]) from None
    else:
        try:
            data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            raise RegisterError(
                [f"{label}: YAML syntax error: {where}{error.problem or error.context}"]
            ) from None
        except yaml.YAMLError as error:
            raise RegisterError([f"{label}: YAML syntax error: {error}"]) from None
    if not isinstance(data, dict):
        raise RegisterError([f"{label}: the register must be a mapping of keys at the top level"])
    return data


def validate(data: dict[str, Any], label: str, problems: list[str] | None = None) -> Register:
    """The Register for `data`, or a RegisterError with every structural and reference problem."""
    problems = list(problems or [])
    try:
        register = Register.model_validate(data)
    except ValidationError as error:
        raise RegisterError(problems + validation_problems(error, data, label)) from None
    problems += [problem_line(label, path, msg) for path, msg in reference_problems(register)]
    if problems:
        raise RegisterError(problems)
    return register


def expand_placeholders(
    data: dict[str, Any],
    label: str,
    instance_path: Path | None,
    environ: Mapping[str, str],
    base: Path,
) -> list[str]:
    """Replace {instance} and ${NAME} in the sources' URLs and paths, in place."""
    problems: list[str] = []
    sources = data.get("sources")
    if not isinstance(sources, list):
        return problems
    for index, source in enumerate(sources):
        if not isinstance(source, dict):
            continue
        for key in EXPANDED:
            value = source.get(key)
            if not isinstance(value, str):
                continue
            where = f"sources[{index}].{key}"
            if "{instance}" in value:
                if instance_path is None:
                    problems.append(
                        problem_line(label, where, "uses {instance} but no instance path was given")
                    )
                    continue
                value = value.replace("{instance}", str(instance_path))
            for name in _ENV.findall(value):
                if name not in environ:
                    problems.append(
                        problem_line(label, where, f"environment variable {name} is not set")
                    )
            value = _ENV.sub(lambda m: environ.get(m.group(1), m.group(0)), value)
            if key == "path" and not Path(value).is_absolute():
                value = str(base / value)
            source[key] = value
    return problems


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int) and key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
