"""Every phrasing of every shipped fact, asked as a fan would: what comes back never
opens with a bare yes/no, and never cites a spoiler source unless it is a spoiler."""

from __future__ import annotations

from bot.kb.loader import BARE_YES_NO
from bot.kb.model import KnowledgeBase
from bot.qa.answer import Outcome
from bot.qa.engine import Engine


def test_no_phrasing_gets_a_bare_yes_or_no_or_a_spoiler_citation_in_the_clear(
    shipped_kb: KnowledgeBase, shipped_engine: Engine
) -> None:
    assert any(s.spoiler for s in shipped_kb.sources.values())  # the rule has work to do
    wrong: list[str] = []
    for fact in shipped_kb.facts.values():
        for phrasing in fact.questions:
            answer = shipped_engine.answer(phrasing)
            if answer.outcome is not Outcome.ANSWER:
                continue
            if BARE_YES_NO.match(answer.text):
                wrong.append(f"{phrasing!r}: opens with yes/no")
            if not answer.spoiler and any(s.spoiler for s in answer.citations):
                wrong.append(f"{phrasing!r}: cites a spoiler source outside spoiler tags")
    assert wrong == []
