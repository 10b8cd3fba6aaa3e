"""The checker's messages: file, line and field, in words a moderator understands."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from bot.kb.export import export_yaml
from bot.kb.loader import assemble, load_directory, parse_document
from bot.settings import default_knowledge_dir
from tests.conftest import FIXTURES


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "mini_kb", target)
    return target


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def write_fact(directory: Path, fact_id: str, question: str, answer: str, source: str) -> None:
    """An extra file holding one fact."""
    write(
        directory,
        "extra.yaml",
        f"facts:\n  - id: {fact_id}\n    question: {question}\n"
        f"    answer: '{answer}'\n    sources: [{source}]\n",
    )


def messages(directory: Path) -> list[str]:
    return [str(p) for p in load_directory(directory).problems]


def test_the_mini_knowledge_base_is_valid(kb_dir: Path) -> None:
    assembly = load_directory(kb_dir)
    assert assembly.ok
    assert len(assembly.knowledge.facts) == 8


def test_malformed_yaml_names_file_and_line(kb_dir: Path) -> None:
    write(kb_dir, "broken.yaml", "facts:\n  - id: x\n    question: [unclosed\n")
    (problem,) = load_directory(kb_dir).problems
    assert problem.file.endswith("broken.yaml")
    assert problem.line is not None and problem.line >= 3
    assert "not valid YAML" in problem.message


def test_unknown_source_id_is_reported_with_a_suggestion(kb_dir: Path) -> None:
    write(
        kb_dir,
        "extra.yaml",
        "facts:\n"
        "  - id: new-fact\n"
        "    question: Who directed it?\n"
        "    alternates: [director]\n"
        "    answer: The Palladinos.\n"
        "    sources: [src-aa]\n",
    )
    (message,) = messages(kb_dir)
    assert "extra.yaml:2:" in message
    assert "facts › new-fact › sources" in message
    assert "unknown source id 'src-aa'" in message and "did you mean 'src-a'" in message


def test_missing_source_and_empty_answer(kb_dir: Path) -> None:
    write(
        kb_dir,
        "extra.yaml",
        "facts:\n  - id: no-source\n    question: Who?\n    answer: ''\n",
    )
    found = messages(kb_dir)
    assert any("no-source › answer: is empty" in m for m in found)
    assert any("no-source › sources: this field is required" in m for m in found)


def test_over_long_answer(kb_dir: Path) -> None:
    write(
        kb_dir,
        "extra.yaml",
        f"facts:\n  - id: long\n    question: Long?\n    answer: {'word ' * 400}\n    sources: [src-a]\n",
    )
    (message,) = messages(kb_dir)
    assert "long › answer: is 1999 characters long; the limit is 1000" in message


def test_duplicate_ids_across_files_point_at_the_first(kb_dir: Path) -> None:
    write(
        kb_dir,
        "extra.yaml",
        "facts:\n  - id: cast-jack\n    question: Jack again?\n    answer: Yes.\n    sources: [src-a]\n",
    )
    (message,) = messages(kb_dir)
    assert "extra.yaml:2: facts › cast-jack: this id is already used at" in message
    assert "base.yaml:" in message


def test_the_same_phrasing_in_two_facts_is_refused(kb_dir: Path) -> None:
    write_fact(kb_dir, "jack-again", "WHO PLAYS JACK?", "Luke Kirby.", "src-b")
    (message,) = messages(kb_dir)
    assert "is the same question as one of fact 'cast-jack'" in message


def test_field_typo_gets_a_suggestion(kb_dir: Path) -> None:
    write(
        kb_dir,
        "extra.yaml",
        "facts:\n  - id: typo\n    question: Typo?\n    anwser: Yes.\n    sources: [src-a]\n",
    )
    found = messages(kb_dir)
    assert any(
        "extra.yaml:4: facts › typo › anwser: unknown field (did you mean 'answer'?)" in m
        for m in found
    )


def test_unsafe_yaml_tags_are_refused(kb_dir: Path) -> None:
    write(kb_dir, "evil.yaml", "facts: !!python/object/apply:os.system ['echo pwned']\n")
    (message,) = messages(kb_dir)
    assert "evil.yaml:1:" in message and "not allowed" in message
    write(kb_dir, "evil.yaml", "sources:\n  - id: !!python/name:os.system x\n")
    (message,) = messages(kb_dir)
    assert "evil.yaml:2:" in message


def test_a_huge_upload_is_refused_without_reading_it(kb_dir: Path) -> None:
    big = kb_dir / "big.yaml"
    big.write_bytes(b"# " + b"x" * 10_000_000 + b"\n")
    (message,) = messages(kb_dir)
    assert "big.yaml" in message and "the limit is 2,000,000" in message


def test_overlay_replaces_and_retires_without_touching_the_base(kb_dir: Path) -> None:
    base = load_directory(kb_dir).knowledge
    overlay = parse_document(
        "facts:\n  - id: cast-jack\n    question: Who plays Jack?\n"
        "    answer: Luke Kirby, who was Lenny Bruce on Maisel.\n    sources: [src-b]\n"
        "retired: [jack-job]\n",
        "guild.yaml",
        overlay=True,
    )
    merged = assemble([overlay], base=base)
    assert merged.ok, merged.problems
    assert "Lenny Bruce" in merged.knowledge.facts["cast-jack"].answer
    assert "jack-job" not in merged.knowledge.facts
    assert "jack-job" in base.facts and "Lenny" not in base.facts["cast-jack"].answer


def test_retired_is_only_for_overlays(kb_dir: Path) -> None:
    write(kb_dir, "extra.yaml", "retired: [cast-jack]\n")
    (message,) = messages(kb_dir)
    assert "unknown section" in message


@pytest.mark.parametrize(
    "url",
    [
        "https://good.example/)[Download](https://evil.example)",
        "javascript:alert(1)",
        "https://good.example/a b",
        "ftp://good.example/file",
    ],
)
def test_a_source_url_that_is_not_a_plain_web_address_is_refused(tmp_path: Path, url: str) -> None:
    (tmp_path / "s.yaml").write_text(
        f"sources:\n  - id: s\n    title: T\n    publisher: P\n    url: '{url}'\n", encoding="utf-8"
    )
    problems = [str(p) for p in load_directory(tmp_path).problems]
    assert any("s.yaml:5" in p and "not a plain web address" in p for p in problems), problems


def test_the_yaml_export_is_a_valid_knowledge_file_that_loads_back_the_same(
    tmp_path: Path,
) -> None:
    original = load_directory(default_knowledge_dir()).knowledge
    assert original is not None
    (tmp_path / "all.yaml").write_text(export_yaml(original), encoding="utf-8")
    again = load_directory(tmp_path)
    assert again.ok, again.problems[:3]
    assert dataclasses.replace(again.knowledge, loaded_at=original.loaded_at) == original
    assert export_yaml(again.knowledge) == export_yaml(original)


@pytest.mark.parametrize("opening", ["Yes. ", "No, ", "Oui : ", "nope - "])
def test_an_answer_opening_with_a_bare_yes_or_no_is_refused(kb_dir: Path, opening: str) -> None:
    write_fact(kb_dir, "set-when", "Is it set today?", f"{opening}Étoile is today.", "src-a")
    (message,) = messages(kb_dir)
    assert "extra.yaml:2: facts › set-when › answer" in message
    assert "starts with a bare yes or no" in message


def test_an_answer_may_start_with_a_word_that_begins_like_no(kb_dir: Path) -> None:
    write_fact(kb_dir, "nobody", "Who was cut?", "Nobody was cut from the cast.", "src-a")
    assert messages(kb_dir) == []


def spoiler_source_and_fact(directory: Path, spoiler_episode: str) -> None:
    """A source whose title gives the plot away, and a fact citing it."""
    write(
        directory,
        "extra.yaml",
        "sources:\n  - id: src-finale\n    title: The finale's kiss\n    publisher: Outlet\n"
        "    spoiler: true\n"
        f"facts:\n  - id: finale-kiss\n    question: Who kisses?\n    answer: Two dancers.\n"
        f"    sources: [src-finale]\n{spoiler_episode}",
    )


def test_only_a_spoiler_fact_may_cite_a_spoiler_source(kb_dir: Path) -> None:
    spoiler_source_and_fact(kb_dir, "")
    (message,) = messages(kb_dir)
    assert "extra.yaml:7: facts › finale-kiss › sources" in message
    assert "spoiler source 'src-finale'" in message
    spoiler_source_and_fact(kb_dir, "    spoiler_episode: 1\n")
    assert messages(kb_dir) == []


def test_a_spoiler_episode_must_be_one_of_the_episodes(kb_dir: Path) -> None:
    spoiler_source_and_fact(kb_dir, "    spoiler_episode: 9\n")
    (message,) = messages(kb_dir)
    assert "facts › finale-kiss › spoiler_episode: there is no episode 9" in message
    assert "(the episodes are 1, 8)" in message
