"""The `match` statement: literal, capture, wildcard, sequence, mapping, class and or-patterns, with guards."""

from __future__ import annotations

import ast

from .exceptions import Raised
from .objects import plain
from .values import ClassValue, Instance, Opaque, Scope

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .interpreter import Interpreter


class Unknown(Exception):
    """The subject holds a value paramwise does not read where a pattern looks at it."""


def match_stmt(interp: Interpreter, node: ast.Match, scope: Scope) -> None:
    subject = interp.eval(node.subject, scope)
    for case in node.cases:
        bound: dict[str, Any] = {}
        try:
            matched = matches(interp, case.pattern, subject, bound, scope)
        except Unknown:
            interp.warn("unsupported", "this match statement depends on a value paramwise does not read; no case "
                        "is taken", node=node)
            return
        if not matched:
            continue
        for name, value in bound.items():
            interp.set_name(name, value, scope)
        if case.guard is not None and not interp.truth(interp.eval(case.guard, scope), case.guard):
            continue
        interp.exec_block(case.body, scope)
        return


def matches(interp: Interpreter, pattern: ast.pattern, value: Any, bound: dict[str, Any], scope: Scope) -> bool:
    if isinstance(pattern, ast.MatchAs):
        if pattern.pattern is not None and not matches(interp, pattern.pattern, value, bound, scope):
            return False
        if pattern.name is not None:
            bound[pattern.name] = value
        return True
    if isinstance(pattern, ast.MatchOr):
        return any(matches(interp, p, value, bound, scope) for p in pattern.patterns)
    if isinstance(value, Opaque):
        raise Unknown()
    if isinstance(pattern, ast.MatchValue):
        expected = interp.eval(pattern.value, scope)
        if isinstance(expected, Opaque):
            raise Unknown()
        return bool(plain(value) == expected)
    if isinstance(pattern, ast.MatchSingleton):
        return value is pattern.value
    if isinstance(pattern, ast.MatchSequence):
        data = plain(value)
        if not isinstance(data, (list, tuple)):
            return False
        stars = [i for i, p in enumerate(pattern.patterns) if isinstance(p, ast.MatchStar)]
        if not stars:
            return len(data) == len(pattern.patterns) and all(
                matches(interp, p, v, bound, scope) for p, v in zip(pattern.patterns, data))
        i = stars[0]
        after = len(pattern.patterns) - i - 1
        if len(data) < len(pattern.patterns) - 1:
            return False
        head, middle, tail = data[:i], data[i:len(data) - after], data[len(data) - after:]
        star = pattern.patterns[i]
        if isinstance(star, ast.MatchStar) and star.name:
            bound[star.name] = list(middle)
        return all(matches(interp, p, v, bound, scope) for p, v in zip(pattern.patterns[:i], head)) and all(
            matches(interp, p, v, bound, scope) for p, v in zip(pattern.patterns[i + 1:], tail))
    if isinstance(pattern, ast.MatchMapping):
        data = plain(value)
        if not isinstance(data, dict):
            return False
        for key_node, p in zip(pattern.keys, pattern.patterns):
            key = interp.eval(key_node, scope)
            if key not in data or not matches(interp, p, data[key], bound, scope):
                return False
        if pattern.rest:
            keys = [interp.eval(k, scope) for k in pattern.keys]
            bound[pattern.rest] = {k: v for k, v in data.items() if k not in keys}
        return True
    if isinstance(pattern, ast.MatchClass):
        cls = interp.eval(pattern.cls, scope)
        if not interp.isinstance(value, cls):
            return False
        if pattern.patterns:
            if not (isinstance(cls, ClassValue) and isinstance(value, Instance)):
                return len(pattern.patterns) == 1 and matches(interp, pattern.patterns[0], value, bound, scope)
            names = cls.lookup("__match_args__")[1]
            if not isinstance(names, tuple) or len(names) < len(pattern.patterns):
                return False
            for name, p in zip(names, pattern.patterns):
                if not matches(interp, p, interp.getattr(value, name, pattern), bound, scope):
                    return False
        for name, p in zip(pattern.kwd_attrs, pattern.kwd_patterns):
            try:
                attr = interp.getattr(value, name, pattern)
            except Raised:
                return False
            if not matches(interp, p, attr, bound, scope):
                return False
        return True
    return False
