"""The dashboard's charts: SVG drawn on the server by pygal and put inline in the page,
so the admin loads no chart script and asks no other site for anything.

pygal's default output links its tooltip script from a third-party address (`js=()`
leaves it out) and always writes an inline script with its configuration, which only
that tooltip script reads: it is taken out of the drawing, so the chart is a static
picture with no script at all (the CSV beside it carries the exact numbers).
"""

from __future__ import annotations

from datetime import date

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.etree import etree
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#333",
    foreground_strong="#111",
    foreground_subtle="#888",
    colors=("#2e6b8a",),
    font_family="system-ui, sans-serif",
)


def views_chart(series: list[tuple[date, int]], *, title: str) -> SafeString:
    """A line of views per day; at most about a dozen date labels whatever the span."""
    chart = pygal.Line(
        js=(),
        style=STYLE,
        title=title,
        show_legend=False,
        show_dots=len(series) <= 62,
        fill=True,
        width=900,
        height=320,
        x_label_rotation=0,
        show_minor_x_labels=False,
        truncate_label=-1,
        disable_xml_declaration=True,
        no_data_text="No views in this period",
    )
    # "5 Nov", not "2026-11-05": a dozen ISO dates overlap at this width (the title
    # gives the span and its year; the CSV has full dates).
    chart.x_labels = [f"{day.day} {day:%b}" for day, _ in series]
    chart.x_labels_major = chart.x_labels[:: max(1, len(series) // 12)]
    chart.add("Views", [views for _, views in series])
    return static_svg(chart, title=title)


def static_svg(chart, *, title: str) -> SafeString:
    """A pygal chart as inline SVG with no script in it (see the module's docstring); the
    donations admin draws its money chart through this too."""
    drawing = chart.render_tree()
    drawing.set("role", "img")
    drawing.set("aria-label", title)
    for parent in list(drawing.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    # pygal's elements and escaping: the markup is its own, with no script in it.
    return mark_safe(etree.tostring(drawing, encoding="unicode"))  # noqa: S308
