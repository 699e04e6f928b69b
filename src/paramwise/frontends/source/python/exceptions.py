"""Python's exceptions in the interpreter: the built-in exception classes, `raise`, `try`/`except`/`else`/
`finally`, `with`, and the `if __name__ == "__main__":` block (run as Python runs it, where a failure is a
warning rather than the end of the reading).

A `raise` the code reaches is raised: uncaught, it is the error reported, at the `raise`, naming the exception
and its message. An operation that fails as it fails in Python (a missing attribute, a missing key, a division
by zero) raises the Python exception, so `try`/`except AttributeError` and `hasattr` behave as in Python.
What paramwise itself cannot evaluate is not a Python exception: no `except` catches it.
"""

from __future__ import annotations

import ast
import time

from ....errors import Diagnostic, InputError, LimitError, Location
from .values import ClassValue, Context, HostValue, Instance, Opaque, Scope

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .interpreter import Interpreter

# each built-in exception class and its base
BUILTIN_EXCEPTIONS: dict[str, str] = {
    "BaseException": "", "Exception": "BaseException", "KeyboardInterrupt": "BaseException",
    "SystemExit": "BaseException", "GeneratorExit": "BaseException",
    "ArithmeticError": "Exception", "ZeroDivisionError": "ArithmeticError", "OverflowError": "ArithmeticError",
    "FloatingPointError": "ArithmeticError", "AssertionError": "Exception", "AttributeError": "Exception",
    "FrozenInstanceError": "AttributeError", "LookupError": "Exception", "IndexError": "LookupError",
    "KeyError": "LookupError", "ImportError": "Exception", "ModuleNotFoundError": "ImportError",
    "NameError": "Exception", "UnboundLocalError": "NameError", "OSError": "Exception", "IOError": "Exception",
    "FileNotFoundError": "OSError", "FileExistsError": "OSError", "PermissionError": "OSError",
    "RuntimeError": "Exception", "NotImplementedError": "RuntimeError", "RecursionError": "RuntimeError",
    "StopIteration": "Exception", "TypeError": "Exception", "ValueError": "Exception",
    "UnicodeError": "ValueError", "UnicodeDecodeError": "UnicodeError", "Warning": "Exception",
    "UserWarning": "Warning", "DeprecationWarning": "Warning", "RuntimeWarning": "Warning",
}


class ExceptionClass(HostValue):
    """A built-in exception class (`ValueError`); the file's own exception classes derive from these."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<class {self.name}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExceptionClass) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("exception", self.name))

    def lineage(self) -> list[str]:
        names, name = [], self.name
        while name:
            names.append(name)
            name = BUILTIN_EXCEPTIONS.get(name, "")
        return names

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name == "__name__":
            return self.name
        raise AttributeError(name)

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return ExceptionValue(self, tuple(args))

    def py_instancecheck(self, value: Any) -> bool:
        return self.name in lineage_of(value)

    def py_instance_init(self, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
        instance.attrs["args"] = tuple(args)

    def py_instance_getattr(self, instance: Instance, name: str, ctx: Context) -> Any:
        if name == "args":
            return ()
        raise AttributeError(name)


class ExceptionValue(HostValue):
    """An instance of a built-in exception class: `ValueError("bad size")`."""

    def __init__(self, cls: ExceptionClass, args: tuple[Any, ...]) -> None:
        self.cls = cls
        self.args = args

    def __repr__(self) -> str:
        return f"<{self.cls.name}>"

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name == "args":
            return self.args
        if name == "__class__":
            return self.cls
        raise AttributeError(name)


def exception(name: str, message: str) -> ExceptionValue:
    return ExceptionValue(ExceptionClass(name), (message,))


def lineage_of(value: Any) -> list[str]:
    """The names of an exception's class and of every class above it."""
    if isinstance(value, ExceptionValue):
        return value.cls.lineage()
    if isinstance(value, Instance):
        names: list[str] = []
        for cls in value.cls.mro():
            if isinstance(cls, ClassValue):
                names.append(cls.name)
            elif isinstance(cls, ExceptionClass):
                names.extend(cls.lineage())
        return names
    return []


class Raised(InputError):
    """An exception the code raises, or that an operation raises as it does in Python. `except` clauses
    catch it; uncaught, it is the error paramwise reports."""

    def __init__(self, value: Any, message: str, location: Location | None = None, hint: str = "") -> None:
        super().__init__(message, hint=hint, location=location)
        self.value = value

    def is_a(self, name: str) -> bool:
        return name in lineage_of(self.value)


def python_error(interp: Interpreter, name: str, message: str, node: ast.AST | None, hint: str = "") -> Raised:
    """The Python exception `name` that an operation raises, reported (when uncaught) with `message`."""
    return Raised(exception(name, message), message, interp.location(node or interp.current), hint)


def message_of(value: Any) -> str:
    args = value.args if isinstance(value, ExceptionValue) else value.attrs.get("args", ()) if isinstance(value, Instance) else ()
    if isinstance(args, tuple) and args and isinstance(args[0], (str, int, float)):
        return str(args[0])[:200]
    return ""


def raise_stmt(interp: Interpreter, node: ast.Raise, scope: Scope) -> None:
    if node.exc is None:
        if interp.handling:
            raise interp.handling[-1]
        raise interp.error("'raise' with no exception outside an 'except' block", node)
    value = interp.eval(node.exc, scope)
    if isinstance(value, (ExceptionClass, ClassValue)):
        value = interp.call(value, [], {}, node)
    if interp.guessing:
        interp.warn("unsupported", "this raise is reached only through a condition paramwise cannot evaluate; it is "
                    "not taken, and what follows is read as if the condition were false", node=node)
        return
    names = lineage_of(value)
    if not names:
        shown = value.what if isinstance(value, Opaque) else "an exception"
        raise Raised(value, f"the code raises {shown} here", interp.location(node))
    message = message_of(value)
    text = f"{names[0]}: {message}" if message else names[0]
    raise Raised(value, f"the code raises {text}", interp.location(node),
                 hint="Python stops here too: the model cannot be built with these values")


def assert_stmt(interp: Interpreter, node: ast.Assert, scope: Scope) -> None:
    """An assertion on plain values that fails raises AssertionError, as Python does; one paramwise cannot
    evaluate (on data it does not read, on unknown sizes) is passed over."""
    before = interp.opaque_tests
    try:
        value = interp.eval(node.test, scope)
    except LimitError:
        raise
    except InputError:
        return
    known = interp.opaque_tests == before and not interp.guessing
    if known and isinstance(value, (bool, int, float, str, tuple, list, dict)) and not value:
        message = interp.eval(node.msg, scope) if node.msg is not None else ""
        text = f"AssertionError: {message}" if isinstance(message, (str, int, float)) and message != "" else \
            f"AssertionError: {ast.unparse(node.test)[:80]}"
        raise Raised(python_error(interp, "AssertionError", str(message), node).value, f"the code raises {text}",
                     interp.location(node), hint="Python stops here too: the model cannot be built with these values")


def handler_matches(interp: Interpreter, handler: ast.ExceptHandler, error: Raised, scope: Scope) -> bool:
    if handler.type is None:
        return True
    wanted = interp.eval(handler.type, scope)
    for t in wanted if isinstance(wanted, tuple) else (wanted,):
        if isinstance(t, ExceptionClass) and error.is_a(t.name):
            return True
        if isinstance(t, ClassValue) and isinstance(error.value, Instance) and t in list(error.value.cls.mro()):
            return True
    return False


def try_stmt(interp: Interpreter, node: ast.Try, scope: Scope, control: tuple[type[BaseException], ...]) -> None:
    try:
        try:
            interp.exec_block(node.body, scope)
        except Raised as error:
            if isinstance(error, LimitError):
                raise
            handler = next((h for h in node.handlers if handler_matches(interp, h, error, scope)), None)
            if handler is None:
                raise
            if handler.name:
                interp.set_name(handler.name, error.value, scope)
            interp.handling.append(error)
            try:
                interp.exec_block(handler.body, scope)
            finally:
                interp.handling.pop()
                if handler.name:
                    scope.vars.pop(handler.name, None)
        else:
            interp.exec_block(node.orelse, scope)
    except LimitError:
        raise
    except Raised:
        interp.exec_block(node.finalbody, scope)
        raise
    except control:
        interp.exec_block(node.finalbody, scope)
        raise
    interp.exec_block(node.finalbody, scope)


def with_stmt(interp: Interpreter, node: ast.With, scope: Scope) -> None:
    """`with x as y:` calls the file's own `__enter__`/`__exit__`; a framework's context (torch.no_grad())
    or an outside one (open(...)) is entered as itself."""
    exits = []
    for item in node.items:
        value = interp.eval(item.context_expr, scope)
        entered = value
        if isinstance(value, Instance):
            found, enter = value.cls.lookup("__enter__")
            if found:
                entered = interp.call(interp.bind_member(enter, value, Context(interp, item.context_expr)), [], {}, node)
            found, leave = value.cls.lookup("__exit__")
            if found:
                exits.append(interp.bind_member(leave, value, Context(interp, item.context_expr)))
        if item.optional_vars is not None:
            interp.assign(item.optional_vars, entered, scope)
    try:
        interp.exec_block(node.body, scope)
    except Raised as error:
        if isinstance(error, LimitError):
            raise
        suppressed = False
        for leave in reversed(exits):
            suppressed = interp.truth(interp.call(leave, [error.value, error.value, None], {}, node), node) or suppressed
        if not suppressed:
            raise
        return
    for leave in reversed(exits):
        interp.call(leave, [None, None, None], {}, node)


def is_main_test(test: ast.expr) -> bool:
    """`__name__ == "__main__"` (either way round)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)


def main_block(interp: Interpreter, node: ast.If, scope: Scope) -> None:
    """The `if __name__ == "__main__":` block runs (the file is the main program), but it demonstrates or
    trains: where it fails, the failure is a warning, and what it built before is kept. The work it used is
    given back, so a long training loop does not starve the reading of the model."""
    steps, clock = interp.steps, time.process_time()
    try:
        interp.exec_block(node.body, scope)
    except InputError as e:
        where = e.location or interp.location(node)
        interp.warnings.append(Diagnostic(
            "not_run", f'the `if __name__ == "__main__":` block stops here ({e.message}); the rest of it is not read',
            where, hint="models built in the block before this point are still found"))
        interp.steps = steps
        interp.started += time.process_time() - clock
        interp.next_clock = interp.steps + 1  # the next step reads the clock and sets when it is read again
