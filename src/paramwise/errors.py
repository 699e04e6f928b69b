"""Errors and warnings. Kinds raise location-free `KindError`s; `infer` and the frontends add where."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# the command's exit codes: a checked claim that is wrong is 1, bad input 2, a missing package 3, a bug 4
EXIT_OK, EXIT_CHECK_FAILED, EXIT_INPUT, EXIT_DEPENDENCY, EXIT_INTERNAL = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class Location:
    """A place in the user's input: 1-based line and column, or a data path in a JSON/config file."""

    file: str
    line: int = 0
    col: int = 0
    source_line: str = ""
    path: str = ""  # data path for config inputs, e.g. layers[3].config.kernel_size

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        if self.path:
            return f"{self.file}:{self.path}"
        return self.file


class ParamwiseError(Exception):
    """Base of every error paramwise reports to a user (never a traceback unless --debug)."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, hint: str = "", location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.location = location

    def render(self) -> str:
        """Compiler-style text: `file:line:col: error: ...`, the line, a caret, a hint."""
        return render_diagnostic("error", self.message, self.location, self.hint)


class KindError(ParamwiseError):
    """A layer kind cannot accept its input or its attributes (no location: infer adds it)."""


class BadValue(KindError):
    """An argument's value is not one the kind takes (`units=-5`, `kernel_size="3"`): `field` names it,
    `expected` says what it takes, and `value` is what it got (for a reader to show in its own words)."""

    def __init__(self, field: str, expected: str, value: object, shown: str) -> None:
        super().__init__(f"'{field}' must be {expected}; got {shown}", hint=f"write {field} as {expected}")
        self.field, self.expected, self.value = field, expected, value

    def reworded(self, show: Callable[[object], str]) -> BadValue:
        """The same error with the value shown by `show` (a source reader says `the function f`)."""
        return BadValue(self.field, self.expected, self.value, show(self.value))


class InputError(ParamwiseError):
    """The user's input cannot be read or makes no model."""


class LimitError(InputError):
    """The input needs more time, memory or work than any model definition would (exit 2, the limit named)."""


class MissingDependency(ParamwiseError):
    """An optional framework is needed for this input and is not installed."""

    exit_code = EXIT_DEPENDENCY


@dataclass(frozen=True)
class Diagnostic:
    """A warning: the run goes on. `code` is stable for tools; `message` is for people."""

    code: str
    message: str
    location: Location | None = None
    hint: str = ""

    def render(self) -> str:
        return render_diagnostic("warning", self.message, self.location, self.hint)

    def to_json(self) -> dict[str, object]:
        loc = self.location
        return {
            "code": self.code,
            "message": self.message,
            "line": loc.line if loc else None,
            "col": loc.col if loc else None,
            "path": loc.path if loc and loc.path else None,
            "hint": self.hint or None,
        }


def render_diagnostic(level: str, message: str, location: Location | None, hint: str) -> str:
    head = f"{location}: {level}: {message}" if location else f"{level}: {message}"
    lines = [head]
    if location and location.source_line:
        lines.append("    " + location.source_line.rstrip())
        lines.append("    " + " " * max(location.col - 1, 0) + "^")
    if hint:
        lines.append(f"hint: {hint}")
    return "\n".join(lines)


def require(module: str, extra: str) -> None:
    """Raise a `MissingDependency` naming the exact pip command when `module` is not installed."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise MissingDependency(
            f"this input needs the optional package '{module}', which is not installed",
            hint=f"pip install 'paramwise[{extra}]'",
        )
