"""Server-drawn bar charts as inline SVG: no script, no style attributes (the CSP forbids
both), every text escaped. The viewBox scales the chart to the screen's width."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 600, 220
LEFT, RIGHT, TOP, BOTTOM = 8, 8, 32, 40


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[Decimal | float | None],
    *,
    value_text: Sequence[str],
    maximum: float | None = None,
    top_text: str = "",
    css_class: str = "money-chart",
) -> SafeString:
    """One bar per label; `value_text` is each bar's tooltip (<title>). None draws no bar."""
    numbers = [float(v) if v is not None else None for v in values]
    top = maximum or max((v for v in numbers if v is not None), default=0) or 1
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    plot = HEIGHT - TOP - BOTTOM
    every = max(1, len(labels) // 8)  # label at most ~8 bars, readable on a phone
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" class="{escape(css_class)}" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="20" font-size="18" fill="currentColor">{escape(title)}</text>',
        f'<text x="{WIDTH - RIGHT}" y="20" font-size="16" text-anchor="end" '
        f'fill="currentColor">{escape(top_text)}</text>',
        f'<line x1="{LEFT}" y1="{TOP + plot}" x2="{WIDTH - RIGHT}" y2="{TOP + plot}" '
        'stroke="#888" stroke-width="1"/>',
    ]
    for index, (label, number, text) in enumerate(zip(labels, numbers, value_text, strict=True)):
        x = LEFT + index * slot
        if number is not None:
            height = max(plot * number / top, 1 if number else 0)
            parts.append(
                f'<rect x="{x + slot * 0.1:.1f}" y="{TOP + plot - height:.1f}" '
                f'width="{slot * 0.8:.1f}" height="{height:.1f}" fill="#2b7bb9">'
                f"<title>{escape(label)}: {escape(text)}</title></rect>"
            )
        if index % every == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 20}" font-size="16" '
                f'text-anchor="middle" fill="currentColor">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (built above from escaped text only)


def period_charts(figures) -> list[SafeString]:
    """Volume and success rate per hour (today) or per day, from MoneyFigures.series."""
    hourly = figures.period == "today"
    labels = [p.start.strftime("%H" if hourly else "%d %b") for p in figures.series]
    unit = "hour" if hourly else "day"
    volumes = [p.volume for p in figures.series]
    rates = [None if p.success_rate is None else 100 * p.success_rate for p in figures.series]
    return [
        bar_chart(
            f"Successful volume per {unit} (BDT)",
            labels,
            volumes,
            value_text=[f"৳{v:,.2f}" for v in volumes],
            top_text=f"max ৳{max(volumes, default=0):,.0f}",
        ),
        bar_chart(
            f"Success rate per {unit} (%)",
            labels,
            rates,
            value_text=["no final orders" if r is None else f"{r:.1f}%" for r in rates],
            maximum=100,
            top_text="100%",
        ),
    ]
