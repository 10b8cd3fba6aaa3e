from bot.app.gaps import group_gaps
from bot.storage.store import AskedQuestion


def test_similar_questions_are_grouped_most_asked_then_newest_first() -> None:
    asked = [  # newest first, as the store returns them
        AskedQuestion(6, "what is the budget?", 60.0),
        AskedQuestion(5, "who composed the score", 50.0),
        AskedQuestion(4, "Étoile budget", 40.0),
        AskedQuestion(3, "pizza?", 30.0),
        AskedQuestion(2, "whats the budget of etoile", 20.0),
        AskedQuestion(1, "who composed the score?", 10.0),
    ]
    gaps = group_gaps(asked)
    assert [(g.question, g.count) for g in gaps] == [
        ("what is the budget?", 3),
        ("who composed the score", 2),
        ("pizza?", 1),
    ]
    assert gaps[0].ids == [6, 4, 2]
