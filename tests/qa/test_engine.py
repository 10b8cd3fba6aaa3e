"""Engine behaviour on a small knowledge base where every outcome can be pinned down."""

import threading

import pytest

from bot.qa.answer import Outcome
from bot.qa.engine import Engine


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
    }
    assert data["answered"] is True and data["id"] == "cast-jack"
    assert set(data["citations"][0]) == {"title", "publisher", "author", "date", "url"}


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
