"""A guild's view layered on the shared engine answers exactly as a full rebuild would."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.kb.model import Fact, KnowledgeBase
from bot.qa.engine import Engine
from bot.qa.evaluation import load_items, load_split

EVAL = Path(__file__).resolve().parents[1] / "eval"


def with_facts(kb: KnowledgeBase, facts: dict[str, Fact]) -> KnowledgeBase:
    """The same knowledge base with another set of facts."""
    return dataclasses.replace(kb, facts=facts)


def guild_edits(
    kb: KnowledgeBase, seed: int
) -> tuple[KnowledgeBase, tuple[Fact, ...], frozenset[str]]:
    """A moderator's day: facts reworded, facts added, facts retired."""
    facts = dict(kb.facts)
    ids = sorted(facts)
    changed: list[Fact] = []
    for fact_id in ids[seed::37][:4]:  # reworded, with a new phrasing
        fact = facts[fact_id]
        new = dataclasses.replace(
            fact,
            alternates=(*fact.alternates, f"tell me about {fact.question.lower()}"),
            answer=fact.answer + " Moderators added this note.",
        )
        facts[fact_id] = new
        changed.append(new)
    for n in range(4):  # new facts, some sharing words with the base, one with new words
        source = facts[ids[(seed * 7 + n * 13) % len(ids)]]
        new = Fact(
            id=f"guild-{seed}-{n}",
            question=f"What did the watch party think of {source.question.lower()}",
            answer=f"Our server's watch party voted on it ({n}); zanzibar quokka.",
            sources=source.sources,
            entities=source.entities,
            tags=("server",),
        )
        facts[new.id] = new
        changed.append(new)
    removed = frozenset(i for i in ids[seed + 5 :: 41][:3] if facts[i] not in changed)
    for fact_id in removed:
        del facts[fact_id]
    return with_facts(kb, facts), tuple(changed), removed


def questions() -> list[str]:
    items = [*load_split(EVAL / "tune"), *load_split(EVAL / "heldout")]
    dev = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.yaml"
    if dev.exists():
        items += load_items(dev)
    return [i.question for i in items] + ["what did the watch party think", "zanzibar quokka"]


@pytest.mark.parametrize("seed", [1, 2])
def test_a_guild_view_answers_as_a_full_rebuild(shipped_kb: KnowledgeBase, seed: int) -> None:
    merged, changed, removed = guild_edits(shipped_kb, seed)
    view = Engine(shipped_kb).layered(merged, changed, removed)
    rebuilt = Engine(merged)
    assert view.index.size == rebuilt.index.size
    different = [q for q in questions() if view.answer(q).to_json() != rebuilt.answer(q).to_json()]
    assert different == []


def test_layers_stack_like_a_shared_edit_under_a_guild(shipped_kb: KnowledgeBase) -> None:
    shared, shared_changed, shared_removed = guild_edits(shipped_kb, 3)
    guild, guild_changed, guild_removed = guild_edits(shared, 4)
    stacked = (
        Engine(shipped_kb)
        .layered(shared, shared_changed, shared_removed)
        .layered(guild, guild_changed, guild_removed)
    )
    rebuilt = Engine(guild)
    for question in questions()[::3]:
        assert stacked.answer(question).to_json() == rebuilt.answer(question).to_json(), question


def test_a_view_hides_retired_facts_and_shares_the_base(shipped_kb: KnowledgeBase) -> None:
    base = Engine(shipped_kb)
    merged, changed, removed = guild_edits(shipped_kb, 1)
    view = base.layered(merged, changed, removed)
    assert removed and not removed & set(view.index.facts)
    assert {f.id for f in changed} <= set(view.index.facts)
    assert view.analyser._base is base.analyser  # the known-word tables are shared
    assert view.index.aliases is base.index.aliases  # names are the shared base's
    suggested = {q for _, q in view.suggest_tiers("", limit=1000)}
    assert not {shipped_kb.facts[i].question for i in removed} & suggested
