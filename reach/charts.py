"""Geometry of the dashboard's charts, drawn as SVG by the templates (no JavaScript).

* Bars: one row per bucket and one column per degree, each column on its own scale (a
  3rd degree is a hundred times a 1st; one scale would flatten the others). The darker
  part of a bar is the share reachable through active brokers; the numbers stand beside
  every bar, and every bar is a link to the people it counts.
* Growth: one small area chart per degree from the daily history rows.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma

from reach.compute import DEGREE_NAMES
from reach.models import ReachHistory

ORDINALS = ("1st", "2nd", "3rd")

# Bar chart layout, in SVG user units (the chart scales to its container).
WIDTH = 760
LABEL_WIDTH = 200
COLUMN_WIDTH = (WIDTH - LABEL_WIDTH) // 3
BAR_MAX = 96
HEADER = 28
ROW = 30
BAR_HEIGHT = 16
LABEL_CHARS = 24
ROWS_SHOWN = 15


def _n(value: int) -> str:
    return str(intcomma(value))


@dataclass
class Bar:
    degree: int
    count: int
    reachable: int | None  # None at the 1st degree: no broker needed
    x: float
    width: float
    reach_width: float
    text_x: float
    text: str
    label: str  # for screen readers and the tooltip
    url: str | None  # the people in it; None when there are none


@dataclass
class BarRow:
    label: str
    short_label: str
    y: float
    bars: list[Bar] = field(default_factory=list)

    @property
    def bar_y(self) -> float:
        return self.y + (ROW - BAR_HEIGHT) / 2

    @property
    def text_y(self) -> float:
        return self.y + ROW / 2 + 4


@dataclass
class Column:
    title: str
    x: float


@dataclass
class BarChart:
    rows: list[BarRow]
    columns: list[Column]
    width: int
    height: int
    hidden_rows: int  # buckets stored but not drawn
    row_height: int = ROW
    bar_height: int = BAR_HEIGHT
    header: int = HEADER
    label_x: int = LABEL_WIDTH - 10


def bar_chart(
    buckets: Sequence[dict[str, Any]],
    *,
    url_for: Callable[[str, int], str],
    noun: str = "people",
    singular: str = "person",
    rows_shown: int = ROWS_SHOWN,
) -> BarChart:
    """Bars for the first `rows_shown` buckets (as sorted by the summary).

    url_for(value, degree) gives the link to a bucket's people at a degree.
    """
    shown = list(buckets[:rows_shown])
    scale = [max((b[name] for b in shown), default=0) or 1 for name in DEGREE_NAMES]
    rows: list[BarRow] = []
    for index, bucket in enumerate(shown):
        label = str(bucket["label"]) or str(bucket["value"])
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"
        row = BarRow(label=label, short_label=short, y=HEADER + index * ROW)
        for d, name in enumerate(DEGREE_NAMES):
            count = int(bucket[name])
            reachable = None if d == 0 else int(bucket[f"{name}_reachable"])
            x = LABEL_WIDTH + d * COLUMN_WIDTH
            width = round(BAR_MAX * count / scale[d], 1) if count else 0.0
            reach_width = round(BAR_MAX * reachable / scale[d], 1) if reachable else 0.0
            text = _n(count) if reachable is None or not count else f"{_n(count)} ({_n(reachable)})"
            who = noun if count != 1 else singular
            spoken = f"{label}: {_n(count)} {who} at the {ORDINALS[d]} degree"
            if reachable is not None:
                spoken += f", {_n(reachable)} reachable through active brokers"
            row.bars.append(
                Bar(
                    degree=d + 1,
                    count=count,
                    reachable=reachable,
                    x=x,
                    width=width,
                    reach_width=reach_width,
                    text_x=x + width + 6,
                    text=text,
                    label=spoken,
                    url=url_for(str(bucket["value"]), d + 1) if count else None,
                )
            )
        rows.append(row)
    columns = [
        Column(title=f"{ORDINALS[d]} degree", x=LABEL_WIDTH + d * COLUMN_WIDTH) for d in range(3)
    ]
    return BarChart(
        rows=rows,
        columns=columns,
        width=WIDTH,
        height=HEADER + max(len(rows), 1) * ROW + 4,
        hidden_rows=max(0, len(buckets) - len(shown)),
    )


# -- growth over time --------------------------------------------------------------------

G_WIDTH = 240
G_HEIGHT = 120
G_TOP = 12
G_BOTTOM = 96  # the plot's baseline; dates below it
G_LEFT = 4
G_RIGHT = G_WIDTH - 4


@dataclass
class Sparkline:
    title: str
    latest: int
    change: int  # latest minus first
    line: str  # SVG path
    area: str
    end_x: float
    end_y: float
    low: int
    high: int
    first_day: date
    last_day: date
    label: str
    width: int = G_WIDTH
    height: int = G_HEIGHT
    baseline: int = G_BOTTOM
    top: int = G_TOP

    @property
    def change_text(self) -> str:
        sign = "+" if self.change > 0 else ("−" if self.change < 0 else "±")
        return f"{sign}{_n(abs(self.change))}"


def growth_charts(history: Sequence[ReachHistory]) -> list[Sparkline]:
    """One area chart per degree; empty with fewer than two days of history."""
    if len(history) < 2:
        return []
    first_day, last_day = history[0].day, history[-1].day
    span = max((last_day - first_day).days, 1)
    charts = []
    for d, name in enumerate(DEGREE_NAMES):
        values = [int(getattr(row, name)) for row in history]
        low, high = min(values), max(values)
        # A flat series sits mid-height rather than on the floor.
        rng = high - low
        points = []
        for row, value in zip(history, values, strict=True):
            x = G_LEFT + (G_RIGHT - G_LEFT) * (row.day - first_day).days / span
            frac = (value - low) / rng if rng else 0.5
            y = G_BOTTOM - (G_BOTTOM - G_TOP) * frac
            points.append((round(x, 1), round(y, 1)))
        line = "M" + " L".join(f"{x},{y}" for x, y in points)
        area = f"{line} L{points[-1][0]},{G_BOTTOM} L{points[0][0]},{G_BOTTOM} Z"
        title = "Connections" if d == 0 else f"{ORDINALS[d]} degree"
        change = values[-1] - values[0]
        charts.append(
            Sparkline(
                title=title,
                latest=values[-1],
                change=change,
                line=line,
                area=area,
                end_x=points[-1][0],
                end_y=points[-1][1],
                low=low,
                high=high,
                first_day=first_day,
                last_day=last_day,
                label=(
                    f"{title}: {_n(values[0])} on {first_day:%-d %b %Y}, {_n(values[-1])} on"
                    f" {last_day:%-d %b %Y} (lowest {_n(low)}, highest {_n(high)})"
                ),
            )
        )
    return charts
