"""Bar charts drawn on the server as SVG: no script, nothing fetched, the same in a PDF.

Numbers are written in the reader's language (django.utils.formats), labels are
escaped, and a label too long for its column wraps on two lines and is then cut,
with the full text in a <title> (a tooltip). Each chart is role="img" with a
sentence summarising it; the page puts the same figures in a table for screen
readers. Colours are presentation attributes, not style attributes, which the
Content-Security-Policy forbids.
"""

import textwrap

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 600
LABEL_WIDTH = 190  # the labels' column, right-aligned against the bars
BAR_X = 200
BAR_MAX = 270  # leaves room for "10.000 (100 %)" after the longest bar
ROW = 26
LINE = 13
CHARS = 27  # what fits on one line of the labels' column at 12 px
TEXT = "#1f2328"
BAR = "#2f6fca"
GROUPS = {"detractor": "#c0392b", "passive": "#8a8f98", "promoter": "#1e8449"}


def count(value: int) -> str:
    return number_format(value, force_grouping=True)


def decimal(value: float, places: int = 1) -> str:
    return number_format(round(value, places), places, force_grouping=True)


def percent(value: float) -> str:
    # Spanish and French put a space before the sign, English and Portuguese do not.
    return _("%(number)s%%") % {"number": number_format(round(value), 0)}


def figure(bar_count: int, bar_percent: float) -> str:
    return f"{count(bar_count)} ({percent(bar_percent)})"


def _label_lines(label: str) -> list[str]:
    lines = textwrap.wrap(label, CHARS, break_long_words=True) or [""]
    if len(lines) > 2:
        lines = [lines[0], lines[1][: CHARS - 1].rstrip() + "…"]
    return lines


def _svg(height: int, summary: str, body: list[str]) -> SafeString:
    summary = escape(summary)
    # Every text put in `body` and `summary` is escaped where it is written.
    return mark_safe(  # noqa: S308
        f'<svg xmlns="http://www.w3.org/2000/svg" class="results-chart" role="img" '
        f'aria-label="{summary}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12" '
        f'fill="{TEXT}"><title>{summary}</title>' + "".join(body) + "</svg>"
    )


def bar_chart(bars, *, summary: str) -> SafeString:
    """Horizontal bars, one a row: `bars` have label, count, percent and maybe a group."""
    bars = list(bars)
    highest = max((bar.count for bar in bars), default=0) or 1
    body, y = [], 6
    for bar in bars:
        lines = _label_lines(bar.label)
        height = ROW if len(lines) == 1 else ROW + LINE
        first = y + height / 2 + 4 - (LINE / 2 if len(lines) > 1 else 0)
        texts = "".join(
            f'<text x="{LABEL_WIDTH}" y="{first + i * LINE:g}" text-anchor="end">'
            f"{escape(line)}</text>"
            for i, line in enumerate(lines)
        )
        body.append(f"<g><title>{escape(bar.label)}</title>{texts}</g>")
        length = round(BAR_MAX * bar.count / highest, 1)
        colour = GROUPS.get(getattr(bar, "group", ""), BAR)
        body.append(
            f'<rect x="{BAR_X}" y="{y + (height - 16) / 2:g}" width="{length:g}" height="16" '
            f'rx="2" fill="{colour}"/>'
        )
        body.append(
            f'<text x="{BAR_X + length + 6:g}" y="{y + height / 2 + 4:g}">'
            f"{escape(figure(bar.count, bar.percent))}</text>"
        )
        y += height
    return _svg(y + 6, summary, body)


def nps_chart(nps, *, summary: str) -> SafeString:
    """One bar split into detractors, passives and promoters, with its legend below."""
    parts = [
        ("detractor", _("Detractors (0-6)"), nps.detractors),
        ("passive", _("Passives (7-8)"), nps.passives),
        ("promoter", _("Promoters (9-10)"), nps.promoters),
    ]
    body, x, full = [], 0.0, WIDTH - 12
    for group, label, part in parts:
        length = full * part / nps.total if nps.total else 0
        if length:
            body.append(
                f'<rect x="{6 + x:g}" y="6" width="{length:g}" height="22" fill="{GROUPS[group]}">'
                f"<title>{escape(label)}: {escape(figure(part, nps.share(part)))}</title></rect>"
            )
        x += length
    y = 50
    for group, label, part in parts:
        body.append(f'<rect x="6" y="{y - 10}" width="12" height="12" fill="{GROUPS[group]}"/>')
        body.append(
            f'<text x="24" y="{y}">{escape(label)}: {escape(figure(part, nps.share(part)))}</text>'
        )
        y += 20
    return _svg(y - 4, summary, body)


def _listed(rows) -> str:
    return "; ".join(f"{label}: {value}" for label, value in rows)


def question_chart(result) -> SafeString | None:
    """The chart of a question's result (results.QuestionResult), if its kind has one."""
    if result.kind == "nps" and result.answered:
        nps = result.nps
        summary = _("Net Promoter Score %(score)s for “%(question)s”: %(figures)s.") % {
            "score": nps.score,
            "question": result.label,
            "figures": _listed(result.nps_figures),
        }
        return nps_chart(nps, summary=summary)
    if result.kind in ("choice", "rating") and result.answered:
        summary = _("Answers to “%(question)s”: %(figures)s.") % {
            "question": result.label,
            "figures": _listed(result.figures),
        }
        return bar_chart(result.bars, summary=summary)
    return None


def distribution_chart(result) -> SafeString | None:
    """An NPS question's answers from 0 to 10, coloured by group."""
    if result.kind != "nps" or not result.answered:
        return None
    summary = _("Answers to “%(question)s”: %(figures)s.") % {
        "question": result.label,
        "figures": _listed(result.figures),
    }
    return bar_chart(result.bars, summary=summary)
