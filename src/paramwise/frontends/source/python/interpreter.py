"""A small, bounded interpreter for the subset of Python that model-building code uses.

Nothing from the input is executed, imported, unpickled or passed to `eval`/`exec`: this module walks the
`ast` itself. It knows literals, names, arithmetic, calls of the file's own functions and classes, loops,
comprehensions, f-strings and a whitelist of methods on plain data (list.append, str.format ...).
Framework objects (keras.layers.Dense, nn.Conv2d ...) are `HostValue`s supplied by a frontend; anything
else the code touches (optimizers, datasets, file I/O) becomes an `Opaque` value that absorbs every
operation and does nothing.

Every read is bounded: a step budget and a wall-clock budget for the whole read, a limit on nested calls and
on nested expressions, and limits on what one operation may make (the length of a list or string, the bits
of an integer, the nesting of containers), checked before the operation runs. No value the code can reach
leads to Python objects of paramwise itself: methods of plain data are offered through a whitelist, format
strings may name only plain fields, and messages describe values instead of showing internal reprs.
"""

from __future__ import annotations

import ast
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ....errors import Diagnostic, InputError, LimitError, Location
from ....formula import symbol
from . import calls, expressions, limits, members, statements, text
from .builtins import _preview
from .exceptions import Raised
from .imports import SOURCE_ATTRIBUTE, ModuleLoader, ModuleValue
from .limits import LIMIT_HINT as LIMIT_HINT  # the readers' hint on a limit, offered here too
from .limits import RECURSION_LIMIT
from .values import Context, Scope

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def _seconds_from_env(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value >= 0 and value == value else default


MAX_STEPS = 2_000_000  # interpreter steps for the whole read (all builder functions share them)
# CPU seconds for evaluating one file (0: none); PARAMWISE_TIME_LIMIT, read when a reading starts, sets it as it
# sets the CLI's. CPU time, not wall time: on a busy machine a real 10,000-layer model must not be cut short.
TIME_LIMIT = 4.0


def time_limit() -> float:
    return _seconds_from_env("PARAMWISE_TIME_LIMIT", TIME_LIMIT)


class Interpreter:
    """Walks a module's AST. `modules` resolves imports to host values; `undefined` handles unknown names.

    The state of a read (scopes, budgets, warnings) and its diagnostics live here; what the interpreter does is
    written as functions of it, one module per concern (statements, expressions, members, calls, limits),
    which the class gathers as its methods below: the helper modules call `interp.eval`, `interp.call` ...
    without knowing which module holds them."""

    def __init__(
        self,
        filename: str,
        source: str,
        modules: Callable[[str], Any],
        undefined: Callable[[str, Context], Any] | None = None,
        loader: ModuleLoader | None = None,
        main: bool = True,
    ) -> None:
        self.filename = filename
        self.lines = source.splitlines()
        self.modules = modules
        self.undefined = undefined
        self.loader = loader  # the project's modules (imports.py), None: every import not known to paramwise is unknown
        self.loaded: dict[str, ModuleValue] = {}  # the project's modules run so far, by key (Python's sys.modules)
        self.module_keys: dict[int, str] = {}  # id of a module's global scope -> its key
        self.importing: list[str] = []  # the modules being run, each importing the next
        self.trying: list[ast.Try] = []  # the `try` statements being run, innermost last
        self.steps = 0
        self.depth = 0
        self.warnings: list[Diagnostic] = []
        self.globals = Scope(None, "module")
        self.current: ast.AST | None = None
        self.symbols: dict[str, Location] = {}  # undefined names read as unknown sizes, where first seen
        self.loops: list[ast.AST] = []  # the loops being run, outermost first (named by the step-budget error)
        self.time_limit = time_limit()
        self.started = time.process_time()
        self.next_clock = 1024  # the step count at which the clock is read next
        self.nesting = 0  # expressions being evaluated, one inside the other
        self.last: ast.AST | None = None  # the expression being evaluated (where a RecursionError is reported)
        self.warned: set[str] = set()
        self.tuple_depths: dict[int, tuple[Any, int]] = {}  # nesting of the nested tuples made (they never change)
        self.handling: list[Raised] = []  # the exceptions being handled (a bare `raise` raises the last)
        self.opaque_tests = 0  # conditions decided on a value paramwise does not read (counted as they are met)
        self.guessing = 0  # > 0 while running a branch chosen by such a condition
        # run as the main program (`python file.py`), or imported as a module (`file.py:Name`, like uvicorn's
        # module:app): then `if __name__ == "__main__":` blocks do not run
        self.globals.vars["__name__"] = "__main__" if main else module_name(filename)
        self.star_imports: list[str] = []  # `from keras.layers import *` in the file being read, in order
        self.derived: dict[str, tuple[Location, str]] = {}  # unknown sizes named by the variable they are assigned to
        # what the framework reader keeps for this read, by its own names (the torch reader's tracer while forward
        # is followed, and the shapes the file calls its modules with)
        self.reader: dict[str, Any] = {}

    def make_symbol(self, name: str, node: ast.AST | None) -> Any:
        """An undefined name read as an unknown positive integer size (e.g. `img_SIZE`)."""
        self.symbols.setdefault(name, self.location(node))
        return symbol(name)

    def forget_symbol(self, name: str) -> None:
        self.symbols.pop(name, None)

    # -- diagnostics ---------------------------------------------------------------------------
    def location(self, node: ast.AST | None) -> Location:
        line = getattr(node, "lineno", 0) or 0
        col = (getattr(node, "col_offset", 0) or 0) + 1
        filename, lines = getattr(node, SOURCE_ATTRIBUTE, None) or (self.filename, self.lines)
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return Location(filename, line, col, text)

    def warn(self, code: str, message: str, hint: str = "", node: ast.AST | None = None) -> None:
        """Record a warning once per message (a name missing in ten places is one warning)."""
        if message in self.warned:
            return
        self.warned.add(message)
        self.warnings.append(Diagnostic(code, message, self.location(node or self.current), hint))

    def error(self, message: str, node: ast.AST | None, hint: str = "") -> InputError:
        return InputError(message, hint=hint, location=self.location(node or self.current))

    def limit(self, message: str, node: ast.AST | None, hint: str = LIMIT_HINT) -> LimitError:
        return LimitError(message, hint=hint, location=self.location(node or self.current))

    def tick(self, node: ast.AST, n: int = 1) -> None:
        """Count `n` steps of work (and read the clock every thousand) against the budgets of the whole read."""
        self.steps += n
        if self.steps > MAX_STEPS:
            raise self.limit(
                f"the model code takes more than {MAX_STEPS:,} steps to evaluate; stopped",
                self.loops[0] if self.loops else node,  # the outermost loop still running
                hint="paramwise reads code without running it; a loop this long is probably not building a model",
            )
        if self.steps >= self.next_clock:
            self.next_clock = min(self.steps + 1024, MAX_STEPS + 1)  # see evaluate: it calls tick() at next_clock
            if self.time_limit and time.process_time() - self.started > self.time_limit:
                self.next_clock = 0  # spent for the rest of the read: every later step stops at once
                raise self.limit(
                    f"the model code takes more than {self.time_limit:g} s to evaluate; stopped",
                    self.loops[0] if self.loops else node,
                    hint="paramwise reads code without running it; if this file does build a model, allow more time "
                    "with PARAMWISE_TIME_LIMIT=SECONDS",
                )

    # -- the concerns, one module each (the way a type checker splits statements, expressions and members)
    # statements.py: running modules, blocks and statements; assignment
    run_module = statements.run_module
    run_in = statements.run_in
    exec_block = statements.exec_block
    exec_stmt = statements.exec_stmt
    eval_named = statements.eval_named
    derived_symbol = statements.derived_symbol
    run_for = statements.run_for
    run_while = statements.run_while
    import_module = statements.import_module
    delattr = statements.delete_attribute
    delitem = statements.delete_item
    set_name = statements.set_name
    assign = statements.assign
    # expressions.py: evaluating expressions, truth, iteration, arithmetic
    eval = expressions.evaluate
    elements = expressions.elements
    comprehension = expressions.comprehension
    truth = expressions.truth
    iterate = expressions.iterate
    binop = expressions.binop
    check_binop = expressions.check_binop
    # members.py: attributes, binding, super(), isinstance
    getattr = members.get_attribute
    setattr = members.set_attribute
    instance_getattr = members.instance_getattr
    bind_member = members.bind_member
    make_super = members.make_super
    super_getattr = members.super_getattr
    isinstance = members.is_instance
    # calls.py: calls of functions, classes, builtins and methods of plain data; argument binding
    call = calls.call
    undefined_object = calls.undefined_object
    call_safe = calls.call_safe
    call_builtin = calls.call_builtin
    call_method = calls.call_method
    instantiate = calls.instantiate
    call_function = calls.call_function
    bind_arguments = calls.bind_arguments
    # limits.py: what one operation may make
    check_size = limits.check_size
    check = limits.check
    check_nesting = limits.check_nesting
    nesting_of = limits.nesting_of
    items = limits.items
    hashing = limits.hashing
    check_sum = limits.check_sum

    # -- text: str(), repr(), f-strings, str.format, % (text.py) -----------------------------------
    def text(self, value: Any, conversion: str, node: ast.AST | None) -> str:
        return text.text(self, value, conversion, node)

    def format_value(self, value: Any, spec: str, node: ast.AST) -> str:
        return text.format_value(self, value, spec, node)

    def str_format(self, fmt: str, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> str:
        return text.str_format(self, fmt, args, kwargs, node)

    def percent(self, fmt: str | bytes, values: Any, node: ast.AST) -> Any:
        return text.percent(self, fmt, values, node)


class Guard:
    """What `guarded` reports a RecursionError or MemoryError at: the interpreter's place, once it has one."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.interp: Interpreter | None = None

    def location(self) -> Location:
        if self.interp is None:
            return Location(self.filename)
        return self.interp.location(self.interp.last or self.interp.current)


@contextmanager
def guarded(filename: str) -> Iterator[Guard]:
    """Read one source file with Python's recursion limit at RECURSION_LIMIT (the interpreter's own limits stop
    far below it); a RecursionError or MemoryError that what is read still causes is a located LimitError."""
    guard = Guard(filename)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, RECURSION_LIMIT))
    try:
        yield guard
    except RecursionError:
        raise LimitError("this code nests too deeply to read; stopped", hint=LIMIT_HINT, location=guard.location()) from None
    except MemoryError:
        raise LimitError("this code needs more memory to read than a model definition would; stopped", hint=LIMIT_HINT,
                         location=guard.location()) from None
    finally:
        sys.setrecursionlimit(old)


def preview(value: Any) -> str:
    """A value as an error message quotes it (data in a short Python form, the interpreter's objects in words)."""
    return _preview(value)


def symbol_warnings(interp: Interpreter) -> list[Diagnostic]:
    """One warning per name the file leaves undefined, read as an unknown size, and per name given a size
    paramwise does not read."""
    return [
        Diagnostic(
            "unknown_size",
            f"'{name}' is computed from {what}, which paramwise does not read; it is read as an unknown size, and "
            "counts that depend on it are formulas in it",
            location,
            hint=f"bind it with --set {name}=VALUE",
        )
        for name, (location, what) in interp.derived.items()
    ] + [
        Diagnostic(
            "unknown_size",
            f"'{name}' is not defined; it is read as an unknown size, and counts that depend on it are formulas in it",
            location,
            hint=f"bind it with --set {name}=VALUE",
        )
        for name, location in interp.symbols.items()
    ]


def module_name(filename: str) -> str:
    """The name a file has when it is imported: its stem (`models/net.py` -> `net`)."""
    stem = os.path.splitext(os.path.basename(filename))[0]
    return stem if stem.isidentifier() else "module"
