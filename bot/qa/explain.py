"""`--explain`: how a question was read, which facts were ranked and why, what was decided."""

from __future__ import annotations

from bot.qa.engine import Explanation

SHOWN_CANDIDATES = 5


def explanation_lines(explanation: Explanation) -> list[str]:
    """Plain text for a terminal: terms, the top candidates' features, the decision."""
    query, decision = explanation.query, explanation.decision
    lines = [f"question: {query.text!r}", f"asks for: {query.asks or 'anything'}", "terms:"]
    for term in query.terms:
        read = term.token if term.surface == term.token else f"{term.surface} -> {term.token}"
        state = "unknown" if not term.known else ("corrected" if term.confidence < 1 else "")
        detail = f" ({term.name_kind}: {', '.join(sorted(term.ids))})" if term.ids else ""
        lines.append(
            f"  {term.kind.value:<8} {read:<28} weight {term.weight:5.2f} {state}{detail}".rstrip()
        )
    lines.append(f"unknown share: {query.unknown_share:.2f}")
    lines.append("candidates:")
    if not explanation.ranked:
        lines.append("  (none)")
    for candidate in explanation.ranked[:SHOWN_CANDIDATES]:
        lines.append(
            f"  {candidate.key:<36} score {candidate.score:.3f}  phrasing {candidate.phrasing:.2f}"
            f"  coverage {candidate.coverage:.2f}  unexplained {candidate.unexplained:.2f}"
            f"  words {candidate.topic_words}  names {candidate.names}"
            f"  kind {'ok' if candidate.answers_kind else 'no'}"
        )
    if decision.features:
        contributions = ", ".join(
            f"{name} {value:.2f}" for name, value in decision.features.items()
        )
        lines.append(f"features of the best: {contributions}")
        lines.append(f"confidence: {decision.confidence:.3f}")
    lines.append(f"decision: {decision.outcome.value} ({decision.reason})")
    return lines
