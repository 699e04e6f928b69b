"""String methods that stand in for regular expressions on the start's path (compiling a pattern costs more than a
small model's reading) say what those expressions said, on any text."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from paramwise.frontends import inherited_path
from paramwise.frontends.source.python import paste
from paramwise.frontends.source.python.expressions import name_chars
from paramwise.frontends.target import dotted_name

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
# letters, digits, dots and the characters that look like them, so that near-misses are common
NEAR = st.text(alphabet=st.sampled_from(list("aZ_09.·é٣²ı \u00a0")), max_size=12)


@given(NEAR)
def test_dotted_name_is_the_identifier_pattern(text: str) -> None:
    assert dotted_name(text) == bool(re.fullmatch(rf"{IDENT}(\.{IDENT})*", text))


@given(NEAR)
def test_name_chars_is_cpythons_all_name_chars(text: str) -> None:
    assert name_chars(text) == bool(re.fullmatch(r"[A-Za-z0-9_]*", text))


@given(st.sampled_from(["/dev/", "/proc/self/fd/", "/dev/fd/", "/proc/", "dev/fd/", ""]).flatmap(
    lambda start: st.text(alphabet="0123456789stdinout/", max_size=6).map(lambda rest: start + rest)))
def test_inherited_path_is_the_pattern(path: str) -> None:
    assert bool(inherited_path(path)) == bool(re.fullmatch(r"/(?:dev/fd|proc/self/fd)/(\d+)|/dev/std(in)", path))


LINE = st.text(alphabet=st.sampled_from(list(" \t\u3000_=-─━┏│#1٣²>.In[]:`~xa")), max_size=10)


@given(st.lists(LINE, max_size=8))
def test_paste_steps_look_where_their_patterns_would_match(lines: list[str]) -> None:
    """Each step's cheap first look lets through every line its pattern matches: the steps give what the patterns
    alone give."""
    ruler, numbered, fence = re.compile(paste.RULER), re.compile(paste.NUMBERED), re.compile(paste.FENCE)
    out, warning = paste.drop_rulers("f.py", lines)
    assert [i for i, line in enumerate(lines) if ruler.match(line)] == [i for i, line in enumerate(lines) if out[i] != line]
    hits = [m for line in lines if line.strip() and (m := numbered.match(line))]
    nonblank = [line for line in lines if line.strip()]
    out, warning = paste.strip_line_numbers("f.py", lines)
    if len(hits) >= 3 and len(hits) >= 0.8 * len(nonblank) and all(
            int(b.group(1)) > int(a.group(1)) for a, b in zip(hits, hits[1:])):
        assert warning is not None
    else:
        assert warning is None and out == lines
    out, warning = paste.keep_fenced_code("f.py", lines)
    assert (warning is None) == (not any(fence.match(line) for line in lines))


@given(st.text(alphabet=st.sampled_from(list("aZ09_.Éé٣ıK")), max_size=12))
def test_snake_is_the_pattern(name: str) -> None:
    from paramwise.kinds.rows import snake

    assert snake(name) == re.sub("([a-z0-9])([A-Z])", r"\1_\2", name).lower()
