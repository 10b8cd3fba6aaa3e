"""Follow-ups: each reading of a follow-up, and the rules that keep context honest."""

from __future__ import annotations

from bot.qa.answer import Outcome
from bot.qa.conversation import Context, small_talk_kind
from bot.qa.engine import Engine


def follow(engine: Engine, first: str, then: str):
    """The answer to `then`, asked right after `first` was answered."""
    context = Context.start(engine.answer(first))
    assert context is not None, first
    return engine.answer(then, context)


def test_a_pronoun_points_at_the_person_just_answered_about(shipped_engine: Engine) -> None:
    answer = follow(shipped_engine, "who plays gael?", "what is his background?")
    assert answer.id == "cast-alvarez-background" and answer.follow_up == "pronoun"
    assert answer.question == "what is his background?"  # the fan's words, not the rewrite
    assert shipped_engine.answer("what is his background?").id != answer.id


def test_and_with_a_new_name_reuses_the_previous_question(shipped_engine: Engine) -> None:
    answer = follow(shipped_engine, "who plays cheyenne?", "and jack?")
    assert answer.id == "cast-jack" and answer.follow_up == "ellipsis"
    french = follow(shipped_engine, "qui joue Cheyenne ?", "et Geneviève ?")
    assert french.id == "cast-genevieve"


def test_an_explicit_new_subject_is_never_overridden(shipped_engine: Engine) -> None:
    answer = follow(shipped_engine, "who plays cheyenne?", "who plays gael?")
    assert answer.id == "cast-gael" and answer.follow_up == ""


def test_source_repeats_the_last_answer_with_its_citations(shipped_engine: Engine) -> None:
    first = shipped_engine.answer("who plays cheyenne?")
    for asked in ("source?", "where did you read that?", "t'as une source ?"):
        again = shipped_engine.answer(asked, Context.start(first))
        assert again.id == first.id and again.follow_up == "source", asked
        assert again.citations == first.citations


def test_tell_me_more_gives_a_related_fact_not_yet_shown(shipped_engine: Engine) -> None:
    context = Context.start(shipped_engine.answer("who plays gael?"))
    assert context is not None
    seen = {"cast-gael"}
    for _ in range(2):
        more = shipped_engine.answer("tell me more", context)
        assert more.answered and more.follow_up == "more" and more.id not in seen
        assert more.fact is not None
        assert set(more.fact.entities) & {"david-alvarez", "gael-rodriguez"}
        seen.add(more.fact.id)
        context = context.after(more)


def test_context_cannot_make_an_unanswerable_follow_up_answerable(shipped_engine: Engine) -> None:
    for then in ("and her star sign?", "how tall is she?", "what car does she drive?"):
        answer = follow(shipped_engine, "who plays cheyenne?", then)
        assert answer.outcome is not Outcome.ANSWER, then


def test_a_question_without_a_pronoun_is_read_on_its_own(shipped_engine: Engine) -> None:
    answer = follow(shipped_engine, "who plays cheyenne?", "when did it come out?")
    assert answer.id == shipped_engine.answer("when did it come out?").id
    assert answer.follow_up == ""


def test_a_context_only_moves_on_after_an_answer(shipped_engine: Engine) -> None:
    first = shipped_engine.answer("who plays cheyenne?")
    context = Context.start(first)
    assert context is not None
    assert context.after(shipped_engine.answer("best pizza in town")) is context
    assert Context.start(shipped_engine.answer("best pizza in town")) is None


def test_small_talk_is_told_apart_by_what_a_reply_should_say() -> None:
    assert small_talk_kind("thanks!!") == "thanks"
    assert small_talk_kind("merci beaucoup") == "thanks"
    assert small_talk_kind("good bot") == "praise"
    assert small_talk_kind("hi there") == "greeting"
    assert small_talk_kind("bye") == "bye"
    assert small_talk_kind("lol") == "chat"


def test_small_talk_abstains_with_its_kind(shipped_engine: Engine) -> None:
    answer = shipped_engine.answer("thanks!")
    assert answer.outcome is Outcome.ABSTAIN and answer.small_talk == "thanks"
    assert shipped_engine.answer("who plays jack").small_talk == ""


def test_more_stays_on_the_person_asked_about_and_then_says_so(shipped_engine: Engine) -> None:
    context = Context.start(shipped_engine.answer("who is nicholas?"))
    assert context is not None
    for _ in range(6):
        more = shipped_engine.answer("tell me more", context)
        if not more.answered:
            assert more.reason == "nothing more on this"
            return
        assert "Nicholas" in more.text  # more about him, not about whoever came up next
        context = context.after(more)
    raise AssertionError("tell me more never ran out")
