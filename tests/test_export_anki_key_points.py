"""Key points on the back of the Anki card: a self-check list under the response, escaped like every field, on
the same note type with the same fields, so notes exported before are updated in place by Anki's default import.
Checked by importing with the official ``anki`` package."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers import GOOD
from srs.cli import cli
from srs.deckfile import anki_guid

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER as IF_NEWER

T1 = "2026-01-05T10:00:00+00:00"
T2 = "2026-01-06T10:00:00+00:00"
KEYED = GOOD.replace('response = "Say it."', 'response = "Ask what concerns they have; never ask how you did."').replace(
    'tags = ["t"]\n', '''tags = ["t"]
key_points = [
  "concerns | hesitations | <b>doubts</b>",
  "avoid: ask how I did | ask how you did",
]
''')


def run(runner: CliRunner, *args: str, now: str = T1) -> Any:
    result = runner.invoke(cli, list(args), env={"SRS_NOW": now})
    assert result.exit_code == 0, result.output
    return result


def import_apkg(col: Collection, path: Path, merge: bool = False) -> Any:
    options = ImportAnkiPackageOptions(merge_notetypes=merge, update_notes=IF_NEWER, update_notetypes=IF_NEWER)
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options)).log


def srs_note_types(col: Collection) -> list[Any]:
    return [m for m in col.models.all_names_and_ids() if m.name.startswith("srs")]


def export(runner: CliRunner, out: Path, stamp: str, now: str = T1) -> None:
    run(runner, "export", "anki", "--deck", "mini", "-o", str(out), "--timestamp", stamp, now=now)


def test_the_back_lists_the_key_points_as_a_self_check_list(runner: CliRunner, tmp_path: Path,
                                                            col: Collection) -> None:
    deck = tmp_path / "mini.toml"
    deck.write_text(KEYED)
    run(runner, "deck", "add", str(deck))
    export(runner, tmp_path / "mini.apkg", "1767607200")
    import_apkg(col, tmp_path / "mini.apkg")
    (nid,) = col.find_notes("")
    note = col.get_note(nid)
    assert list(note.keys()) == ["Situation", "Response", "Reasoning", "Sources", "Counterpoints"]
    assert note["Response"] == (
        "Ask what concerns they have; never ask how you did."
        '<div class="keypoints"><div class="label">Check yourself: did you say each?</div>'
        "<ul><li>\u2610 concerns / hesitations / &lt;b&gt;doubts&lt;/b&gt;</li>"
        "<li>\u2610 avoid: ask how I did / ask how you did</li></ul></div>")
    card = note.cards()[0]
    assert "Check yourself" not in card.question()
    answer = card.answer()
    assert "<b>doubts" not in answer and "&lt;b&gt;doubts" in answer
    assert answer.index("Ask what concerns") < answer.index("\u2610 concerns") < answer.index("Why.")


def test_a_card_without_key_points_shows_no_list(runner: CliRunner, tmp_path: Path, col: Collection) -> None:
    deck = tmp_path / "mini.toml"
    deck.write_text(GOOD)
    run(runner, "deck", "add", str(deck))
    export(runner, tmp_path / "mini.apkg", "1767607200")
    import_apkg(col, tmp_path / "mini.apkg")
    (nid,) = col.find_notes("")
    note = col.get_note(nid)
    assert note["Response"] == "Say it." and "Check yourself" not in note.cards()[0].answer()


def _before_and_after(runner: CliRunner, tmp_path: Path, col: Collection, monkeypatch: pytest.MonkeyPatch,
                      patch_new: dict[str, Any] | None = None, merge: bool = False) -> tuple[int, Any]:
    """Import an export made before key points reached Anki, then one made now after the card changed (with the
    writer's names in ``patch_new`` replaced); return the srs note type's id after the first import, and the
    second import's log."""
    import exporters.anki as writer
    from exporters import anki_note

    deck = tmp_path / "mini.toml"
    deck.write_text(KEYED)
    run(runner, "deck", "add", str(deck))
    with monkeypatch.context() as old:  # srs before key points: the response alone, the old note type's time
        old.setattr(writer, "MODEL_MTIME", 1795300000)
        old.setattr(writer, "note_fields",
                    lambda card: [anki_note.text_html(card.response) if i == 1 else f
                                  for i, f in enumerate(anki_note.note_fields(card))])
        export(runner, tmp_path / "old.apkg", "1767607200")
    import_apkg(col, tmp_path / "old.apkg")
    [model] = srs_note_types(col)
    deck.write_text(KEYED.replace("Why.", "Why it works."))  # the card changes here: its note is newer
    run(runner, "deck", "add", str(deck), now=T2)
    with monkeypatch.context() as new:
        for name, value in (patch_new or {}).items():
            new.setattr(writer, name, value)
        export(runner, tmp_path / "new.apkg", "1767700000", now=T2)
    return int(model.id), import_apkg(col, tmp_path / "new.apkg", merge=merge)


def test_notes_exported_before_key_points_get_them_on_the_same_note_type(
        runner: CliRunner, tmp_path: Path, col: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    model_id, log = _before_and_after(runner, tmp_path, col, monkeypatch)
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 1, 0)
    [same] = srs_note_types(col)
    assert (same.id, same.name) == (model_id, "srs Situation")  # no "srs Situation+"
    notetype = col.models.get(same.id)
    assert notetype is not None and notetype["mod"] == 1795904800  # the new CSS arrived
    note = col.get_note(col.find_notes("")[0])
    assert note["Reasoning"] == "Why it works." and "\u2610 concerns" in note["Response"]
    assert "Check yourself: did you say each?" in note.cards()[0].answer()


@pytest.mark.parametrize("merge", [False, True])
def test_a_new_field_would_not_reach_the_notes_already_in_anki(
        runner: CliRunner, tmp_path: Path, col: Collection, monkeypatch: pytest.MonkeyPatch, merge: bool) -> None:
    """Why key points travel inside the Response field rather than in a field of their own: with a field added
    (stable ids and all), Anki's importer updates none of the notes it has, with or without "Merge note types"."""
    from exporters import anki_note

    extra = {"FIELDS": (*anki_note.FIELDS, ("Extra", 4073411814168689)),
             "note_fields": lambda card: [*anki_note.note_fields(card), "extra"]}
    _, log = _before_and_after(runner, tmp_path, col, monkeypatch, extra, merge=merge)
    assert len(log.updated) == 0 and col.note_count() == 1
    note = col.get_note(col.find_notes("")[0])
    assert note["Reasoning"] == "Why."
