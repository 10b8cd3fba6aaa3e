import pytest

from bot.qa.normalize import fold, looks_like_a_question, normalize, tokens


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


def test_other_languages_question_words_and_concepts_meet_english() -> None:
    english = tokens("who plays Cheyenne")
    for question in (
        "wer spielt Cheyenne",
        "¿quién interpreta a Cheyenne?",
        "chi interpreta Cheyenne",
    ):
        assert tokens(question) == english


def test_inflected_forms_of_a_concept_meet_at_its_stem() -> None:
    assert tokens("jouée") == tokens("joue") == ("play",)


def test_a_word_listed_as_it_is_wins_over_another_concepts_stem() -> None:
    # "premiere" (a release) stems to "premier", which is French for "first".
    assert tokens("premier épisode") != tokens("premiere episode")


def test_generic_names_of_the_series_mean_the_series() -> None:
    assert (
        tokens("who created the show") == tokens("who created Étoile") == tokens("who created it")
    )


def test_numbered_seasons_and_episodes_are_one_token() -> None:
    assert "season3" in tokens("when does season 3 come out")
    assert tokens("third season") == tokens("season 3") == tokens("s3")
    assert tokens("three years") == ("3", "year")  # not a season


def test_a_stop_word_as_typed_wins_over_a_concepts_stem() -> None:
    # French "dans" (in) must not become "danse" (dance) by stemming.
    assert tokens("elle danse dans la compagnie") == ("dance", "company")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("who plays jack?", True),
        ("Qui joue Cheyenne", True),
        ("est-ce que la saison 2 arrive", True),
        ("lol same", False),
        ("great episode", False),
    ],
)
def test_a_question_shaped_chat_line_is_told_from_chatter(text: str, expected: bool) -> None:
    assert looks_like_a_question(text) is expected


def test_a_french_plural_meets_its_concept() -> None:
    # "compagnies" is "compagnie" + s, not the English "-ies" -> "-y".
    assert tokens("les compagnies") == tokens("la compagnie") == ("company",)
