"""Deck files: the format, its validation, and the writer that round-trips it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from exporters.deck_toml import dump_deck
from srs.deckfile import anki_guid, load_deck_file, parse_deck_text
from srs.errors import DeckFileError
from helpers import GOOD

BAD = Path(__file__).parent / "bad_decks"


def test_good_deck_parses_with_all_fields(deck_file: Path) -> None:
    spec = load_deck_file(deck_file)
    assert spec.id == "demo" and spec.version == "1.0.0"
    assert [c.id for c in spec.cards] == ["first", "second", "third"]
    assert spec.cards[1].situation == "You shake hands.\nThen what?"
    assert spec.cards[1].counterpoints[0].source == "art-a"
    assert spec.sources[0].date == "2018-05-21"


def test_writer_round_trips_to_identical_content(deck_file: Path) -> None:
    spec = load_deck_file(deck_file)
    again = parse_deck_text(dump_deck(spec))
    assert again == spec
    assert again.content_hash() == spec.content_hash()


@pytest.mark.parametrize("text", [
    'quote " and backslash \\ and tab\t',
    'three quotes """ inside',
    "ends with a quote\"",
    "line one\nline two\n",
    "\nstarts with a newline",
    "unicode: שלום, 日本語, émoji 🙂",
])
def test_writer_escapes_awkward_text(text: str) -> None:
    spec = parse_deck_text(GOOD)
    card = spec.cards[0]
    from dataclasses import replace

    spec = replace(spec, cards=(replace(card, reasoning=text),))
    assert parse_deck_text(dump_deck(spec)).cards[0].reasoning == text


def test_anki_guid_matches_genanki() -> None:
    import genanki

    assert anki_guid("interview-closing", "ask-hesitations") == genanki.guid_for(
        "srs", "interview-closing", "ask-hesitations")


# Each bad file and a fragment its message must contain (the field or the problem, with a line when known).
CORPUS = {
    "empty.toml": "the file is empty",
    "whitespace.toml": "the file is empty",
    "invalid_toml.toml": "invalid TOML",
    "not_utf8.toml": "not valid UTF-8",
    "no_deck_table.toml": "the [deck] table is missing",
    "missing_deck_id.toml": "[deck]: id: is missing",
    "bad_deck_id.toml": "id: must be a slug",
    "bad_version.toml": 'version: must be a version string',
    "no_cards.toml": "no [[cards]]",
    "missing_response.toml": ":10: card 'c1': response: is missing",
    "empty_situation.toml": "card 'c1': situation: must not be empty",
    "duplicate_card_id.toml": "duplicate card id 'c1'",
    "unknown_source.toml": "unknown source id 'nope'",
    "no_sources_listed.toml": "sources: must name at least one source",
    "wrong_type_tags.toml": "tags: must be a list of strings",
    "wrong_type_response.toml": "response: must be a string, not an integer",
    "unknown_card_field.toml": "answer: unknown field",
    "unknown_top_key.toml": "unknown top-level key 'extra'",
    "bad_counterpoint_source.toml": "counterpoint names unknown source id 'ghost'",
    "duplicate_source_id.toml": "duplicate source id 'a'",
    "bad_url.toml": "url: must be an http:// or https:// address",
    "control_chars.toml": "control character U+001B",
    "bidi_override.toml": "control character U+202E",
    "bad_tag.toml": "tag 'Not A Slug' must be a slug",
    "cards_not_array.toml": "[[cards]] must be an array of tables",
    "duplicate_key.toml": "invalid TOML",
}


@pytest.mark.parametrize("name,fragment", sorted(CORPUS.items()))
def test_bad_deck_is_refused_with_a_clear_message(name: str, fragment: str) -> None:
    path = BAD / name
    with pytest.raises(DeckFileError) as info:
        load_deck_file(path)
    message = str(info.value)
    assert fragment in message, message
    assert str(path) in message
    assert "Traceback" not in message


def test_corpus_has_every_file() -> None:
    assert {p.name for p in BAD.iterdir()} == set(CORPUS)


def test_every_problem_is_listed_not_just_the_first(tmp_path: Path) -> None:
    text = GOOD.replace('response = "Say it."', "").replace('sources = ["a"]', 'sources = ["zzz"]')
    path = tmp_path / "two.toml"
    path.write_text(text)
    with pytest.raises(DeckFileError) as info:
        load_deck_file(path)
    assert len(info.value.problems) == 2


def test_huge_field_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text(GOOD.replace('"Say it."', '"' + "x" * 10_000_000 + '"'))
    with pytest.raises(DeckFileError, match=r"response: is 10,000,000 characters long; the limit is 10,000"):
        load_deck_file(path)


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_bytes(b"#" * (21 * 1024 * 1024))
    with pytest.raises(DeckFileError, match="the limit is"):
        load_deck_file(path)


def test_missing_file_and_directory_are_clear(tmp_path: Path) -> None:
    with pytest.raises(DeckFileError, match="no such file"):
        load_deck_file(tmp_path / "nope.toml")
    with pytest.raises(DeckFileError, match="is a directory"):
        load_deck_file(tmp_path)


def test_bundled_deck_is_valid() -> None:
    from srs.bundled import bundled_files

    files = bundled_files()
    assert any(p.name == "interview-closing.toml" for p in files)
    for path in files:
        spec = load_deck_file(path)
        tomllib.loads(path.read_text())  # plain TOML too
        assert spec.cards
