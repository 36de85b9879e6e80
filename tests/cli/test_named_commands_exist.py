"""Every command a message names exists: ``gx-findmatches X Y`` in the package's text parses.

Measured before: messages named ``gx-findmatches create``, ``gx-findmatches delete t1`` and
``gx-findmatches generate-labels``, none of which exist.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gx_findmatches.cli import main

PACKAGE = Path(__file__).resolve().parents[2] / "plugin" / "gx_findmatches"
NAMED = re.compile(r"`gx-findmatches ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)")


def _named_commands() -> list[str]:
    found = set()
    for source in PACKAGE.rglob("*.py"):
        for match in NAMED.finditer(source.read_text(encoding="utf-8")):
            found.add(match.group(1))
    return sorted(found)


def test_messages_name_commands() -> None:
    assert len(_named_commands()) >= 3  # the scan finds the messages at all


@pytest.mark.parametrize("named", _named_commands())
def test_every_named_command_exists(named: str, capsys: pytest.CaptureFixture[str]) -> None:
    words = named.split()
    with pytest.raises(SystemExit) as exit_info:
        main([*words, "--help"])
    if exit_info.value.code != 0 and len(words) == 2:  # "transform create" or "match customers"
        with pytest.raises(SystemExit) as exit_info:
            main([words[0], "--help"])
    assert exit_info.value.code == 0, f"`gx-findmatches {named}` is not a command"
    capsys.readouterr()
