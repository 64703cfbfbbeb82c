"""Charts drawn on the server as SVG: geometry computed here, markup in
`templates/web/charts/`. No script, no inline style: colours and type come from the stylesheet
through class names, so the strict content security policy holds and the charts print."""

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import formats

BAR_HEIGHT = 22
BAR_GAP = 10
LABEL_WIDTH = 220
VALUE_WIDTH = 120
CHART_WIDTH = 720
AXIS_HEIGHT = 24
COLUMN_CHART_HEIGHT = 220
# Labels wrap rather than being cut: at most this many characters a line, which at the chart's
# 13px type stays inside `LABEL_WIDTH` even for wide letters; each line takes `LINE_HEIGHT`.
LABEL_LINE_CHARACTERS = 24
LINE_HEIGHT = 16
# A bar for 0 (or a value too small to see) is still drawn this wide, so a row reads "0 %" next to
# a visible mark rather than next to nothing.
MIN_BAR_WIDTH = 3.0


@dataclass(frozen=True)
class BarRow:
    """One bar: `value` sets its length; `marker`, if any, draws a tick (a 90th percentile)."""

    label: str
    value: float
    value_label: str
    marker: float | None = None
    marker_label: str = ""
    emphasis: bool = False


def wrap_label(text: str, width: int = LABEL_LINE_CHARACTERS) -> list[str]:
    """A label as the lines it is drawn on: broken between words, and inside a word only when
    the word alone is longer than a line. Nothing is left out; the full text is also the tooltip."""
    return textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=True) or [""]


@dataclass(frozen=True)
class LabelLine:
    text: str
    y: float


@dataclass(frozen=True)
class Bar:
    label: str
    label_lines: list[LabelLine]
    value_label: str
    y: float
    text_y: float
    width: float
    marker_x: float | None
    marker_label: str
    emphasis: bool

    @property
    def marker_top(self) -> float:
        return self.y - 4

    @property
    def marker_bottom(self) -> float:
        return self.y + BAR_HEIGHT + 4


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class HorizontalBarChart:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    plot_x: int
    plot_width: int
    value_x: int
    axis_y: float
    bars: list[Bar]
    ticks: list[Tick]
    legend: str
    bar_height: int = BAR_HEIGHT

    @property
    def label_x(self) -> int:
        return self.plot_x - 8

    @property
    def tick_label_y(self) -> float:
        return self.axis_y + 16


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `value`, so an axis
    ends on a round number."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _tick_label(value: float, unit: str) -> str:
    """`2.5 h` in English, `2,5 h` in Spanish: the language's decimal separator."""
    number = f"{value:g}".replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))
    return f"{number}{unit}"


def tick_count(scale_max: float, *, whole: bool) -> int:
    """How many intervals the axis gets: four, unless counts (`whole`) would then fall between
    whole numbers; a count axis up to 5 ticks every unit it can."""
    if not whole:
        return 4
    for intervals in (4, 5, 2, 1):
        if (scale_max / intervals).is_integer():
            return intervals
    return 1


def horizontal_bars(
    *,
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[BarRow],
    unit: str = "",
    maximum: float | None = None,
    legend: str = "",
    whole: bool = False,
) -> HorizontalBarChart:
    """Bars for `rows`; `whole` when the values are counts, so the axis ticks whole numbers."""
    top = max([row.value for row in rows] + [row.marker or 0 for row in rows] + [0])
    scale_max = maximum if maximum is not None else nice_ceiling(top)
    intervals = tick_count(scale_max, whole=whole)
    plot_x = LABEL_WIDTH
    plot_width = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    top_of_row = float(BAR_GAP)
    for row in rows:
        lines = wrap_label(row.label)
        row_height = max(BAR_HEIGHT, len(lines) * LINE_HEIGHT)
        # The bar sits in the middle of its row; the label's lines are centred on the bar.
        y = top_of_row + (row_height - BAR_HEIGHT) / 2
        middle = y + BAR_HEIGHT / 2
        first_line = middle - (len(lines) - 1) * LINE_HEIGHT / 2 + 5
        bars.append(
            Bar(
                label=row.label,
                label_lines=[
                    LabelLine(text=line, y=first_line + number * LINE_HEIGHT)
                    for number, line in enumerate(lines)
                ],
                value_label=row.value_label,
                y=y,
                text_y=middle + 5,
                width=max(plot_width * min(max(row.value, 0), scale_max) / scale_max, MIN_BAR_WIDTH),
                marker_x=(
                    plot_x + plot_width * min(row.marker, scale_max) / scale_max
                    if row.marker is not None
                    else None
                ),
                marker_label=row.marker_label,
                emphasis=row.emphasis,
            )
        )
        top_of_row += row_height + BAR_GAP
    axis_y = top_of_row
    ticks = [
        Tick(x=plot_x + plot_width * step / intervals, label=_tick_label(scale_max * step / intervals, unit))
        for step in range(intervals + 1)
    ]
    return HorizontalBarChart(
        chart_id=chart_id,
        title=title,
        description=description,
        width=CHART_WIDTH,
        height=int(axis_y + AXIS_HEIGHT),
        plot_x=plot_x,
        plot_width=plot_width,
        value_x=CHART_WIDTH - VALUE_WIDTH + 8,
        axis_y=axis_y,
        bars=bars,
        ticks=ticks,
        legend=legend,
    )


@dataclass(frozen=True)
class Column:
    label: str
    value_label: str
    x: float
    y: float
    width: float
    height: float
    center_x: float
    value_y: float


@dataclass(frozen=True)
class ColumnChart:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    baseline_y: float
    label_y: float
    columns: list[Column]


def columns(*, chart_id: str, title: str, description: str, values: Sequence[tuple[str, int]]) -> ColumnChart:
    """A column per (label, count), on a shared baseline; a 0 is a visible stub."""
    top = nice_ceiling(max([value for _, value in values] + [0]))
    plot_top = 24.0
    baseline = COLUMN_CHART_HEIGHT - 40.0
    slot = CHART_WIDTH / max(len(values), 1)
    width = slot * 0.6
    drawn = []
    for index, (label, value) in enumerate(values):
        height = max((baseline - plot_top) * value / top, MIN_BAR_WIDTH)
        x = index * slot + (slot - width) / 2
        drawn.append(
            Column(
                label=label,
                value_label=str(value),
                x=x,
                y=baseline - height,
                width=width,
                height=height,
                center_x=x + width / 2,
                value_y=baseline - height - 6,
            )
        )
    return ColumnChart(
        chart_id=chart_id,
        title=title,
        description=description,
        width=CHART_WIDTH,
        height=COLUMN_CHART_HEIGHT,
        baseline_y=baseline,
        label_y=baseline + 20,
        columns=drawn,
    )
