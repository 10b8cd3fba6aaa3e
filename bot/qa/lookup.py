"""Direct look-ups that are not free-text questions: quotes by topic, cast, episodes.

Shared by the terminal chat and the Discord commands so both show the same thing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.kb.model import Character, Episode, Fact, KnowledgeBase, Person, Quote
from bot.qa.normalize import normalize

BILLING_ORDER = {"main": 0, "recurring": 1, "guest": 2, "cameo": 3}


@dataclass(frozen=True, slots=True)
class CastLine:
    """A character with the actor who plays them: one line of /cast."""

    character: Character
    actor: Person | None


def _quote_haystack(kb: KnowledgeBase, quote: Quote) -> str:
    speaker = kb.people.get(quote.speaker)
    names = [speaker.name, *speaker.aliases] if speaker else [quote.speaker]
    return normalize(" ".join([*names, *quote.tags, quote.context or "", quote.text]))


def find_quotes(kb: KnowledgeBase, about: str, limit: int = 5) -> list[Quote]:
    """Quotes by a speaker or on a topic, best first; all of them when `about` is empty."""
    quotes = list(kb.quotes.values())
    wanted = normalize(about)
    if not wanted:
        return quotes[:limit]
    haystacks = {q.id: _quote_haystack(kb, q) for q in quotes}
    matches = process.extract(
        wanted,
        haystacks,
        scorer=fuzz.token_set_ratio,
        score_cutoff=70,
        limit=limit,
    )
    return [kb.quotes[key] for _, _, key in matches]


def random_quote(kb: KnowledgeBase, rng: random.Random | None = None) -> Quote | None:
    """A random quote, for /quote without a topic (None when there are none)."""
    quotes = list(kb.quotes.values())
    return (rng or random).choice(quotes) if quotes else None


def quote_topics(kb: KnowledgeBase) -> list[str]:
    """Speakers and tags, for autocomplete."""
    speakers = {kb.speaker_name(q) for q in kb.quotes.values()}
    tags = {t.replace("-", " ") for q in kb.quotes.values() for t in q.tags}
    return sorted(speakers) + sorted(tags - speakers)


def cast_list(kb: KnowledgeBase, billing: tuple[str, ...] = ("main",)) -> list[CastLine]:
    """The cast with the given billings, main roles first, for /cast without a name."""
    lines = [
        CastLine(c, kb.people.get(c.played_by) if c.played_by else None)
        for c in kb.characters.values()
        if (c.billing or "main") in billing
    ]
    return sorted(lines, key=lambda line: BILLING_ORDER.get(line.character.billing or "main", 9))


def find_cast(kb: KnowledgeBase, name: str) -> list[CastLine]:
    """Cast lines for an actor's or a character's name (typos and missing accents allowed)."""
    wanted = normalize(name)
    if not wanted:
        return cast_list(kb)
    candidates: dict[str, str] = {}
    for character in kb.characters.values():
        names = [character.name, *character.aliases]
        actor = kb.people.get(character.played_by) if character.played_by else None
        if actor:
            names += [actor.name, *actor.aliases]
        for number, alias in enumerate(names):
            candidates[f"{character.id}#{number}"] = normalize(alias)
    matches = process.extract(wanted, candidates, scorer=fuzz.WRatio, score_cutoff=85, limit=None)
    if not matches:
        return []
    best = matches[0][1]
    ids: list[str] = []
    for _, score, key in matches:
        character_id = key.split("#", 1)[0]
        if score >= best - 3 and character_id not in ids:
            ids.append(character_id)
    return [
        CastLine(kb.characters[i], kb.people.get(kb.characters[i].played_by or "")) for i in ids
    ]


def find_episode(kb: KnowledgeBase, number_or_title: str) -> Episode | None:
    """Find an episode by its number or a fuzzy title, for /episode."""
    text = number_or_title.strip().lower().removeprefix("episode").strip()
    if text.isdigit():
        return kb.episodes.get(int(text))
    titles = {number: normalize(e.title) for number, e in kb.episodes.items()}
    match = process.extractOne(normalize(text), titles, scorer=fuzz.WRatio, score_cutoff=80)
    return kb.episodes[match[2]] if match else None


def facts_about_episode(kb: KnowledgeBase, episode: Episode) -> list[Fact]:
    """Facts that name this episode: by its title or as the episode they spoil."""
    title = normalize(episode.title)
    return [
        f
        for f in kb.facts.values()
        if f.spoiler_episode == episode.number
        or (title and title in normalize(f.answer) and "episode" in f.tags)
    ]
