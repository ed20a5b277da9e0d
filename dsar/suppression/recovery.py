"""Find an erased subject again from a tombstone's key hashes, without keeping their data.

For each part a tombstone names, the lookup columns that find its rows (a joined table's:
those of the table it joins to) are read value by value through the source's connector, each
value is hashed with the salt, and the values whose hashes the tombstone holds make up the
subject. One pass per column serves every tombstone asked about; only matches stay in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from dsar.register.datasources import FileSource, SqlSource
from dsar.register.schema import Register
from dsar.sources import RegisterMismatch, SourceUnreachable, Subject, connector_for
from dsar.suppression.hashing import value_hmac
from dsar.suppression.models import ErasureTombstone


@dataclass(frozen=True)
class KeyColumn:
    """A column (or file field) whose values are lookup key `key`'s, in one part of a source."""

    source: str
    part: str
    column: str
    key: str


@dataclass
class Recovery:
    """Per tombstone id: the subjects found again; per source id: why it could not be read."""

    subjects: dict[int, list[Subject]] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)


def key_columns(register: Register, parts: Iterable[Mapping[str, str]]) -> list[KeyColumn]:
    """The lookup columns that find the rows of the named parts; manual sources have none."""
    found: dict[KeyColumn, None] = {}
    for named in parts:
        source = register.source(named.get("source", ""))
        if isinstance(source, FileSource) and named.get("part") == source.id:
            for match in source.lookup:
                found[KeyColumn(source.id, source.id, match.field, match.key)] = None
        elif isinstance(source, SqlSource):
            for column in _table_key_columns(source, named.get("part", "")):
                found[column] = None
    return list(found)


def _table_key_columns(source: SqlSource, part: str) -> Iterator[KeyColumn]:
    seen: set[str] = set()
    table = source.table(part)
    while table is not None and table.name not in seen:  # up the join path to a matched table
        seen.add(table.name)
        for match in table.lookup.match:
            yield KeyColumn(source.id, table.name, match.column, match.key)
        table = source.table(table.lookup.join.table) if table.lookup.join else None


def recover(tombstones: Sequence[ErasureTombstone], register: Register, salt: str) -> Recovery:
    """The subjects the sources hold again under each tombstone's key hashes (one register:
    the tombstones' controller's)."""
    wanted: dict[KeyColumn, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for tombstone in tombstones:
        hashes = {(h["key"], h["hmac"]) for h in tombstone.key_hashes}
        for column in key_columns(register, tombstone.parts):
            for key, hashed in hashes:
                if key == column.key:
                    wanted[column][hashed].add(tombstone.id)
    recovery = Recovery(subjects={t.id: [] for t in tombstones})
    values: dict[int, dict[str, dict[str, None]]] = defaultdict(lambda: defaultdict(dict))
    by_source: dict[str, list[KeyColumn]] = defaultdict(list)
    for column in wanted:
        by_source[column.source].append(column)
    for source_id, columns in by_source.items():
        source = register.source(source_id)
        connector = connector_for(source) if source is not None else None
        if connector is None:  # key_columns names SQL and file sources only
            continue
        try:
            for column in columns:
                for raw in connector.values_of(column.part, column.column):
                    text = str(raw)
                    for tombstone_id in wanted[column].get(value_hmac(salt, column.key, text), ()):
                        values[tombstone_id][column.key][text] = None  # as stored
        except (SourceUnreachable, RegisterMismatch) as error:
            recovery.problems[source_id] = str(error)
        finally:
            connector.close()
    for tombstone_id, by_key in values.items():
        recovery.subjects[tombstone_id] = subjects_of({k: list(v) for k, v in by_key.items()})
    return recovery


def subjects_for(tombstone: ErasureTombstone, register: Register, salt: str) -> list[Subject]:
    """The subject(s) whose key values hash to the tombstone's; [] when nothing came back.

    Raises SourceUnreachable when a source the tombstone names cannot be read.
    """
    recovery = recover([tombstone], register, salt)
    if recovery.problems:
        raise SourceUnreachable("; ".join(recovery.problems.values()))
    return recovery.subjects[tombstone.id]


def subjects_of(values: Mapping[str, Sequence[str]]) -> list[Subject]:
    """One subject with the first value found of each key; a further spelling of a value (an
    address in other capitals) becomes a subject of its own, so that its rows are found too."""
    if not values:
        return []
    subjects = [Subject({key: found[0] for key, found in values.items()})]
    subjects += [Subject({key: other}) for key, found in values.items() for other in found[1:]]
    return subjects
