"""Municipal holiday rules a register may name in `jurisdiction.municipality`.

Plain data: the register checks a rule against its country and subdivision, the legal calendar
counts with it. Each rule is expressed in the `holidays` package's own terms (a subdivision it
knows, a category it keeps beside the public holidays), so no date is written by hand here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class MunicipalRule:
    """Holidays that only some municipalities of a Land keep."""

    name: str
    country: str
    subdivisions: tuple[str, ...]  # the Länder the rule belongs to
    adds: str  # what it adds, in words (docs, error messages)
    source: str
    holidays_subdivision: str | None = None  # the `holidays` subdivision used instead of the Land
    categories: tuple[str, ...] = ()  # `holidays` categories counted beside `public`


MUNICIPAL_RULES: Mapping[str, MunicipalRule] = MappingProxyType(
    {
        "catholic": MunicipalRule(
            name="catholic",
            country="DE",
            subdivisions=("BY", "SN", "TH"),
            adds=(
                "Assumption Day (15 August) in a Bavarian municipality with a predominantly "
                "Catholic population; Corpus Christi in the Saxon and Thuringian "
                "municipalities that keep it"
            ),
            source="Art. 1 Abs. 1 Nr. 2 BayFTG; SächsSFG; ThürFGtG",
            categories=("catholic",),
        ),
        "augsburg": MunicipalRule(
            name="augsburg",
            country="DE",
            subdivisions=("BY",),
            adds="Assumption Day (15 August) and the Hohes Friedensfest (8 August)",
            source="Art. 1 Abs. 1 Nr. 2 and Abs. 2 BayFTG",
            holidays_subdivision="Augsburg",
        ),
    }
)


def municipal_rule(name: str, country: str, subdivision: str | None) -> MunicipalRule:
    """The rule called `name`; ValueError if unknown or not one of `country`-`subdivision`."""
    rule = MUNICIPAL_RULES.get(name)
    if rule is None:
        known = ", ".join(MUNICIPAL_RULES)
        raise ValueError(f"{name!r} is not a municipal holiday rule: use one of {known}")
    if country != rule.country or subdivision not in rule.subdivisions:
        lands = ", ".join(f"{rule.country}-{land}" for land in rule.subdivisions)
        region = f"{country}-{subdivision}" if subdivision else country
        raise ValueError(f"{name!r} applies only in {lands}, not in {region}")
    return rule
