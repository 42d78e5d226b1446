"""Deck files refused: each file of the bad-deck corpus with a clear message, every problem at FILE:LINE:COL
in file order and one per root cause, oversized and missing files, deep nesting. Good files are in
test_deckfile_fields.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporters.deck_toml import dump_deck
from srs.deckfile import load_deck_file, parse_deck_text
from srs.errors import DeckFileError
from helpers import GOOD

BAD = Path(__file__).parent / "bad_decks"


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
