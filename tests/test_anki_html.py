"""Anki field HTML to plain text on hostile input: the answer is what a browser (Anki's reviewer) shows, and its
size is bounded by the input's. How long the worst cases take is measured in ``benchmarks/hostile_import.py``,
not asserted here."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs.anki_data import AnkiNote
from srs.anki_html import MAX_FIELD_HTML, clozes_as_text, html_to_text
from srs.anki_notes import build_notes_deck


@pytest.mark.parametrize("html, text", [
    # Not tags, or not closed: a browser hides a tag or comment left open at the end of the field.
    ("before <![CDATA[x]]> after", "before after"),
    ("a <![ b", "a"),
    ("a <!DOCTYPE html> b", "a b"),
    ("a</>b", "ab"),
    ("a<? pi ?>b", "ab"),
    ("x <a <a <a y", "x"),
    ("text<p", "text"),
    ("x<!--y", "x"),
    ("a<!-->b", "ab"),
    ("a < b and c > d", "a < b and c > d"),
    ("&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>"),
    # Quotes hide '>' inside attribute values only.
    ('<img alt="a>b">text', "text"),
    ("<img alt='a>b' title=\"c\">text", "text"),
    ('<a title=x"y>link</a>', "link"),
    # Script and style content is raw text up to its own end tag.
    ('x<script>if (a<b) alert("</div>")</script>y', "xy"),
    ("x<STYLE>p > b {}</style >y", "xy"),
    ("x<script>never closed", "x"),
    ("x<script/>y", "xy"),
    ("one<BR>two<br/>three</br>four", "one\ntwo\nthree\nfour"),
    ("<title>T</title>body", "body"),
    ("&#27;[31mred \x1b[0m\x1b]52;c;aGk=\x07ok\x9b2J", "[31mred ok"),  # entity: dropped by unescape
])
def test_markup_is_read_as_a_browser_reads_it(html: str, text: str) -> None:
    assert html_to_text(html) == text


@pytest.mark.parametrize("field, text", [
    ("{{c1::Paris::capital}} is in {{c2::France}}", "Paris is in France"),
    ("{{c1::a {{c2::b}} c}}", "a b c"),
    ("{{c1::a::hint {{c2::x}} more}} b", "a b"),
    ("{{c1::a::b::c}}", "a"),
    ("{{c1::never closed", "{{c1::never closed"),
    ("{{c1::x}} and }} and ::", "x and }} and ::"),
    ("std::vector {{c12::<b>bold</b>}}", "std::vector <b>bold</b>"),
])
def test_cloze_deletions_show_their_answers(field: str, text: str) -> None:
    assert clozes_as_text(field) == text


@pytest.mark.parametrize("field", [
    "{{c1::" * 20_000,  # cubic for the old cloze pattern (2,000 took 162 s)
    "{{c1::a::" * 20_000 + "}}",
    "<a " * 20_000,  # quadratic inside html.parser (60 KB took 44 s)
    "<a x='" * 20_000,
    "<!" * 50_000,
    "<!--" * 50_000,
    "</" * 50_000 + "a",
    "[sound:" * 50_000,
    "&" * 100_000,
    "<script>" * 20_000,
    "<div>" * 50_000,
])
def test_hostile_fields_give_bounded_text(field: str) -> None:
    text = html_to_text(field)
    assert len(text) <= len(field)
    assert "\x00" not in text


def test_a_run_of_unclosed_tags_hides_the_rest_of_the_field() -> None:
    assert html_to_text("keep " + "<a " * 20_000) == "keep"
    assert html_to_text("{{c1::" * 20_000) == "{{c1::" * 20_000  # no cloze is ever closed: kept as written


def test_nested_and_repeated_cloze_markers_pair_up() -> None:
    assert clozes_as_text("{{c1::" * 1000 + "x" + "}}" * 1000) == "x"
    assert clozes_as_text("{{c1::" * 1000 + "x" + "}}" * 10) == "{{c1::" * 990 + "x"


def _note(nid: int, situation: str, response: str = "Answer.", notetype: str = "Q&A") -> AnkiNote:
    return AnkiNote(id=nid, guid=f"g{nid}", notetype=notetype, fields=(("Situation", situation),
                                                                      ("Response", response)), tags=(), mtime=0)


def test_a_field_past_the_cap_is_skipped_and_listed_before_any_parsing() -> None:
    big = "<b>" + "x" * MAX_FIELD_HTML + "</b>"
    built = build_notes_deck([_note(1, "Fine."), _note(2, "Also fine.", big)], None, "d", "D", "p.apkg")
    assert built.imported == 1
    assert built.skipped == (f"note 2 (Q&A): field 'Response' holds {len(big):,} characters of HTML; the limit "
                             f"is {MAX_FIELD_HTML:,}",)


def test_a_note_with_a_marked_section_is_imported_as_anki_shows_it() -> None:
    built = build_notes_deck([_note(1, "Before <![ after", "Answer <![CDATA[x]]> here")], None, "d", "D", "p")
    assert built.spec is not None and built.imported == 1 and built.skipped == ()
    (card,) = built.spec.cards
    assert (card.situation, card.response) == ("Before", "Answer here")


def test_control_characters_in_the_file_name_do_not_fail_the_import() -> None:
    name = "phone\x1b]52;c;aGk=\x07\u202e.apkg"
    built = build_notes_deck([_note(1, "S.")], None, "d", f"{name[:-5]} (from Anki)", name)
    assert built.spec is not None
    assert built.spec.name == "phone (from Anki)"
    assert built.spec.sources[0].title == "Anki package phone.apkg"


PIECES = ["<", ">", "</", "<!", "<!--", "-->", "<![", "<?", "a", "b", "br", "div", "script", "style", "title", "=",
          "'", '"', " ", "\n", "/", "{{c1::", "{{c2::", "}}", "::", "[sound:", "]", "&amp;", "&#", "&#x", ";", "27",
          "\x00", "\x1b", "\x9b", "\u202e", "é", "\ud800"]


@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_any_field_converts_without_error_to_bounded_plain_text(pieces: list[str]) -> None:
    field = "".join(pieces)
    text = html_to_text(field)
    assert len(text) <= len(field)
    assert not {ch for ch in text if ch != "\n" and (ch < " " or "\x7f" <= ch <= "\x9f")}
    assert "\u202e" not in text and "\ud800" not in text
