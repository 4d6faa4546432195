"""Numbers typed by people in different locales, read so that a separator can never silently
change a value a thousandfold.

"0,012" is 0.012 to a German reader and 12 to an English one; "185.000" is 185 or 185,000.
A single separator followed by exactly three digits is therefore refused with a message that
says how to write the number unambiguously. Everything else is read one way only:
- a single "," or "." followed by 1, 2 or 4+ digits is the decimal separator ("0,5", "12.25"),
  and so is a point after a zero ("0.012": thousands never start with zero);
- several identical separators in groups of three are thousands ("1,250,000", "1.250.000");
- both separators: the last one is the decimal separator ("1.250,5", "1,250.5");
- spaces (also narrow no-break spaces) and apostrophes group thousands ("1 250 000", "1'250").
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# QA values (hours, areas, limits, counts) never need more digits than this; a bigger
# exponent ("1e999999") would otherwise be expanded to an int of a million digits.
MAX_NUMBER_DIGITS = 15

_GROUPING = re.compile(r"[ \u00a0\u202f']")
_PLAIN = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?P<sep>[.,])\d{3}((?P=sep)\d{3})+")


class NumberError(ValueError):
    """The text is not one unambiguous number; the message says what to type instead."""


def parse_number(raw: str) -> Decimal:
    """The number `raw` stands for, or NumberError with a message safe to show."""
    text = _GROUPING.sub("", raw.strip())
    if not text:
        raise NumberError("enter a number.")
    if _GROUPED.fullmatch(text):  # 1,250,000 or 1.250.000: thousands only
        return _decimal(text.replace(",", "").replace(".", ""))
    if "," in text and "." in text:
        decimal_mark = max(text.rfind(","), text.rfind("."))
        whole, fraction = text[:decimal_mark], text[decimal_mark + 1 :]
        group_mark = "," if text[decimal_mark] == "." else "."
        if (
            "," in fraction
            or "." in fraction
            or not re.fullmatch(rf"[+-]?\d{{1,3}}(\{group_mark}\d{{3}})*", whole)
        ):
            raise NumberError(f"“{raw.strip()}” is not a number we can read.")
        return _decimal(whole.replace(group_mark, "") + "." + fraction)
    if not _PLAIN.fullmatch(text):
        raise NumberError("enter a number.")
    mantissa = re.split(r"[eE]", text)[0]
    if re.fullmatch(r"[+-]?\d+[.,]\d{3}", mantissa) and not re.fullmatch(
        r"[+-]?0\.\d{3}", mantissa
    ):
        raise NumberError(_ambiguous(raw.strip(), *re.split(r"[.,]", mantissa)))
    return _decimal(text.replace(",", "."))


def _ambiguous(raw: str, whole: str, fraction: str) -> str:
    """One separator and three digits: a decimal in one locale, thousands in another."""
    as_decimal = f"{whole}.{fraction}"
    if int(whole.lstrip("+-") or 0) == 0:
        write = f"Write {as_decimal} (a point marks decimals)."
    elif int(fraction) == 0:
        write = f"Write {whole}{fraction} for thousands or {whole} for the decimal."
    else:
        write = f"Write {whole}{fraction} for thousands or {as_decimal}0 for the decimal."
    return (
        f"“{raw}” is ambiguous: a decimal comma or point in some countries, a thousands "
        f"separator in others. {write}"
    )


def _decimal(text: str) -> Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise NumberError("enter a number.") from exc
    if not number.is_finite():
        raise NumberError("enter a number.")
    if number and number.adjusted() >= MAX_NUMBER_DIGITS:
        raise NumberError(f"enter a number below 10^{MAX_NUMBER_DIGITS}.")
    return number


def stored(number: Decimal) -> int | float:
    """The JSON value kept in a revision's content."""
    return int(number) if number == number.to_integral_value() else float(number)


def plain(number: float | int | Decimal) -> str:
    """A number as text for a message, without exponent or trailing zeros."""
    text = f"{Decimal(str(number)).normalize():,f}"
    return text[:-2] if text.endswith(".0") else text
