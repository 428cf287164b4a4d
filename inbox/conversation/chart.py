"""Geometry of the small frustration chart (drawn as inline SVG by the template).

Pure function: numbers in, coordinates out; the template escapes everything it prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Drawn at about its own size in the 300 px context sidebar: labels stay readable.
WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_Y = 320, 150, 34, 12, 16


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    turn: int
    score: float
    level: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[Point]
    polyline: str
    gridlines: list[tuple]  # (y, label)
    x_labels: list[tuple]  # (x, label)


def frustration_chart(timeline: Any) -> Chart:
    """Scale ``[{"turn", "score", "level"}]`` into the chart box; bad entries are skipped."""
    rows: list[tuple[int, float, str]] = []
    for item in timeline if isinstance(timeline, list) else []:
        try:
            score = min(1.0, max(0.0, float(item.get("score", 0))))
            turn = int(item.get("turn", len(rows) + 1))
        except (AttributeError, TypeError, ValueError):
            continue
        level = str(item.get("level") or "calm")
        rows.append((turn, score, level if level in ("calm", "annoyed", "frustrated") else "calm"))
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - 2 * PAD_Y
    n = len(rows)
    points = []
    for i, (turn, score, level) in enumerate(rows):
        x = PAD_LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)
        y = PAD_Y + plot_h * (1 - score)
        points.append(Point(round(x, 1), round(y, 1), turn, score, level))
    grid = [(round(PAD_Y + plot_h * (1 - v), 1), f"{v:.1f}") for v in (0.0, 0.5, 1.0)]
    step = max(1, n // 8)
    x_labels = [(p.x, str(p.turn)) for i, p in enumerate(points) if i % step == 0 or i == n - 1]
    return Chart(WIDTH, HEIGHT, points, " ".join(f"{p.x},{p.y}" for p in points), grid, x_labels)
