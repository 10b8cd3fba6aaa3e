"""Engine behaviour on a small knowledge base where every outcome can be pinned down."""

import threading

import pytest

from bot.qa.answer import Outcome
from bot.qa.engine import Engine
from bot.qa.evaluation import EvalItem, is_correct


@pytest.mark.parametrize(
    "question",
    [
        "Who plays Cheyenne?",
        "who plyas cheyene",  # typos
        "cheyenne actress",  # a fragment
        "Qui joue Cheyenne ?",  # French
        "CHEYENNE, who plays her??",  # word order, shouting
        "who plays Cheyènne",  # a stray accent
    ],
)
def test_answers_the_right_fact_however_it_is_asked(mini_engine: Engine, question: str) -> None:
    answer = mini_engine.answer(question)
    assert answer.outcome is Outcome.ANSWER, answer
    assert answer.fact is not None and answer.fact.id == "cast-cheyenne"
    assert "Laâge" in answer.text
    assert [s.publisher for s in answer.citations] == ["Example Outlet"]


def test_a_question_about_cheyenne_is_never_answered_with_a_jack_fact(mini_engine: Engine) -> None:
    for question in ("what is cheyenne's job", "cheyenne job", "what does cheyenne do"):
        answer = mini_engine.answer(question)
        assert answer.outcome is not Outcome.ANSWER or "cheyenne-toussaint" in answer.fact.entities
        assert all(c.id != "jack-job" for c in answer.choices)


@pytest.mark.parametrize(
    "question",
    [
        "what's the best pizza topping",
        "hello?",
        "qwertyuiop",
        "what is 2 + 2",
        "who plays lorelai in gilmore girls",  # the creators' other show, not Étoile
        "",
        "   ",
        "🩰",
    ],
)
def test_off_topic_questions_abstain(mini_engine: Engine, question: str) -> None:
    assert mini_engine.answer(question).outcome is Outcome.ABSTAIN


def test_close_call_offers_choices_not_a_guess(mini_engine: Engine) -> None:
    answer = mini_engine.answer("jack")
    assert answer.outcome is Outcome.CHOICES
    ids = {c.id for c in answer.choices}
    assert {"cast-jack", "jack-job"} <= ids
    picked = mini_engine.resolve_choice("jack-job")
    assert picked is not None and picked.fact.id == "jack-job"


def test_quote_by_its_words_with_speaker_and_source(mini_engine: Engine) -> None:
    answer = mini_engine.answer("toilet paper quote")
    assert answer.outcome is Outcome.ANSWER
    assert answer.quote is not None and answer.quote.id == "q-toilet-paper"
    assert answer.speaker == "Amy Sherman-Palladino"
    assert "toilet paper" in answer.text
    assert answer.citations


def test_fact_carries_its_quote(mini_engine: Engine) -> None:
    answer = mini_engine.answer("will there be a season 2")
    assert answer.fact is not None and answer.fact.id == "season-2"
    assert answer.quote is not None and answer.quote.id == "q-pickup"
    assert "cancelled" in answer.text


def test_spoilers_are_flagged(mini_engine: Engine) -> None:
    answer = mini_engine.answer("how does the season end")
    assert answer.outcome is Outcome.ANSWER
    assert answer.spoiler and answer.spoiler_episode == 8
    assert not mini_engine.answer("who plays jack").spoiler


def test_json_shape(mini_engine: Engine) -> None:
    data = mini_engine.answer("who plays jack").to_json()
    assert set(data) == {
        "question",
        "answered",
        "outcome",
        "id",
        "text",
        "score",
        "citations",
        "quote",
        "spoiler",
        "choices",
        "language",
        "translated",
        "related",
        "suggestions",
        "small_talk",
        "follow_up",
    }
    assert data["answered"] is True and data["id"] == "cast-jack"
    assert set(data["citations"][0]) == {"title", "publisher", "author", "date", "url", "spoiler"}


def test_a_very_long_question_is_handled(mini_engine: Engine) -> None:
    answer = mini_engine.answer("who plays cheyenne " + "blah " * 1000)
    assert answer.outcome in (Outcome.ABSTAIN, Outcome.CHOICES, Outcome.ANSWER)


def test_readers_share_one_engine_across_threads(mini_engine: Engine) -> None:
    results: list[str | None] = []

    def ask() -> None:
        for _ in range(50):
            results.append(mini_engine.answer("qui joue jack").id)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["cast-jack"] * 200


def test_a_french_question_gets_the_french_answer_when_the_fact_has_one(
    mini_engine: Engine,
) -> None:
    french = mini_engine.answer("Qui joue Cheyenne ?")
    assert french.language == "fr" and french.translated
    assert french.text.startswith("Lou de Laâge joue Cheyenne")
    english = mini_engine.answer("Who plays Cheyenne?")
    assert english.language == "en" and english.text.startswith("Lou de Laâge plays")


def test_without_a_french_answer_the_english_one_is_flagged(mini_engine: Engine) -> None:
    answer = mini_engine.answer("Qui joue Jack ?")
    assert answer.id == "cast-jack" and answer.language == "fr" and not answer.translated
    assert answer.text.startswith("Luke Kirby plays")


def test_related_facts_share_who_the_answer_is_about(mini_engine: Engine) -> None:
    answer = mini_engine.answer("Who plays Jack?")
    related = [c.id for c in answer.related]
    assert related[0] == "jack-job"  # shares Jack himself; a shared tag counts far less
    assert "cast-jack" not in related
    assert all(c.spoiler == mini_engine.index.facts[c.id].is_spoiler for c in answer.related)


def test_a_dont_know_about_the_series_suggests_the_nearest_facts(mini_engine: Engine) -> None:
    answer = mini_engine.answer("what is jack's star sign")
    assert answer.outcome is Outcome.ABSTAIN
    assert answer.suggestions and all(not c.spoiler for c in answer.suggestions)
    assert "jack-job" in {c.id for c in answer.suggestions}
    for off_topic in ("what is the best pizza in town", "thanks!"):
        assert mini_engine.answer(off_topic).suggestions == ()


def test_what_the_sources_do_not_say_is_an_honest_dont_know(mini_engine: Engine) -> None:
    answer = mini_engine.answer("who composed the score?")
    assert answer.outcome is Outcome.ABSTAIN and not answer.answered
    assert answer.reason == "the sources do not say"
    assert "do not name the composer" in answer.text and answer.citations


def test_a_french_answer_is_scored_by_the_english_keywords_of_its_fact(
    mini_engine: Engine,
) -> None:
    answer = mini_engine.answer("Qui joue Cheyenne ?")
    assert "plays" not in answer.text  # the fan reads French
    assert is_correct(EvalItem("Qui joue Cheyenne ?", (("plays",),)), answer)
