"""The installed command skips gettext's search for a translation of argparse's messages where the locale asks
for none (C, POSIX, English), and keeps it for any other language."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from paramwise.cli import untranslated

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, True),
    ({"LANG": "C.UTF-8"}, True),
    ({"LANG": "POSIX"}, True),
    ({"LANG": "en_US.UTF-8"}, True),
    ({"LANG": "en_GB.UTF-8@euro"}, True),
    ({"LANG": "fr_FR.UTF-8"}, False),
    ({"LANG": "C.UTF-8", "LC_ALL": "de_DE.UTF-8"}, False),  # LC_ALL is read before LANG, as gettext reads them
    ({"LANGUAGE": "en:fr", "LANG": "C"}, False),  # any language of the list may have a translation
    ({"LANGUAGE": "", "LC_ALL": "", "LANG": "en_US"}, True),  # an empty variable is not set
    ({"LANGUAGE": "pt_BR", "LANG": "C"}, False),
])
def test_which_locales_ask_for_no_translation(environ: dict[str, str], expected: bool) -> None:
    assert untranslated(environ) is expected


def run(lang: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env.update(LANG=lang, KERAS_BACKEND="torch")
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "paramwise", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def imported(stderr: str) -> set[str]:
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def test_the_command_asks_gettext_only_where_a_translation_may_be_wanted() -> None:
    english = run("C.UTF-8", "examples/mnist_cnn.py", "--format", "json")
    french = run("fr_FR.UTF-8", "examples/mnist_cnn.py", "--format", "json")
    assert english.returncode == french.returncode == 0
    assert english.stdout == french.stdout
    assert "argparse" in imported(english.stderr)
    assert "locale" not in imported(english.stderr)  # gettext's search imports it
    assert "locale" in imported(french.stderr)


def test_argparse_messages_are_its_own_text_either_way() -> None:
    """Python ships no translation of argparse's messages: the usage error and the help are the same text."""
    wrong = ["examples/mnist_cnn.py", "--no-such-option"]
    for args in (wrong, ["--help"]):
        english, other = run("C.UTF-8", *args), run("fr_FR.UTF-8", *args)
        assert english.returncode == other.returncode == (2 if args == wrong else 0)
        assert english.stdout == other.stdout
        strip = [line for line in english.stderr.splitlines() if not line.startswith("import time:")]
        assert strip == [line for line in other.stderr.splitlines() if not line.startswith("import time:")]
        assert ("unrecognized arguments: --no-such-option" in english.stderr) == (args == wrong)
        assert ("positional arguments:" in english.stdout) == (args == ["--help"])
