"""The statutory minimum retention periods and the norm strings registers cite them by."""

from __future__ import annotations

import pytest

from dsar.register.statutory import cited_minimums


@pytest.mark.parametrize(
    ("norm", "expected"),
    [
        ("§ 147 Abs. 1 Nr. 4 AO", [("§ 147 AO", ("4",), 8)]),
        ("AO §147(1) Nr. 4", [("§ 147 AO", ("4",), 8)]),
        ("AO §147(1) Nr. 4a", [("§ 147 AO", ("4a",), 10)]),
        ("§ 147 Abs. 1 Nr. 2, 3, 5 AO", [("§ 147 AO", ("2", "3", "5"), 6)]),
        ("§ 257 Abs. 1 Nr. 1 und 4 HGB", [("§ 257 HGB", ("1", "4"), 10)]),
        ("HGB §257(1) Nr. 2-3", [("§ 257 HGB", ("2", "3"), 6)]),
        (
            "HGB §257(1) Nr. 4, (4); AO §147(1) Nr. 4, (3); UStG §14b",
            [("§ 257 HGB", ("4",), 8), ("§ 147 AO", ("4",), 8), ("§ 14b UStG", (), 8)],
        ),
        # without its item, a norm is held to its shortest period: only a sure shortfall counts
        ("HGB §257; AO §147; GoBD", [("§ 257 HGB", (), 6), ("§ 147 AO", (), 6)]),
        ("Art. 52 AWR", [("Art. 52 AWR", (), 7)]),
        ("artikel 52 Algemene wet inzake rijksbelastingen", [("Art. 52 AWR", (), 7)]),
        ("Art. 2:10 BW", [("Art. 2:10 BW", (), 7)]),
        ("fiscal law", []),
        ("§ 147 StGB", []),
        ("Art. 52 DSGVO", []),
    ],
)
def test_cited_minimums(norm: str, expected: list[tuple[str, tuple[str, ...], int]]) -> None:
    found = [(c.norm.law, c.items, c.years) for c in cited_minimums(norm)]

    assert found == expected
