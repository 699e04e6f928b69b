"""JSON text as data for every reader of JSON (Keras configs, Hugging Face configs, safetensors headers and
indexes): its nesting checked before it is parsed, errors at their line and column."""

from __future__ import annotations

import json
import re
from itertools import accumulate

from ...errors import InputError, LimitError, Location

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

MAX_JSON_DEPTH = 500  # a model nested 150 deep is ~460 levels of JSON; Python's own parser stops near 1,000
JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
NOT_BRACKET = re.compile(r"[^\[\]{}]+")
JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{]|[\]}]', re.DOTALL)
BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def parse_json(text: str, source: str, hint: str = "") -> Any:
    """JSON text as data, its nesting checked first (a quick scan of the brackets outside strings), so that
    no input reaches a recursion limit here or in the readers that walk the data."""
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        line, col = deep_position(text, MAX_JSON_DEPTH + 1)
        raise LimitError(f"this JSON is nested {depth:,} levels deep; paramwise reads at most {MAX_JSON_DEPTH} "
                         "(a model's configuration needs far fewer)", hint="is this a model file?",
                         location=Location(source, line, col))
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"not valid JSON: {e.msg}", hint=hint, location=Location(source, e.lineno, e.colno)) from e
    except (ValueError, RecursionError) as e:  # e.g. an integer of more digits than Python converts
        raise InputError(f"this JSON cannot be read: {str(e)[:200]}", hint=hint, location=Location(source)) from e


def json_depth(text: str) -> int:
    """The deepest nesting of [ and { outside strings (linear; the loops run in C)."""
    brackets = NOT_BRACKET.sub("", JSON_STRING.sub("", text))
    if len(brackets) <= MAX_JSON_DEPTH:
        return len(brackets)
    return max(accumulate(map(BRACKET_STEP.__getitem__, brackets)), default=0)


def deep_position(text: str, depth: int) -> tuple[int, int]:
    """Line and column of the bracket that first opens level `depth`."""
    level = 0
    for match in JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            level += 1
            if level >= depth:
                at = match.start()
                return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
        elif token in "]}":
            level -= 1
    return 0, 0
