"""Geometry of the analytics bar charts (drawn as inline SVG by ``_charts.html``).

Like ``inbox.conversation.chart``: numbers in, coordinates out, no markup here, so the template's
autoescaping covers every label. Two shapes: bars per day (stacked series) and
horizontal bars per category.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

DAY_W, DAY_H, PAD_L, PAD_R, PAD_T, PAD_B = 720, 200, 40, 10, 12, 26
# Narrow enough to show at natural size in half of the page (text stays 12 px).
H_LABEL_W, H_BAR_W, H_VALUE_W, H_ROW, H_PAD = 140, 220, 100, 26, 6


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 4, 6 or 8 × 10^k at or above ``value`` (at least 2), for axis
    tops of counts: even, so the middle gridline is a whole number too."""
    if value <= 2:
        return 2.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 4, 6, 8, 10):  # 1 × 10^k only for k ≥ 1 (value > 2): still even
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    css: str
    title: str


@dataclass(frozen=True)
class DayChart:
    width: int
    height: int
    rects: list[Rect]
    gridlines: list[tuple[float, str]]  # (y, label)
    x_labels: list[tuple[float, str]]  # (x, label)
    plot_left: int
    plot_right: int


@dataclass(frozen=True)
class Series:
    name: str
    css: str
    values: Sequence[int]


def day_chart(days: Sequence[date], series: Sequence[Series]) -> DayChart:
    """Stacked bars, one per day, bottom-up in the order of ``series``."""
    n = max(1, len(days))
    totals = [sum(s.values[i] for s in series) for i in range(len(days))]
    top = nice_ceiling(max(totals, default=0))
    plot_w, plot_h = DAY_W - PAD_L - PAD_R, DAY_H - PAD_T - PAD_B
    slot = plot_w / n
    bar_w = max(1.0, slot * 0.75)
    rects: list[Rect] = []
    for i, day in enumerate(days):
        x = PAD_L + i * slot + (slot - bar_w) / 2
        base: float = PAD_T + plot_h
        for s in series:
            value = s.values[i]
            if value <= 0:
                continue
            h = plot_h * value / top
            base -= h
            rects.append(
                Rect(
                    round(x, 1),
                    round(base, 1),
                    round(bar_w, 1),
                    round(h, 1),
                    s.css,
                    f"{day.strftime('%a %d %b')}: {value} {s.name}",
                )
            )
    grid = [(round(PAD_T + plot_h * (1 - f), 1), _number(top * f)) for f in (0.0, 0.5, 1.0)]
    step = max(1, math.ceil(n / 10))
    x_labels = [
        (round(PAD_L + i * slot + slot / 2, 1), d.strftime("%d %b"))
        for i, d in enumerate(days)
        if i % step == 0
    ]
    return DayChart(DAY_W, DAY_H, rects, grid, x_labels, PAD_L, DAY_W - PAD_R)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


@dataclass(frozen=True)
class HRow:
    label: str
    value_text: str
    y: float
    w: float
    css: str


@dataclass(frozen=True)
class HChart:
    width: int
    height: int
    rows: list[HRow]
    label_w: int
    bar_h: int


def hbar_chart(
    rows: Sequence[tuple[str, float | None, str, str]], top: float | None = None
) -> HChart:
    """Horizontal bars from ``(label, value, value_text, css)``; None draws no bar.

    ``top`` fixes the scale (e.g. 1.0 for scores); by default the largest value fills the width.
    """
    largest = max((v for _, v, _, _ in rows if v is not None), default=0.0)
    scale = top if top else (largest or 1.0)
    out = [
        HRow(
            label,
            text,
            H_PAD + i * H_ROW,
            round(H_BAR_W * min(1.0, (value or 0.0) / scale), 1) if value is not None else 0.0,
            css,
        )
        for i, (label, value, text, css) in enumerate(rows)
    ]
    return HChart(
        H_LABEL_W + H_BAR_W + H_VALUE_W, 2 * H_PAD + H_ROW * len(rows), out, H_LABEL_W, H_ROW - 8
    )
