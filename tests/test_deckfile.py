"""Deck files: the format, its validation, and the writer that round-trips it."""

from __future__ import annotations

import hashlib
import json
import re
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
    "invalid_toml.toml": ":1:6: invalid TOML: Expected ']' at the end of a table declaration",
    "not_utf8.toml": ":3:12: not valid UTF-8",
    "no_deck_table.toml": "the [deck] table is missing",
    "missing_deck_id.toml": "[deck]: id: is missing",
    "bad_deck_id.toml": "id: must be a slug",
    "bad_version.toml": 'version: must be a version string',
    "no_cards.toml": "no [[cards]]",
    "missing_response.toml": ":10:1: card 'c1': response: is missing",
    "empty_situation.toml": "card 'c1': situation: must not be empty",
    "duplicate_card_id.toml": "duplicate card id 'c1'",
    "unknown_source.toml": "unknown source id 'nope'",
    "bad_key_point.toml": ":19:3: card 'c1': key_points[1]: empty alternative",
    "too_many_key_points.toml": "card 'c1': key_points: has 7 key points; the limit is 6",
    "key_points_not_list.toml": "card 'c1': key_points: must be a list of strings",
    "personal_without_key_points.toml": "card 'c1': personal: a personal card needs key_points",
    "unknown_default_source.toml": "[deck]: default_sources: unknown source id 'b' (known: a)",
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
    "duplicate_key.toml": ":14:1: invalid TOML: 'response' is set twice (first at line 13)",
    "deep_arrays.toml": ":5:41: nested more than 32 levels deep",
    "deep_inline_tables.toml": ":5:169: nested more than 32 levels deep",
    "deep_dotted_key.toml": ":5:1: nested more than 32 levels deep",
    "deep_table_header.toml": ":1:2: nested more than 32 levels deep",
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


@pytest.mark.parametrize("name", sorted(set(CORPUS) - {"empty.toml", "whitespace.toml"}))
def test_every_problem_is_placed_as_file_line_column(name: str) -> None:
    path = BAD / name
    with pytest.raises(DeckFileError) as info:
        load_deck_file(path)
    for problem in info.value.problems:
        assert re.match(rf"{re.escape(str(path))}:\d+:\d+: \S", problem), problem


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


# --- Every problem at FILE:LINE:COL, in file order, one per root cause (issue 17.13); deep nesting (18.7) ---


def _problems(text: str) -> list[str]:
    with pytest.raises(DeckFileError) as info:
        parse_deck_text(text, "d.toml")
    return info.value.problems


def test_an_unquoted_toml_date_is_a_date() -> None:
    text = GOOD.replace('id = "a"\ntitle = "A"', 'id = "s"\ntitle = "A"\ndate = 2026-11-01').replace(
        'sources = ["a"]', 'sources = ["s"]')
    spec = parse_deck_text(text)
    assert spec.sources[0].date == "2026-11-01" and spec.cards[0].sources == ("s",)
    assert 'date = "2026-11-01"' in dump_deck(spec)


def test_a_date_time_is_one_problem_with_the_source_not_another_with_each_card_citing_it() -> None:
    text = GOOD.replace('title = "A"', 'title = "A"\ndate = 2026-11-01T10:00:00')
    assert _problems(text) == ["d.toml:9:8: source 'a': date: must be a date like 2018-05-21 (or 2018-05, or 2018)"]


def test_a_source_without_an_id_does_not_make_every_citation_an_error() -> None:
    assert _problems(GOOD.replace('id = "a"\n', "")) == ["d.toml:6:1: source #1: id: is missing"]


@pytest.mark.parametrize("line,expected", [
    ('situation = "A scene.', "d.toml:12:13: invalid TOML: this string is never closed (Illegal character '\\n')"),
    ('situation = """A scene.', "d.toml:12:13: invalid TOML: this string is never closed (Unterminated string)"),
    ("situation = 'A scene.", "d.toml:12:13: invalid TOML: this string is never closed (Expected \"'\")"),
    ("situation = A scene.", "d.toml:12:13: invalid TOML: Invalid value"),
    ('tags = ["t",', "d.toml:17:1: invalid TOML: Invalid value"),
])
def test_invalid_toml_is_placed_at_its_cause(line: str, expected: str) -> None:
    text = GOOD.replace('situation = "A scene."', line) if "situation" in line else GOOD.replace('tags = ["t"]', line)
    assert _problems(text) == [expected]


def test_problems_are_sorted_by_their_place_in_the_file() -> None:
    text = GOOD.replace('version = "1.0.0"', 'version = "one"').replace('tags = ["t"]', 'tags = ["T"]') + "extra = 1\n"
    text = "# a comment\n" + text.replace('[deck]\nid = "mini"', '[deck]\nid = "mini"\nnonsense = 2')
    assert _problems(text) == [
        "d.toml:4:1: [deck]: nonsense: unknown field (allowed: id, name, description, version, license, credits, "
        "default_sources)",
        'd.toml:6:11: [deck]: version: must be a version string like "1.2.0"',
        "d.toml:18:9: card 'c1': tags: tag 'T' must be a slug (lowercase, digits, '.', '_', '-')",
        "d.toml:19:1: card 'c1': extra: unknown field (allowed: id, situation, response, reasoning, sources, tags, "
        "key_points, personal, counterpoints)",
    ]


def test_a_misspelt_field_is_one_problem_not_also_a_missing_one() -> None:
    assert _problems(GOOD.replace("response =", "reponse =")) == [
        "d.toml:13:1: card 'c1': reponse: unknown field; did you mean 'response'?"]


def test_an_unknown_key_reaches_the_message_quoted_never_as_a_control_sequence() -> None:
    [problem] = _problems(GOOD.replace('tags = ["t"]', 'tags = ["t"]\n"\\u001b]52;c;aGk=\\u0007" = 1'))
    assert "\x1b" not in problem and "\x07" not in problem and "'\\x1b]52;c;aGk=\\x07': unknown field" in problem


def test_a_bad_counterpoint_source_is_placed_at_it() -> None:
    text = GOOD + '\n  [[cards.counterpoints]]\n  source = 5\n  view = "V."\n'
    assert _problems(text) == ["d.toml:19:12: card 'c1': source: counterpoint source must be a source id, "
                               "not an integer"]


@pytest.mark.parametrize("name", ["deep_arrays.toml", "deep_inline_tables.toml"])
def test_deep_nesting_is_refused_by_deck_check_and_deck_add_without_a_traceback(name: str) -> None:
    from srs.cli import cli

    path = BAD / name
    assert len(path.read_bytes()) < 3000
    for command in ("check", "add"):
        result = CliRunner().invoke(cli, ["deck", command, str(path)])
        assert result.exit_code == 1, result.output
        assert f"{path}:5:" in result.stderr and "nested more than 32 levels deep" in result.stderr
        assert "Traceback" not in result.output and not isinstance(result.exception, RecursionError)
    assert "deep" not in CliRunner().invoke(cli, ["deck", "list"]).output


def test_nesting_the_scan_misses_still_gives_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from srs import deck_problems

    monkeypatch.setattr(deck_problems, "check_depth", lambda text: None)
    with pytest.raises(DeckFileError, match="deep_arrays.toml: nested too deeply to read"):
        load_deck_file(BAD / "deep_arrays.toml")


def test_nesting_up_to_the_limit_is_read() -> None:
    from srs.toml_layout import MAX_DEPTH

    ok = "x = " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n" + ".".join(["y"] * MAX_DEPTH) + " = 1\n"
    assert "unknown top-level key 'x'" in _problems(ok)[0]
    assert _problems(ok.replace("[", "[[", 1).replace("]", "]]", 1))[0].startswith("d.toml:1:37: nested more than")
    assert _problems(ok.replace("y", "z.y", 1))[0].startswith("d.toml:2:1: nested more than")


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
