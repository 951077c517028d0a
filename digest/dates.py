"""Calendar arithmetic for reminder intervals and digest periods."""

import calendar
from datetime import datetime


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` moved by whole calendar months (negative goes back), the day clamped to the
    month's last: 31 January + 1 month is 28 (or 29) February, as Postgres counts it."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
