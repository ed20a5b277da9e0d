"""PURE: statutory minimum retention periods (DE, NL) for the norms a register cites.

A small table, not a legal database: the commercial and tax retention duties the example
controllers cite. Figures and sources are in docs/register.md ("Statutory minimum retention")
and docs/legal-rules.md section 4.1. The check compares an activity's retention with the
longest period that the items it cites require; a norm cited without its item ("§ 257 HGB")
is compared with the shortest period the norm sets, so that only a certain shortfall is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class StatutoryNorm:
    """One retention norm: its items (Nr.) and the years each requires."""

    law: str  # how the check names it: "§ 257 HGB"
    law_pattern: str  # the law's name or abbreviation, as registers write it
    section_pattern: str  # the section or article, as registers write it
    years: dict[str, int]  # item ("1", "4a"; "" when the norm has no items) -> years
    source: str  # where the figure comes from


NORMS = (
    StatutoryNorm(
        "§ 257 HGB",
        r"\bHGB\b|Handelsgesetzbuch",
        r"§\s*257\b",
        # Abs. 4: 10 years for Nr. 1 (books, statements, reports); 8 years for Nr. 4
        # (Buchungsbelege) since BEG IV (1 January 2025); 6 years for Nr. 2, 3 (Handelsbriefe).
        {"1": 10, "2": 6, "3": 6, "4": 8},
        "§ 257 Abs. 4 HGB, as amended by the Bürokratieentlastungsgesetz IV (from 1 Jan 2025)",
    ),
    StatutoryNorm(
        "§ 147 AO",
        r"\bAO\b|Abgabenordnung",
        r"§\s*147\b",
        # Abs. 3: 10 years for Nr. 1 and 4a; 8 years for Nr. 4 (Buchungsbelege) since BEG IV;
        # 6 years for Nr. 2, 3 and 5.
        {"1": 10, "2": 6, "3": 6, "4": 8, "4a": 10, "5": 6},
        "§ 147 Abs. 3 AO, as amended by the Bürokratieentlastungsgesetz IV (from 1 Jan 2025)",
    ),
    StatutoryNorm(
        "§ 14b UStG",
        r"\bUStG\b|Umsatzsteuergesetz",
        r"§\s*14\s*b\b",
        {"": 8},  # invoices: 8 years since BEG IV, like Buchungsbelege
        "§ 14b Abs. 1 UStG, as amended by the Bürokratieentlastungsgesetz IV (from 1 Jan 2025)",
    ),
    StatutoryNorm(
        "Art. 52 AWR",
        r"\bAWR\b|Algemene wet inzake rijksbelastingen",
        r"(?i:\bart(?:ikel|icle)?\.?)\s*52\b",
        {"": 7},
        "Art. 52 lid 4 Algemene wet inzake rijksbelastingen (NL): 7 years",
    ),
    StatutoryNorm(
        "Art. 2:10 BW",
        r"\bBW\b|Burgerlijk Wetboek",
        r"\b2\s*:\s*10\b",
        {"": 7},
        "Art. 2:10 lid 3 Burgerlijk Wetboek (NL): 7 years",
    ),
)

_ITEMS = re.compile(r"\bNr\.?\s*(\d+[a-z]?(?:\s*(?:,|und|and|bis|-|–)\s*\d+[a-z]?)*)")


@dataclass(frozen=True)
class Citation:
    """A norm found in a register's text, the items it names, and the years they require."""

    norm: StatutoryNorm
    items: tuple[str, ...]
    years: int


def cited_minimums(text: str) -> list[Citation]:
    """Each table norm `text` cites ("§ 147 Abs. 1 Nr. 4 AO", "AO §147(1) Nr. 4"), with the
    years it requires: the longest of the cited items, or the norm's shortest if none is."""
    hits = sorted(
        (
            (match.start(), match.end(), norm)
            for norm in NORMS
            for match in re.finditer(norm.section_pattern, text)
        ),
        key=lambda hit: hit[0],
    )
    citations = []
    for index, (_start, end, norm) in enumerate(hits):
        before = hits[index - 1][1] if index else 0
        after = hits[index + 1][0] if index + 1 < len(hits) else len(text)
        # the law may stand before ("AO §147") or after ("§ 147 AO") its section
        if not re.search(norm.law_pattern, text[before:after]):
            continue
        items = _items(text[end:after])
        known = [norm.years[i] for i in items if i in norm.years]
        years = max(known) if known else min(norm.years.values())
        citations.append(Citation(norm, tuple(i for i in items if i in norm.years), years))
    return citations


def _items(text: str) -> list[str]:
    """The item numbers after "Nr.": "1, 4" -> [1, 4]; "2-3" and "2 bis 3" -> [2, 3]."""
    match = _ITEMS.search(text)
    if not match:
        return []
    items: list[str] = []
    parts = re.split(r"\s*(,|und|and|bis|-|–)\s*", match.group(1))
    for position in range(0, len(parts), 2):
        item = parts[position]
        if position >= 2 and parts[position - 1] in ("bis", "-", "–"):
            first, last = int(re.sub(r"\D", "", items[-1])), int(re.sub(r"\D", "", item))
            items += [str(n) for n in range(first + 1, last)]
        items.append(item)
    return items
