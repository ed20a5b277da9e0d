"""Values of an export as a person reads them: money, dates and numbers in the copy's locale.

Pure: the column's type comes from the register (`type`, `currency`, `scale`); data.json and
the CSVs keep the raw values, only the export's index.html shows these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from dsar.core.i18n import LOCALES

YES_NO = {"de": ("ja", "nein"), "en": ("yes", "no")}


def locale_of(language: str) -> str:
    return LOCALES.get(language, language)


def readable(value: Any, column: Mapping[str, Any], language: str) -> str:
    """`value` of `column` (its data.json info: type, currency, scale, values) for people."""
    if value is None or value == "":
        return ""
    words = (column.get("values") or {}).get(str(value))
    if words:
        return str(words)  # the register's words for a stored code (`values`)
    kind = column.get("type", "text")
    try:
        formatter = _FORMATTERS.get(kind)
        return str(value) if formatter is None else formatter(value, column, locale_of(language))
    except (ValueError, TypeError, InvalidOperation):
        return str(value)  # a value that does not fit its declared type is shown as it is


def _money(value: Any, column: Mapping[str, Any], locale: str) -> str:
    amount = Decimal(str(value)).scaleb(-int(column.get("scale") or 0))
    return format_currency(amount, column["currency"], locale=locale)


def _number(value: Any, column: Mapping[str, Any], locale: str) -> str:
    return format_decimal(Decimal(str(value)), locale=locale)


def _date(value: Any, column: Mapping[str, Any], locale: str) -> str:
    moment = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return format_date(moment, format="medium", locale=locale)


def _datetime(value: Any, column: Mapping[str, Any], locale: str) -> str:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:  # shown as stored: the source's own time
        moment = moment.replace(tzinfo=None)
    return format_datetime(moment, format="medium", locale=locale)


def _boolean(value: Any, column: Mapping[str, Any], locale: str) -> str:
    yes, no = YES_NO.get(locale[:2], YES_NO["en"])
    if isinstance(value, str):
        value = value.strip().lower() in ("1", "true", "t", "yes", "y", "ja")
    return yes if value else no


_FORMATTERS: dict[str, Callable[[Any, Mapping[str, Any], str], str]] = {
    "money": _money,
    "number": _number,
    "date": _date,
    "datetime": _datetime,
    "boolean": _boolean,
}
