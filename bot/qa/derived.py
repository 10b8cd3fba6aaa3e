"""Facts the engine derives from structured records, so moderators need not write them.

Each episode record answers "what is episode 5 called?" and "which episode is The
Rat?" without a hand-written fact per episode. A hand-written fact with the same id
always wins.
"""

from __future__ import annotations

from bot.kb.model import Episode, Fact, KnowledgeBase


def episode_fact(episode: Episode, *, is_first: bool, is_last: bool) -> Fact:
    """A fact answering an episode's title questions, in English and French."""
    n, title = episode.number, episode.title
    alternates = [
        f"episode {n} title",
        f"title of episode {n}",
        f"Which episode is {title}?",
        f"Comment s'appelle l'épisode {n} ?",
        f"Quel épisode est {title} ?",
    ]
    answer = f"Episode {n} of Season 1 is titled “{title}”."
    answer_fr = f"L'épisode {n} de la saison 1 s'intitule « {title} »."
    if is_first:
        alternates += ["first episode title", "What is the first episode called?"]
    if is_last:
        alternates += ["What is the season finale called?", "last episode title", "finale title"]
        answer += " It is the season finale."
        answer_fr += " C'est le dernier épisode de la saison."
    return Fact(
        id=f"episode-{n}",
        question=f"What is episode {n} called?",
        answer=answer,
        answer_fr=answer_fr,
        sources=episode.sources,
        alternates=tuple(alternates),
        tags=("episode",),
    )


def derived_facts(kb: KnowledgeBase) -> dict[str, Fact]:
    """Episode facts that have sources and that no hand-written fact overrides."""
    episodes = list(kb.episodes.values())
    derived: dict[str, Fact] = {}
    for position, episode in enumerate(episodes):
        fact = episode_fact(episode, is_first=position == 0, is_last=position == len(episodes) - 1)
        if fact.id not in kb.facts and episode.sources:
            derived[fact.id] = fact
    return derived
