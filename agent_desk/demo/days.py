"""The demo generator's calendar: days as numbers, their strings looked up."""

from __future__ import annotations

from datetime import date

SECONDS_PER_DAY = 86_400
_CST = 8 * 3600  # China Standard Time has no daylight saving


class Days:
    """Days are ints counted from `base`, and their strings are looked up rather than
    formatted: formatting a datetime per row would cost more than inserting the row."""

    def __init__(self, today: date) -> None:
        self.base = today.toordinal() - 110 * 366
        self.today = today.toordinal() - self.base
        dates = [date.fromordinal(self.base + n) for n in range(self.today + 120)]
        self.day = [d.isoformat() for d in dates]
        self.day_at = [d + " " for d in self.day]
        self.cn_day = [f"{d.year}年{d.month}月{d.day}日" for d in dates]
        self.ymd = [d.replace("-", "") for d in self.day]
        self.clock = [
            f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000"
            for s in range(SECONDS_PER_DAY)
        ]

    def at(self, day: int, local_second: int) -> str:
        """UTC text of a moment given as a day and a second of Beijing local time."""
        utc = local_second - _CST
        if utc < 0:
            return self.day_at[day - 1] + self.clock[utc + SECONDS_PER_DAY]
        return self.day_at[day] + self.clock[utc]
