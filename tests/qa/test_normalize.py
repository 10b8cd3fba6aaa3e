import pytest

from bot.qa.normalize import fold, normalize, tokens


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Étoile", "etoile"),
        ("Lou de Laâge", "lou de laage"),
        ("GENEVIÈVE", "genevieve"),
        ("Taïs", "tais"),
        ("œuvre", "oeuvre"),
        ("Kirby’s", "kirby's"),
    ],
)
def test_fold_removes_accents_and_keeps_letters(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_never_drops_letters_it_cannot_fold() -> None:
    # python-discord's tag matcher turned "Étoile" into "toile"; other scripts must survive too.
    assert fold("Étoile") == "etoile"
    assert list(tokens("नमस्ते")) == ["नमस्ते"]
    assert list(tokens("東京 バレエ")) == ["東京", "バレエ"]


def test_smart_and_straight_apostrophes_are_the_same() -> None:
    assert tokens("what’s Jack’s job") == tokens("what's Jack's job")


def test_english_and_french_stop_words_are_removed_but_question_words_kept() -> None:
    assert list(tokens("Who is the actress of Cheyenne?")) == ["who", "play", "cheyenn"]
    assert list(tokens("Qui joue Cheyenne ?")) == ["who", "play", "cheyenn"]


def test_plurals_and_synonyms_meet() -> None:
    assert normalize("dancers") == normalize("dancer")
    assert normalize("episodes") == normalize("episode")
    assert normalize("eight episodes") == normalize("8 épisodes")
    assert normalize("was it canceled") == normalize("was it cancelled")


def test_french_where_is_not_french_or() -> None:
    assert "where" in tokens("Où a été tournée la série ?")
    assert "where" not in tokens("anglais ou français")
