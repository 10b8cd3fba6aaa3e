"""Immutable records of the knowledge base.

A `KnowledgeBase` is built once, never mutated, and replaced whole when the files
change, so any number of readers can answer from it without locks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record was read from, so errors and history can point at it."""

    file: str
    line: int


@dataclass(frozen=True, slots=True)
class Source:
    """A published source that facts and quotes cite, so every answer can be checked."""

    id: str
    title: str
    publisher: str
    author: str | None = None
    date: str | None = None
    url: str | None = None
    spoiler: bool = False  # its title or address gives the plot away: shown only in spoiler tags


@dataclass(frozen=True, slots=True)
class Person:
    """A real person (cast, crew, creators) whom questions, facts and quotes can name."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    about: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Character:
    """A character of the series, linked to the person who plays them, for /cast."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    played_by: str | None = None
    billing: str | None = None
    description: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Entity:
    """A company, place, or show a question can name."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    in_universe: bool = True


@dataclass(frozen=True, slots=True)
class Episode:
    """An episode of the season, for /episode and the derived episode-title facts."""

    number: int
    title: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Fact:
    """One question and its sourced answer: the unit the engine answers with."""

    id: str
    question: str
    answer: str
    sources: tuple[str, ...]
    alternates: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    quote: str | None = None
    spoiler_episode: int | None = None
    spoiler: bool = False  # reveals the season's plot, with no one episode to name
    unknown: bool = False  # the sources do not answer it: the answer says what is not known
    answer_fr: str | None = None  # the same answer in French, for questions asked in French
    origin: Origin | None = field(default=None, compare=False)

    @property
    def questions(self) -> tuple[str, ...]:
        """The canonical question first, then every alternate phrasing."""
        return (self.question, *self.alternates)

    @property
    def is_spoiler(self) -> bool:
        """Whether the answer reveals an episode's plot and must be hidden."""
        return self.spoiler or self.spoiler_episode is not None


@dataclass(frozen=True, slots=True)
class Quote:
    """A verbatim, sourced quote from someone behind the show, for /quote and answers."""

    id: str
    text: str
    speaker: str
    sources: tuple[str, ...]
    context: str | None = None
    tags: tuple[str, ...] = ()
    origin: Origin | None = field(default=None, compare=False)


NamedRecord = Person | Character | Entity


def _frozen(mapping: dict[K, V]) -> Mapping[K, V]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the bot knows, indexed by id. Read-only once built."""

    sources: Mapping[str, Source]
    people: Mapping[str, Person]
    characters: Mapping[str, Character]
    entities: Mapping[str, Entity]
    episodes: Mapping[int, Episode]
    facts: Mapping[str, Fact]
    quotes: Mapping[str, Quote]
    loaded_at: float = 0.0

    @classmethod
    def build(
        cls,
        *,
        sources: dict[str, Source],
        people: dict[str, Person],
        characters: dict[str, Character],
        entities: dict[str, Entity],
        episodes: dict[int, Episode],
        facts: dict[str, Fact],
        quotes: dict[str, Quote],
        loaded_at: float = 0.0,
    ) -> KnowledgeBase:
        """Build a read-only knowledge base from plain dicts, with episodes in order."""
        return cls(
            sources=_frozen(sources),
            people=_frozen(people),
            characters=_frozen(characters),
            entities=_frozen(entities),
            episodes=_frozen(dict(sorted(episodes.items()))),
            facts=_frozen(facts),
            quotes=_frozen(quotes),
            loaded_at=loaded_at,
        )

    def named(self, record_id: str) -> NamedRecord | None:
        """The person, character or entity with this id."""
        return (
            self.people.get(record_id)
            or self.characters.get(record_id)
            or self.entities.get(record_id)
        )

    def citations(self, source_ids: tuple[str, ...]) -> tuple[Source, ...]:
        """The sources for these ids (unknown ones skipped), to cite with an answer."""
        return tuple(self.sources[s] for s in source_ids if s in self.sources)

    def speaker_name(self, quote: Quote) -> str:
        """The quote's speaker by name, falling back to the id."""
        person = self.people.get(quote.speaker)
        return person.name if person else quote.speaker

    def quote_for(self, fact: Fact) -> Quote | None:
        """The quote a fact shows with its answer, if it has one."""
        return self.quotes.get(fact.quote) if fact.quote else None
