"""Analyse: how a question is read before any fact is looked at (each rule one test)."""

from __future__ import annotations

import pytest

from bot.qa.analysis import TYPO_CONFIDENCE, TermKind
from bot.qa.engine import Engine


def _term(engine: Engine, question: str, surface: str):  # type: ignore[no-untyped-def]
    return next(t for t in engine.analyser.analyse(question).terms if surface in t.surface)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("dirctor", "director"),
        ("hwo", "who"),  # three letters: a swap
        ("whn", "when"),  # three letters: one letter left out
        ("ceast", "play"),
        ("plyas", "play"),
        ("tobais", "tobia"),  # a typo in the name as written ("tobias"), not in its stem
    ],
)
def test_misspelt_words_are_read_as_the_knowledge_bases_word(
    shipped_engine: Engine, typed: str, read: str
) -> None:
    term = _term(shipped_engine, f"{typed} etoile", typed)
    assert term.token == read and term.confidence == TYPO_CONFIDENCE


def test_a_real_word_is_never_corrected_into_another(shipped_engine: Engine) -> None:
    # "cash" is one letter from "cast" (a word of the lexicon), but it is a real word.
    term = _term(shipped_engine, "how much cash did it make", "cash")
    assert term.token == "cash" and term.confidence != TYPO_CONFIDENCE


def test_a_real_but_rare_word_next_to_a_far_commoner_one_is_a_typo(
    shipped_engine: Engine,
) -> None:
    # "wich" is German, but a fan almost surely means "which" (about 1,000× commoner).
    assert _term(shipped_engine, "wich dancers", "wich").token == "what"


def test_a_misspelt_stop_word_is_dropped_not_guessed(shipped_engine: Engine) -> None:
    query = shipped_engine.analyser.analyse("where did the dancers come frm")
    assert not any(t.surface == "frm" for t in query.terms)


def test_unknown_words_weigh_by_their_rarity_in_the_language(shipped_engine: Engine) -> None:
    common = _term(shipped_engine, "cheyenne weather", "weather")
    rare = _term(shipped_engine, "cheyenne zodiac", "zodiac")
    gibberish = _term(shipped_engine, "cheyenne qzxvbk", "qzxvbk")
    assert not common.known and not rare.known and not gibberish.known
    assert common.weight < rare.weight < gibberish.weight


def test_a_misspelt_everyday_word_weighs_like_the_word(shipped_engine: Engine) -> None:
    misspelt = _term(shipped_engine, "did she actualy dance", "actualy")
    assert misspelt.weight < _term(shipped_engine, "did she qzxvbkw dance", "qzxvbkw").weight


def test_everyday_words_weigh_less_than_their_rarity_in_the_knowledge_base(
    shipped_engine: Engine,
) -> None:
    term = _term(shipped_engine, "is etoile getting renewed", "getting")
    assert term.weight < shipped_engine.index.weight(term.token)


def test_names_are_one_term_and_question_words_say_what_is_asked(mini_engine: Engine) -> None:
    query = mini_engine.analyser.analyse("When did Lou de Laâge join?")
    assert query.asks == "when"
    names = [t for t in query.terms if t.kind is TermKind.NAME]
    assert [n.ids for n in names] == [frozenset({"lou-de-laage"})]


def test_a_count_written_as_a_word_describes_but_digits_pin_down(shipped_engine: Engine) -> None:
    analyse = shipped_engine.analyser.analyse
    assert analyse("dans quelles villes sont les deux compagnies").numbers == frozenset()
    assert analyse("what happened in 2025").numbers == frozenset({"2025"})
    assert analyse("when does the second season come out").numbers == frozenset({"season2"})


def test_a_real_word_is_a_typo_only_of_a_word_it_starts_like(shipped_engine: Engine) -> None:
    # "all" is a hundred times commoner than "tall", but fans rarely slip on a first letter.
    term = _term(shipped_engine, "how tall is she", "tall")
    assert term.token == "tall" and not term.known


def test_an_everyday_word_no_fact_uses_still_weighs_against_an_answer(
    shipped_engine: Engine,
) -> None:
    # "tall" is what is asked: a fact about the right actor that never says it does not answer.
    assert not shipped_engine.answer("how tall is the lenny bruce actor").answered


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("qui joue Cheyenne ?", "fr"),
        ("Combien d'épisodes ?", "fr"),
        ("c koi le titre du premier episode", "fr"),
        ("who plays Cheyenne?", "en"),
        ("Lou de Laâge role", "en"),  # a French name does not make the question French
        ("etoile genre", "en"),
        ("¿Quién interpreta a Cheyenne?", "en"),  # only English and French answers exist
    ],
)
def test_the_question_language_ignores_names_and_the_title(
    shipped_engine: Engine, question: str, language: str
) -> None:
    assert shipped_engine.analyser.analyse(question).language == language
