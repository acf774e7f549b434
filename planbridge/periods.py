"""Period helpers (docs/architecture.md "Periods"): months are their first day, weeks their Monday,
quarters their first day. "Today" is the local date of settings.TIME_ZONE.

Dates that users and services may store lie in FIRST_YEAR–LAST_YEAR (check_dates_in_range).
The helpers below never raise for any date Python can hold, even near date.min and
date.max: a result past what a date can hold saturates at the first or last such month
(see add_months), so a row stored before the range existed cannot break a page."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# No plan, goal or meeting lies outside these years; refusing the rest keeps every
# month/quarter computation and every date shown far from date.min and date.max.
FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_DAY = datetime.date(FIRST_YEAR, 1, 1)
LAST_DAY = datetime.date(LAST_YEAR, 12, 31)

DATE_OUT_OF_RANGE = _("Enter a date between %(first)s and %(last)s.")
MONTH_OUT_OF_RANGE = _("Enter a month between %(first)s and %(last)s.")


def in_range(day: datetime.date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def _out_of_range_error(*, month: bool) -> ValidationError:
    if month:
        return ValidationError(
            MONTH_OUT_OF_RANGE,
            code="out_of_range",
            params={"first": f"{FIRST_YEAR}-01", "last": f"{LAST_YEAR}-12"},
        )
    return ValidationError(
        DATE_OUT_OF_RANGE,
        code="out_of_range",
        params={"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
    )


def validate_date_in_range(day: datetime.date) -> None:
    """A form field validator: the date lies in FIRST_YEAR–LAST_YEAR."""
    if day is not None and not in_range(day):
        raise _out_of_range_error(month=False)


def validate_month_in_range(month: datetime.date) -> None:
    """A form field validator for month fields (the message speaks of months)."""
    if month is not None and not in_range(month):
        raise _out_of_range_error(month=True)


def check_dates_in_range(*, months=(), **dates: datetime.date | None) -> None:
    """Raises one ValidationError naming every given date outside FIRST_YEAR–LAST_YEAR
    (keyword = field name; None is skipped); those named in `months` get the month message.
    Services call it first, so that a direct call is refused as a form would be."""
    errors = {
        name: _out_of_range_error(month=name in months)
        for name, day in dates.items()
        if day is not None and not in_range(day)
    }
    if errors:
        raise ValidationError(errors)


def today() -> datetime.date:
    return timezone.localdate()


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


_FIRST_MONTH_INDEX = datetime.date.min.year * 12
_LAST_MONTH_INDEX = datetime.date.max.year * 12 + 11


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _month_of_index(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    """The first day of the month `count` months after (or before) `month`. Never raises:
    a month before 0001-01 or after 9999-12 (which no date can hold) saturates at that
    first or last month, so callers must not expect `add_months(m, 1) > m` at 9999-12."""
    index = min(max(_month_index(month) + count, _FIRST_MONTH_INDEX), _LAST_MONTH_INDEX)
    return _month_of_index(index)


def month_end(month: datetime.date) -> datetime.date:
    """The last day of the month of `month` (also for 9999-12)."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(quarter: datetime.date) -> datetime.date:
    """The last day of the quarter of `quarter` (also for 9999 Q4)."""
    return month_end(add_months(quarter_start(quarter), 2))


def quarter_label(quarter: datetime.date) -> str:
    return f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}"


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Every month from the month of `first` to the month of `last`, inclusive (empty when
    `last` is earlier). Callers showing a stored range bound it first (month_count)."""
    return [_month_of_index(index) for index in range(_month_index(first), _month_index(last) + 1)]


def month_count(first: datetime.date, last: datetime.date) -> int:
    """How many months months_between(first, last) would list, without listing them."""
    return max(0, _month_index(last) - _month_index(first) + 1)
