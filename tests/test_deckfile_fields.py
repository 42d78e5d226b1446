"""Deck files read and written: the fields as parsed (key points, personal cards, default sources), the bundled
decks valid, and the writer that round-trips them. Refused files are in test_deckfile_problems.py."""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporters.deck_toml import dump_deck
from srs.deckfile import CardSpec, anki_guid, check_deck_file, load_deck_file, parse_deck_text, validate_deck
from srs.errors import DeckFileError
from srs.keypoints import KeyPoint
from helpers import GOOD


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
    spec = replace(spec, cards=(replace(card, reasoning=text),))
    assert parse_deck_text(dump_deck(spec)).cards[0].reasoning == text


def test_anki_guid_matches_genanki() -> None:
    import genanki

    assert anki_guid("interview-closing", "ask-hesitations") == genanki.guid_for(
        "srs", "interview-closing", "ask-hesitations")


def test_bundled_deck_is_valid() -> None:
    from srs.bundled import bundled_files

    files = bundled_files()
    assert any(p.name == "interview-closing.toml" for p in files)
    for path in files:
        spec = load_deck_file(path)
        tomllib.loads(path.read_text())  # plain TOML too
        assert spec.cards


# --- Key points, personal cards, optional sources (deck format 2) ---

KEYED = GOOD.replace('tags = ["t"]\n', """tags = ["t"]
key_points = [
  "hesitations | concerns | reservations",
  "avoid: ask how I did | ask whether I answered well",
]
""")


def test_key_points_are_parsed_with_their_alternatives_and_polarity() -> None:
    card = parse_deck_text(KEYED).cards[0]
    assert card.key_points == (
        KeyPoint("hesitations | concerns | reservations", ("hesitations", "concerns", "reservations")),
        KeyPoint("avoid: ask how I did | ask whether I answered well",
                 ("ask how I did", "ask whether I answered well"), avoid=True),
    )
    assert card.personal is False


def test_a_card_without_key_points_has_none_and_its_hash_is_unchanged() -> None:
    card = parse_deck_text(GOOD).cards[0]
    assert card.key_points == ()
    # The hash a card had before key points existed: an unchanged deck must still import as unchanged.
    old = [card.id, card.situation, card.response, card.reasoning, card.sources, card.tags, []]
    assert card.content_hash == hashlib.sha256(json.dumps(old, ensure_ascii=False).encode()).hexdigest()
    assert parse_deck_text(KEYED).cards[0].content_hash != card.content_hash


def test_each_bad_key_point_is_named_by_its_index() -> None:
    text = KEYED.replace('"hesitations | concerns | reservations"', '"| concerns"').replace(
        '"avoid: ask how I did | ask whether I answered well"', '42')
    with pytest.raises(DeckFileError) as info:
        parse_deck_text(text, "k.toml")
    assert [p.split(": ", 1)[1] for p in info.value.problems] == [
        "card 'c1': key_points[0]: empty alternative in '| concerns' (two '|' in a row, or one at an end)",
        "card 'c1': key_points[1]: must be a string, not an integer",
    ]


def test_a_repeated_key_point_is_refused() -> None:
    text = KEYED.replace('"avoid: ask how I did | ask whether I answered well"', '"hesitations|concerns|reservations"')
    with pytest.raises(DeckFileError, match=r"key_points\[1\]: repeats key_points\[0\]"):
        parse_deck_text(text)


def test_deck_check_warns_about_cards_without_key_points_but_accepts_them(tmp_path: Path) -> None:
    both = GOOD + KEYED.split("[[cards]]")[1].join(["[[cards]]", ""]).replace('id = "c1"', 'id = "c2"')
    path = tmp_path / "d.toml"
    path.write_text(both)
    report = check_deck_file(path)
    assert [c.id for c in report.spec.cards] == ["c1", "c2"]
    assert report.warnings == (f"{path}:10:1: warning: card 'c1': no key_points: typed answers cannot be graded",)


def test_deck_check_prints_warnings_on_stderr_and_exits_zero(tmp_path: Path) -> None:
    from srs.cli import cli

    path = tmp_path / "d.toml"
    path.write_text(GOOD)
    result = CliRunner().invoke(cli, ["deck", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "warning: card 'c1': no key_points: typed answers cannot be graded" in result.stderr
    assert "ok (deck 'mini'" in result.stdout and "no key_points" not in result.stdout


def test_deck_add_accepts_a_deck_whose_cards_have_no_key_points_and_says_nothing_of_it(tmp_path: Path) -> None:
    from srs.cli import cli

    path = tmp_path / "d.toml"
    path.write_text(GOOD)
    result = CliRunner().invoke(cli, ["deck", "add", str(path)])
    assert result.exit_code == 0, result.output
    assert "Deck 'mini' added: 1 new" in result.stderr and "key_points" not in result.stderr


def _substring_check(response: str, points: Sequence[KeyPoint]) -> list[str]:
    """A stand-in for the answer matcher: a point is hit when one alternative appears in the response."""
    return [f"misses key point {p.label!r}" for p in points
            if not p.avoid and not any(a.lower() in response.lower() for a in p.alternatives)]


def test_response_check_refuses_a_response_that_misses_its_own_key_points() -> None:
    calls: list[str] = []

    def check(response: str, points: Sequence[KeyPoint]) -> list[str]:
        calls.append(response)
        return _substring_check(response, points)

    with pytest.raises(DeckFileError) as info:
        validate_deck(KEYED, "k.toml", response_check=check)
    assert info.value.problems == [
        "k.toml:13:12: card 'c1': response: misses key point 'hesitations / concerns / reservations'"]
    fixed = KEYED.replace('"Say it."', '"Ask what concerns they have."')
    assert validate_deck(fixed, "k.toml", response_check=check).spec.cards[0].response.startswith("Ask")
    assert calls == ["Say it.", "Ask what concerns they have."]
    validate_deck(GOOD, response_check=check)  # a card without key points is not checked
    assert len(calls) == 2


PERSONAL = KEYED.replace('tags = ["t"]\n', 'tags = ["t"]\npersonal = true\n')


def test_a_personal_card_is_marked_and_keeps_the_deck_wording_as_its_response() -> None:
    card = parse_deck_text(PERSONAL).cards[0]
    assert card.personal is True and card.response == "Say it." and len(card.key_points) == 2
    assert card.content_hash != parse_deck_text(KEYED).cards[0].content_hash


@pytest.mark.parametrize("change,message", [
    ('personal = "yes"', "personal: must be true or false, not a string"),
    ("personal = true\nkey_points = []", "personal: a personal card needs key_points"),
])
def test_personal_must_be_a_boolean_and_needs_key_points(change: str, message: str) -> None:
    with pytest.raises(DeckFileError, match=message):
        parse_deck_text(GOOD.replace('tags = ["t"]', 'tags = ["t"]\n' + change))


def test_a_bad_key_point_on_a_personal_card_is_one_problem_not_two() -> None:
    text = PERSONAL.replace('"hesitations | concerns | reservations"', '"a || b"')
    with pytest.raises(DeckFileError) as info:
        parse_deck_text(text)
    assert len(info.value.problems) == 1 and "key_points[0]" in info.value.problems[0]


NO_SOURCES = """\
[deck]
id = "mine"
name = "My lines"
version = "1"

[[cards]]
id = "closing-line"
situation = "The interview is ending."
response = "Thank you; I would love to work with you."
reasoning = "Say it in your own words."
key_points = ["thank you | thanks"]
personal = true
"""


def test_a_personal_deck_needs_no_sources() -> None:
    spec = parse_deck_text(NO_SOURCES)
    assert spec.sources == () and spec.cards[0].sources == ()


def test_default_sources_apply_to_cards_without_their_own() -> None:
    text = GOOD.replace('version = "1.0.0"', 'version = "1.0.0"\ndefault_sources = ["a"]') + """
[[sources]]
id = "b"
title = "B"

[[cards]]
id = "c2"
situation = "S."
response = "R."
reasoning = "W."

[[cards]]
id = "c3"
situation = "S."
response = "R."
reasoning = "W."
sources = ["b"]

[[cards]]
id = "c4"
situation = "S."
response = "R."
reasoning = "W."
sources = []
"""
    spec = parse_deck_text(text)
    assert spec.default_sources == ("a",)
    assert [c.sources for c in spec.cards] == [("a",), ("a",), ("b",), ()]


def test_an_unknown_source_is_placed_at_its_own_id_in_the_list() -> None:
    with pytest.raises(DeckFileError) as info:
        parse_deck_text(GOOD.replace('sources = ["a"]', 'sources = ["a", "x"]'))
    assert info.value.problems == ["<deck>:15:17: card 'c1': sources: unknown source id 'x' (known: a)"]


def test_new_fields_do_not_change_cards_built_by_position_or_keyword() -> None:
    card = CardSpec("c", "s", "r", "w", ("a",))
    assert card.key_points == () and card.personal is False and replace(card, personal=True).personal


# --- The writer keeps the new fields ---

FULL = """\
[deck]
id = "mine"
name = "Mine"
version = "2.0.0"
default_sources = ["a"]

[[sources]]
id = "a"
title = "A"
date = 2018-05-21

[[sources]]
id = "b"
title = "B"

[[cards]]
id = "own-line"
situation = "The interview is ending."
response = "Thank you; I am keen on this role."
reasoning = "Yours."
key_points = ["thank you | thanks", 'avoid: ask how I did | "did I do well"']
personal = true

[[cards]]
id = "cited"
situation = "S."
response = "R."
reasoning = "W."
sources = ["b"]

[[cards]]
id = "uncited"
situation = "S."
response = "R."
reasoning = "W."
sources = []
"""


def test_writer_round_trips_key_points_personal_cards_and_default_sources() -> None:
    spec = parse_deck_text(FULL)
    text = dump_deck(spec)
    assert parse_deck_text(text) == spec
    assert 'default_sources = ["a"]' in text and "personal = true" in text
    assert 'key_points = [\n  "thank you | thanks",\n  "avoid: ask how I did | \\"did I do well\\"",\n]' in text
    cards = text.split("[[cards]]")[1:]
    assert "sources" not in cards[0] and 'sources = ["b"]' in cards[1] and "sources = []" in cards[2]


def test_writer_lists_sources_of_every_card_when_the_deck_has_no_default(deck_file: Path) -> None:
    spec = load_deck_file(deck_file)
    text = dump_deck(spec)
    assert text.count("sources = [") == len(spec.cards)
    assert "key_points" not in text and "personal" not in text and "default_sources" not in text
