"""Where the controller acts (`jurisdiction`): its public holidays and local time decide deadlines.

Beside the country and subdivision the `holidays` package knows, a register may name a
municipal rule (`municipality`, see `dsar.register.municipalities`) and add days of its own
(`holidays`): docs/register.md, "jurisdiction".
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from dsar.register.municipalities import municipal_rule
from dsar.register.primitives import CountryCode, NonEmpty, StrictModel, Text

_MONTH_DAY = re.compile(r"(\d\d)-(\d\d)")


class Holiday(StrictModel):
    """A day on which no period ends, that the `holidays` package does not know for this place.

    Either one `date` or `every_year` (`MM-DD`); the name appears in `dsar deadline --explain`.
    """

    date: dt.date | None = None
    every_year: NonEmpty | None = None
    name: Text

    @field_validator("every_year")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        match = _MONTH_DAY.fullmatch(value) if value is not None else None
        if value is not None and (match is None or not _exists(*map(int, match.groups()))):
            raise PydanticCustomError(
                "month_day",
                "{value} is not a day of the year written MM-DD, such as 08-08",
                {"value": repr(value)},
            )
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Holiday:
        if self.date is None and self.every_year is None:
            raise PydanticCustomError("holiday_kind", "give date (one day) or every_year (MM-DD)")
        if self.date is not None and self.every_year is not None:
            raise PydanticCustomError("holiday_kind", "give date or every_year, not both")
        return self

    @property
    def key(self) -> str:
        """`2026-08-08` or `every year 08-08`: what two entries must not share."""
        return self.date.isoformat() if self.date else f"every year {self.every_year}"


def _exists(month: int, day: int) -> bool:
    try:
        dt.date(2000, month, day)  # a leap year: 02-29 exists (and falls on leap years only)
    except ValueError:
        return False
    return True


class Jurisdiction(StrictModel):
    """Where the controller acts: its public holidays and local time decide the deadlines."""

    country: CountryCode
    subdivision: NonEmpty | None = None  # as the holidays package names it: NW, BY, ENG
    timezone: NonEmpty
    municipality: NonEmpty | None = None  # a rule of dsar.register.municipalities: catholic
    holidays: list[Holiday] = Field(default_factory=list)

    @field_validator("country")
    @classmethod
    def _holiday_country(cls, value: str) -> str:
        if value not in holidays.list_supported_countries():
            raise PydanticCustomError(
                "country",
                "{value} is not a country the holidays package knows",
                {"value": repr(value)},
            )
        return value

    @field_validator("subdivision")
    @classmethod
    def _holiday_subdivision(cls, value: str | None, info: ValidationInfo) -> str | None:
        country = info.data.get("country")
        if value is None or country is None:
            return value
        known = holidays.list_supported_countries()[country]
        if value not in known:
            raise PydanticCustomError(
                "subdivision",
                "{value} is not a subdivision of {country}: use one of {known}",
                {"value": repr(value), "country": country, "known": ", ".join(known) or "none"},
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _iana_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise PydanticCustomError(
                "timezone",
                "{value} is not an IANA time zone such as Europe/Berlin",
                {"value": repr(value)},
            ) from None
        return value

    @field_validator("municipality")
    @classmethod
    def _municipal_rule(cls, value: str | None, info: ValidationInfo) -> str | None:
        country = info.data.get("country")
        if value is None or country is None or "subdivision" not in info.data:
            return value
        try:
            municipal_rule(value, country, info.data["subdivision"])
        except ValueError as error:
            raise PydanticCustomError("municipality", "{why}", {"why": str(error)}) from None
        return value

    @field_validator("holidays")
    @classmethod
    def _distinct(cls, value: list[Holiday]) -> list[Holiday]:
        keys = [holiday.key for holiday in value]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        if twice:
            raise PydanticCustomError(
                "holiday_twice", "{days} listed twice", {"days": ", ".join(twice)}
            )
        return value
