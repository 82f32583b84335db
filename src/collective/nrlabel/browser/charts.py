"""Server-side charts, readable at 1280 and at 390 px, with no JavaScript.

Bars are HTML: each row's label and value are real page text that wraps, reads
at the page's font size and is what a screen reader announces; only the bar
itself is drawn (a decorative span whose width is the value). An SVG scales its
text with the picture, so 560 units of labels shrank to 7 px on a phone and long
titles had to be cut: HTML has neither problem.

The radar stays SVG (a shape needs drawing) but carries only theme codes, on a
view box no wider than a phone's content column, so its text never renders below
``MIN_TEXT_PX``; the full theme names and scores are an HTML legend under it.
"""

from html import escape

import math


# The width a chart gets on a 390 px phone (the content column less Plone's
# collapsed toolbar and gutters: 306 px), and the smallest text it may render.
PHONE_CHART_PX = 300
MIN_TEXT_PX = 12
RADAR_WIDTH, RADAR_RADIUS, RADAR_FONT = 320, 105, 15


def bar_chart(chart_id, title, rows, maximum=100, unit="%"):
    """A figure of horizontal bars; ``rows`` are (label, value or None) or
    (label, value, detail), a label being text or a (code, title) pair."""
    items = []
    for row in rows:
        label, value = row[0], row[1]
        detail = row[2] if len(row) > 2 else ""
        share = 0 if value is None else max(0, min(value, maximum)) * 100 / maximum
        shown = _fmt(value, unit) + (f" ({detail})" if detail else "")
        items.append(
            '<li class="nr-bar-row">'
            f'<span class="nr-bar-label">{_label_html(label)}</span>'
            '<span class="nr-bar-track" aria-hidden="true">'
            f'<span class="nr-bar-fill" style="width:{share:.1f}%"></span></span>'
            f'<span class="nr-bar-value">{escape(shown)}</span>'
            "</li>"
        )
    return (
        f'<figure class="nr-chart nr-bars" id="{escape(chart_id)}">'
        f'<figcaption id="{escape(chart_id)}-title">{escape(title)}</figcaption>'
        f'<ul class="nr-bar-list" aria-labelledby="{escape(chart_id)}-title">'
        + "".join(items)
        + "</ul></figure>"
    )


def radar_chart(chart_id, title, axes, maximum=1000):
    """A figure: a polygon of the scores, theme codes on the axes, and a legend
    giving each code's full title and score. ``axes`` are (label, value or None),
    a label being a (code, title) pair or "code title" text."""
    axes = [(_split(label), value) for label, value in axes]
    count = max(len(axes), 3)
    centre_x, radius = RADAR_WIDTH / 2, RADAR_RADIUS
    centre_y, height = _radar_frame(count)

    def point(index, fraction):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return (
            centre_x + radius * fraction * math.cos(angle),
            centre_y + radius * fraction * math.sin(angle),
        )

    def polygon(points):
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)

    cid = escape(chart_id)
    described = "; ".join(
        f"{code} {name}: {_fmt(value, f'/{maximum}')}" for (code, name), value in axes
    )
    parts = [
        f'<figure class="nr-chart nr-radar" id="{cid}-figure">',
        f'<figcaption id="{cid}-caption">{escape(title)}</figcaption>',
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{cid}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" '
        f'viewBox="0 0 {RADAR_WIDTH} {height:.0f}" width="100%" '
        'preserveAspectRatio="xMidYMid meet">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(described)}</desc>',
    ]
    for ring in (0.25, 0.5, 0.75, 1):
        ring_points = polygon(point(i, ring) for i in range(count))
        parts.append(f'<polygon points="{ring_points}" fill="none" stroke="#adb5bd"/>')
    for index in range(count):
        x, y = point(index, 1)
        parts.append(
            f'<line x1="{centre_x}" y1="{centre_y}" x2="{x:.1f}" y2="{y:.1f}" '
            'stroke="#ced4da"/>'
        )
    shape = [point(i, (value or 0) / maximum) for i, (_l, value) in enumerate(axes)]
    parts.append(
        f'<polygon points="{polygon(shape)}" fill="#1e6b52" fill-opacity="0.3" '
        'stroke="#1e6b52" stroke-width="2"/>'
    )
    parts += [
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1e6b52"/>' for x, y in shape
    ]
    for index, ((code, _name), _value) in enumerate(axes):
        x, y = point(index, 1.13)
        parts.append(
            f'<text x="{x:.1f}" y="{y + RADAR_FONT / 3:.1f}" font-size="{RADAR_FONT}" '
            f'font-weight="700" text-anchor="middle" fill="#212529">{escape(code)}</text>'
        )
    parts.append("</svg>")
    parts.append(_legend(axes, maximum))
    parts.append("</figure>")
    return "".join(parts)


def _radar_frame(count):
    """The centre's height and the view box's height that fit the codes above the
    top axis and below the lowest one, and nothing more (no empty band)."""
    sines = [math.sin(-math.pi / 2 + 2 * math.pi * i / count) for i in range(count)]
    reach = RADAR_RADIUS * 1.13
    centre_y = -min(sines) * reach + RADAR_FONT
    return centre_y, centre_y + max(sines) * reach + RADAR_FONT


def _legend(axes, maximum):
    """The radar's codes with their full titles and scores, as page text."""
    items = "".join(
        f'<li><span class="nr-code">{escape(code)}</span> '
        f'<span class="nr-radar-name">{escape(name)}</span> '
        f'<span class="nr-radar-score">{escape(_fmt(value, f" / {maximum}"))}</span>'
        "</li>"
        for (code, name), value in axes
    )
    return f'<ul class="nr-radar-legend">{items}</ul>'


def _label_html(label):
    code, name = _split(label)
    if not code:
        return escape(name)
    return f'<span class="nr-code">{escape(code)}</span> {escape(name)}'


def _split(label):
    """(code, title) from a pair, or from "code title" text."""
    if isinstance(label, tuple | list):
        return str(label[0]), str(label[1])
    code, _sep, name = str(label).partition(" ")
    return (code, name) if name else ("", code)


def _fmt(value, unit):
    if value is None:
        return "—"
    # A plain space: the value's cell never wraps (white-space in nrlabel.css).
    return f"{value} {unit}" if unit == "%" else f"{value}{unit}"
