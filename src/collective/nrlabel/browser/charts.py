"""Server-side SVG charts: no JavaScript, with a title and description for screen
readers (the dashboard also shows the same numbers as a table)."""

from html import escape

import math


def bar_chart(chart_id, title, rows, maximum=100, unit="%"):
    """Horizontal bars; ``rows`` are (label, value or None)."""
    bar_height, gap, label_width, width = 22, 8, 260, 560
    height = len(rows) * (bar_height + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="nr-chart" id="{chart_id}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">'
        + escape("; ".join(f"{label}: {_fmt(value, unit)}" for label, value in rows))
        + "</desc>",
    ]
    for index, (label, value) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        length = (
            0
            if value is None
            else (width - label_width - 60) * min(value, maximum) / maximum
        )
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end" '
            f'font-size="12">{escape(_short(label))}</text>'
            f'<rect x="{label_width}" y="{y}" width="{width - label_width - 60}" '
            f'height="{bar_height}" fill="#e9ecef"/>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="#1e6b52"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 15}" font-size="12">'
            f"{escape(_fmt(value, unit))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def radar_chart(chart_id, title, axes, maximum=1000):
    """A polygon per theme score; ``axes`` are (label, value or None)."""
    size, radius = 560, 150
    centre = size / 2
    count = max(len(axes), 3)

    def point(index, fraction):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return centre + radius * fraction * math.cos(
            angle
        ), centre + radius * fraction * math.sin(angle)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="nr-chart" id="{chart_id}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {size} {size}" width="100%" style="max-width:{size}px">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">'
        + escape("; ".join(f"{label}: {_fmt(value, '/1000')}" for label, value in axes))
        + "</desc>",
    ]
    for ring in (0.25, 0.5, 0.75, 1):
        ring_points = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(count))
        )
        parts.append(f'<polygon points="{ring_points}" fill="none" stroke="#ced4da"/>')
    for index, (label, _value) in enumerate(axes):
        x, y = point(index, 1.18)
        parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" text-anchor="middle">'
            f"{escape(_short(label, 30))}</text>"
        )
    shape = " ".join(
        f"{x:.1f},{y:.1f}"
        for x, y in (
            point(i, (value or 0) / maximum) for i, (_label, value) in enumerate(axes)
        )
    )
    parts.append(
        f'<polygon points="{shape}" fill="#1e6b52" fill-opacity="0.35" stroke="#1e6b52"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value, unit):
    return "—" if value is None else f"{value}{unit}"


def _short(text, length=40):
    return text if len(text) <= length else text[: length - 1] + "…"
