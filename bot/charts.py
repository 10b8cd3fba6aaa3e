"""/kb stats as a picture: questions per day, outcomes, top questions and feedback.

Drawn with matplotlib (the `charts` extra) off the event loop; without it /kb stats
is text only. The import happens here, on first use, so the bot does not pay for
matplotlib in memory unless a moderator asks for the chart.
"""

from __future__ import annotations

import io

from bot.i18n import Texts
from bot.storage.store import Usage

GOLD, BLUE, GREY, RED = "#c9a227", "#5865f2", "#99aab5", "#ed4245"


def usage_chart(usage: Usage, t: Texts) -> bytes | None:
    """A PNG of the usage figures, or None when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display: render to memory
        from matplotlib.figure import Figure
    except ImportError:
        return None
    figure = Figure(figsize=(11, 7), layout="constrained")
    per_day, outcomes, top, feedback = figure.subplots(2, 2).flat
    days = [d for d, *_ in usage.per_day]
    answered = [a for _, a, _, _ in usage.per_day]
    choices = [c for _, _, c, _ in usage.per_day]
    refused = [r for _, _, _, r in usage.per_day]
    per_day.bar(days, answered, color=GOLD, label=t("answered"))
    per_day.bar(days, choices, bottom=answered, color=BLUE, label=t("choices"))
    stacked = [a + c for a, c in zip(answered, choices, strict=True)]
    per_day.bar(days, refused, bottom=stacked, color=GREY, label=t("not answered"))
    per_day.set_title(t("Questions per day (last 30 days)"))
    per_day.tick_params(axis="x", labelrotation=60, labelsize=7)
    per_day.legend(fontsize=8)
    outcomes.bar(
        [t("answered"), t("choices"), t("not answered")],
        [usage.answers, usage.choices, usage.abstentions],
        color=[GOLD, BLUE, GREY],
    )
    outcomes.set_title(t("All questions"))
    questions = [_short(q) for q, _ in usage.top_questions][::-1]
    top.barh(questions, [n for _, n in usage.top_questions][::-1], color=GOLD)
    top.set_title(t("Most asked"))
    top.tick_params(axis="y", labelsize=7)
    facts = list(usage.feedback)[:10][::-1]
    helpful = [usage.feedback[f][0] for f in facts]
    wrong = [usage.feedback[f][1] for f in facts]
    feedback.barh(facts, helpful, color=GOLD, label=t("helpful"))
    feedback.barh(facts, [-w for w in wrong], color=RED, label=t("wrong"))
    feedback.set_title(t("Feedback per fact"))
    feedback.tick_params(axis="y", labelsize=7)
    feedback.legend(fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _short(question: str, limit: int = 40) -> str:
    return question if len(question) <= limit else question[: limit - 1] + "…"
