"""Which editor `e` opens in `srs review`: $VISUAL, $EDITOR, else nano, else vi, and never Debian's
sensible-editor, whose first run stops the review to ask "Select an editor"."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from srs.cli.editor import choose_editor

pexpect = pytest.importorskip("pexpect")


def _which(*found: str):  # type: ignore[no-untyped-def]
    return lambda name: f"/usr/bin/{name}" if name in found else None


@pytest.mark.parametrize("environ, found, command, label", [
    ({"VISUAL": "code --wait", "EDITOR": "vim"}, ("nano",), "code --wait", "code ($VISUAL)"),
    ({"EDITOR": "vim -u NONE"}, ("nano",), "vim -u NONE", "vim ($EDITOR)"),
    ({"EDITOR": ""}, ("nano", "vi", "sensible-editor"), "nano", "nano ($EDITOR is not set)"),
    ({}, ("vi", "sensible-editor", "editor"), "vi", "vi ($EDITOR is not set)"),
])
def test_the_editor_is_the_learners_choice_else_nano_else_vi(environ: dict[str, str], found: tuple[str, ...],
                                                            command: str, label: str) -> None:
    choice = choose_editor(environ, _which(*found))
    assert choice is not None and (choice.command, choice.label) == (command, label)


def test_no_editor_at_all_is_none() -> None:
    assert choose_editor({}, _which("sensible-editor", "editor")) is None


def _script(path: Path, code: str) -> None:
    path.write_text(f"#!{sys.executable}\nimport sys, pathlib\n{code}\n")
    path.chmod(0o755)


def test_without_editor_set_e_opens_nano_and_says_so(isolated_data: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    ran = tmp_path / "ran.txt"
    _script(bin_dir / "nano", "p = pathlib.Path(sys.argv[-1])\n"
            "p.write_text(p.read_text().replace('Ask: ', 'Calmly ask: '))")
    for name in ("sensible-editor", "editor", "select-editor"):
        _script(bin_dir / name, f"pathlib.Path({str(ran)!r}).write_text({name!r})")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "SRS_DATABASE_URL", "EDITOR", "VISUAL")}
    env.update({"SRS_DATA_DIR": str(isolated_data), "SRS_NOW": "2026-03-02T15:00:00+00:00", "NO_COLOR": "1",
                "TERM": "xterm-256color", "PATH": str(bin_dir)})
    child = pexpect.spawn(str(Path(sys.executable).parent / "srs"), ["review"], env=env, encoding="utf-8",
                          timeout=30, dimensions=(24, 80))
    child.expect_exact("q quit")
    child.send("e")
    child.expect_exact("Opening nano ($EDITOR is not set)")
    child.expect_exact("Saved your edit")
    child.send(" ")
    child.expect_exact("Calmly ask:")
    child.send("q")
    child.expect(pexpect.EOF)
    assert not ran.exists()
