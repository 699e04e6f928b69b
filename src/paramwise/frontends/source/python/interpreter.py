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
import operator
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ....errors import Diagnostic, InputError, LimitError, Location
from ....formula import symbol
from . import protocol, text
from .builtins import (
    BINOPS,
    CMPOPS,
    CONTAINERS,
    MAX_INT_BITS,
    SAFE_BUILTINS,
    SAFE_METHODS,
    UNSAFE_BUILTINS,
    _Builtin,
    _describe,
    _dotted,
    _exact,
    _HostInit,
    _is_plain,
    _is_scalar,
    _is_symbolic,
    _kind,
    _Method,
    _Noop,
    _op_text,
    _preview,
    _range_len,
    _symbol_hint,
)
from .exceptions import (
    BUILTIN_EXCEPTIONS,
    ExceptionClass,
    Raised,
    assert_stmt,
    is_main_test,
    main_block,
    python_error,
    raise_stmt,
    try_stmt,
    with_stmt,
)
from .objects import (
    LocalsFunction,
    builtin_class_attribute,
    data_base,
    fill_data,
    instance_special,
    new_data,
    plain,
    type_of,
    vars_of,
)
from .records import decorate_class, is_frozen
from .sizes import UnreadSize, _size_path
from .stdlib import MODULES as STD_MODULES
from .stdlib import resolve as resolve_std
from .values import (
    BoundMethod,
    ClassValue,
    Context,
    Function,
    HostValue,
    Instance,
    Opaque,
    Property,
    Scope,
    SuperProxy,
)


def _seconds_from_env(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value >= 0 and value == value else default


MAX_STEPS = 2_000_000  # interpreter steps for the whole read (all builder functions share them)
MAX_DEPTH = 60  # nested calls of the file's own functions
MAX_SIZE = 1_000_000  # longest list, tuple, dict, set or string (items or characters) one operation may make
MAX_NESTING = 100  # containers nested in containers (a 300,000-deep tuple used as a key crashes CPython)
MAX_EXPR_DEPTH = 250  # expressions nested in expressions, across calls (`1+1+...`, `f()()()`, `x[0][0]...`)
RECURSION_LIMIT = 4000  # Python frames allowed while reading (the limits above stay far below it)
# CPU seconds for evaluating one file (0: none); PARAMWISE_TIME_LIMIT, read when a reading starts, sets it as it
# sets the CLI's. CPU time, not wall time: on a busy machine a real 10,000-layer model must not be cut short.
TIME_LIMIT = 4.0


def time_limit() -> float:
    return _seconds_from_env("PARAMWISE_TIME_LIMIT", TIME_LIMIT)
LIMIT_HINT = "paramwise reads code without running it; code that needs this much is probably not building a model"


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class Interpreter:
    """Walks a module's AST. `modules` resolves imports to host values; `undefined` handles unknown names."""

    def __init__(
        self,
        filename: str,
        source: str,
        modules: Callable[[str], Any],
        undefined: Callable[[str, Context], Any] | None = None,
    ) -> None:
        self.filename = filename
        self.lines = source.splitlines()
        self.modules = modules
        self.undefined = undefined
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
        self.globals.vars["__name__"] = "__main__"
        self.derived: dict[str, tuple[Location, str]] = {}  # unknown sizes named by the variable they are assigned to

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
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return Location(self.filename, line, col, text)

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
            self.next_clock = self.steps + 1024
            if self.time_limit and time.process_time() - self.started > self.time_limit:
                self.next_clock = 0  # spent for the rest of the read: every later step stops at once
                raise self.limit(
                    f"the model code takes more than {self.time_limit:g} s to evaluate; stopped",
                    self.loops[0] if self.loops else node,
                    hint="paramwise reads code without running it; if this file does build a model, allow more time "
                    "with PARAMWISE_TIME_LIMIT=SECONDS",
                )

    # -- statements ----------------------------------------------------------------------------
    def run_module(self, tree: ast.Module) -> Scope:
        try:
            self.exec_block(tree.body, self.globals)
        except _Return:  # a `raise` at module level: Python would stop there too
            self.warn("not_run", "the code raises an exception at module level; what follows it is not read")
        return self.globals

    def exec_block(self, body: list[ast.stmt], scope: Scope) -> None:
        for stmt in body:
            self.exec_stmt(stmt, scope)

    def exec_stmt(self, node: ast.stmt, scope: Scope) -> None:
        self.tick(node)
        self.current = node
        method = getattr(self, f"stmt_{type(node).__name__}", None)
        if method is None:
            return  # unsupported statements (match, async ...) are skipped
        method(node, scope)

    def stmt_Expr(self, node: ast.Expr, scope: Scope) -> None:
        self.eval(node.value, scope)

    def stmt_Assign(self, node: ast.Assign, scope: Scope) -> None:
        value = self.eval_named(node.value, node.targets[-1], scope)
        for target in node.targets:
            self.assign(target, value, scope)

    def stmt_AnnAssign(self, node: ast.AnnAssign, scope: Scope) -> None:
        if node.value is not None:
            self.assign(node.target, self.eval_named(node.value, node.target, scope), scope)

    def eval_named(self, value: ast.expr, target: ast.expr, scope: Scope) -> Any:
        """The value of `name = value`; a size computed from what paramwise does not read (`len(df.columns)`,
        `X.shape[1]`) is the unknown size `name`, which --set binds."""
        try:
            return self.eval(value, scope)
        except UnreadSize as e:
            if not isinstance(target, ast.Name) or not _size_path(value, e.node):
                raise
            return self.derived_symbol(target.id, e.what, target)

    def derived_symbol(self, name: str, what: str, node: ast.AST) -> Any:
        if self.undefined is not None and name not in self.symbols:  # a value given with --set NAME=VALUE
            bound = self.undefined(name, Context(self, node))
            self.forget_symbol(name)
            if isinstance(bound, (int, float)) and not isinstance(bound, bool):
                return bound
        self.derived.setdefault(name, (self.location(node), what))
        return symbol(name)

    def stmt_AugAssign(self, node: ast.AugAssign, scope: Scope) -> None:
        current = self.eval(_load(node.target), scope)
        value = self.binop(type(node.op), current, self.eval(node.value, scope), node)
        self.assign(node.target, value, scope)

    def stmt_FunctionDef(self, node: ast.FunctionDef, scope: Scope) -> None:
        decorators = tuple(_dotted(d) for d in node.decorator_list)
        func: Any = Function(node.name, node, scope, decorators=decorators)
        if "property" in decorators:
            func = Property(func)
        self.set_name(node.name, func, scope)

    stmt_AsyncFunctionDef = stmt_FunctionDef

    def stmt_ClassDef(self, node: ast.ClassDef, scope: Scope) -> None:
        bases = [self.eval(b, scope) for b in node.bases]
        body = Scope(scope, "class")
        self.exec_block(node.body, body)
        cls = ClassValue(node.name, bases, body.vars, node)
        for value in body.vars.values():
            if isinstance(value, Function):
                value.owner = cls
            elif isinstance(value, Property):
                value.getter.owner = cls
        self.set_name(node.name, decorate_class(self, cls, scope), scope)

    def stmt_Return(self, node: ast.Return, scope: Scope) -> None:
        raise _Return(self.eval(node.value, scope) if node.value is not None else None)

    def stmt_If(self, node: ast.If, scope: Scope) -> None:
        if scope.kind == "module" and is_main_test(node.test) and scope.vars.get("__name__") == "__main__":
            main_block(self, node, scope)
            return
        before = self.opaque_tests
        taken = self.truth(self.eval(node.test, scope), node.test)
        branch = node.body if taken else node.orelse
        guessed = self.opaque_tests != before
        if guessed:
            protocol.warn_guess(self, node.test, f"the condition `{ast.unparse(node.test)[:60]}`", node.body + node.orelse)
        self.guessing += guessed
        try:
            self.exec_block(branch, scope)
        finally:
            self.guessing -= guessed

    def stmt_For(self, node: ast.For, scope: Scope) -> None:
        self.loops.append(node)
        try:
            self.run_for(node, scope)
        finally:
            self.loops.pop()

    def run_for(self, node: ast.For, scope: Scope) -> None:
        broke = False
        source = self.eval(node.iter, scope)
        if isinstance(source, Opaque):
            protocol.warn_guess(self, node.iter, f"the loop over `{ast.unparse(node.iter)[:60]}`", node.body)
        for item in self.iterate(source, node.iter):
            self.tick(node)
            self.assign(node.target, item, scope)
            try:
                self.exec_block(node.body, scope)
            except _Break:
                broke = True
                break
            except _Continue:
                continue
        if not broke:
            self.exec_block(node.orelse, scope)

    def stmt_While(self, node: ast.While, scope: Scope) -> None:
        self.loops.append(node)
        try:
            self.run_while(node, scope)
        finally:
            self.loops.pop()

    def run_while(self, node: ast.While, scope: Scope) -> None:
        while self.truth(self.eval(node.test, scope), node.test):
            self.tick(node)
            try:
                self.exec_block(node.body, scope)
            except _Break:
                return
            except _Continue:
                continue
        self.exec_block(node.orelse, scope)

    def stmt_Break(self, node: ast.Break, scope: Scope) -> None:
        raise _Break()

    def stmt_Continue(self, node: ast.Continue, scope: Scope) -> None:
        raise _Continue()

    def stmt_With(self, node: ast.With, scope: Scope) -> None:
        with_stmt(self, node, scope)

    stmt_AsyncWith = stmt_With

    def stmt_Try(self, node: ast.Try, scope: Scope) -> None:
        try_stmt(self, node, scope, (_Return, _Break, _Continue))

    stmt_TryStar = stmt_Try

    def stmt_Match(self, node: Any, scope: Scope) -> None:
        from .matching import match_stmt

        match_stmt(self, node, scope)

    def stmt_Import(self, node: ast.Import, scope: Scope) -> None:
        for alias in node.names:
            if alias.asname:
                self.set_name(alias.asname, self.import_module(alias.name), scope)
            else:
                top = alias.name.split(".")[0]
                self.set_name(top, self.import_module(top), scope)

    def stmt_ImportFrom(self, node: ast.ImportFrom, scope: Scope) -> None:
        module = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                continue
            full = f"{module}.{alias.name}"
            value = resolve_std(full, self) if module.split(".")[0] in STD_MODULES else None
            if value is None:
                value = self.modules(full)
            if value is None:
                value = self.getattr(self.import_module(module), alias.name, node)
            self.set_name(alias.asname or alias.name, value, scope)

    def import_module(self, name: str) -> Any:
        value = resolve_std(name, self) if name in STD_MODULES else None
        if value is None:
            value = self.modules(name)
        return value if value is not None else Opaque(f"module {name}")

    def stmt_Global(self, node: ast.Global, scope: Scope) -> None:
        scope.globals_declared.update(node.names)

    stmt_Nonlocal = stmt_Global

    def stmt_Delete(self, node: ast.Delete, scope: Scope) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                scope.vars.pop(target.id, None)
            elif isinstance(target, ast.Attribute):
                self.delattr(self.eval(target.value, scope), target.attr, target)
            elif isinstance(target, ast.Subscript):
                self.delitem(self.eval(target.value, scope), self.eval(target.slice, scope), target)
            elif isinstance(target, (ast.Tuple, ast.List)):
                self.stmt_Delete(ast.copy_location(ast.Delete(list(target.elts)), node), scope)

    def delattr(self, obj: Any, name: str, node: ast.AST) -> None:
        protocol.delattr(self, obj, name, node)

    def delitem(self, obj: Any, key: Any, node: ast.AST) -> None:
        protocol.delitem(self, obj, key, node)

    def stmt_Assert(self, node: ast.Assert, scope: Scope) -> None:
        assert_stmt(self, node, scope)

    def stmt_Raise(self, node: ast.Raise, scope: Scope) -> None:
        raise_stmt(self, node, scope)

    # -- assignment ----------------------------------------------------------------------------
    def set_name(self, name: str, value: Any, scope: Scope) -> None:
        if name in scope.globals_declared:
            scope.root().vars[name] = value
        else:
            scope.vars[name] = value

    def assign(self, target: ast.expr, value: Any, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            self.set_name(target.id, value, scope)
        elif isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value, Opaque):  # each name gets a part of what paramwise does not read
                sizes = value.what.endswith(".shape")  # `n, d = X.shape`: each name is an unknown size
                value = [self.derived_symbol(t.id, f"{value.what}[{i}]", t) if sizes and isinstance(t, ast.Name)
                         else Opaque(f"{value.what}[{i}]") for i, t in enumerate(target.elts)]
            items = list(self.iterate(value, target))
            starred = [i for i, t in enumerate(target.elts) if isinstance(t, ast.Starred)]
            if starred:
                i = starred[0]
                after = len(target.elts) - i - 1
                items = items[:i] + [items[i : len(items) - after]] + items[len(items) - after :]
            if len(items) != len(target.elts):
                raise self.error(f"cannot unpack {len(items)} values into {len(target.elts)} names", target)
            for t, v in zip(target.elts, items):
                self.assign(t.value if isinstance(t, ast.Starred) else t, v, scope)
        elif isinstance(target, ast.Attribute):
            self.setattr(self.eval(target.value, scope), target.attr, value, target)
        elif isinstance(target, ast.Subscript):
            obj = self.eval(target.value, scope)
            key = self.eval(target.slice, scope)
            if isinstance(obj, Instance):
                found, method = obj.cls.lookup("__setitem__")
                if found:
                    self.call(self.bind_member(method, obj, Context(self, target)), [key, value], {}, target)
                    return
                obj = plain(obj)
            if isinstance(obj, HostValue) and hasattr(obj, "py_setitem"):
                obj.py_setitem(key, value, Context(self, target))
            elif isinstance(obj, (list, dict)):
                try:
                    obj[key] = value
                except (IndexError, TypeError, KeyError) as e:
                    raise self.error(f"cannot assign item: {e}", target) from e

    def setattr(self, obj: Any, name: str, value: Any, node: ast.AST, raw: bool = False, host: bool = True) -> None:
        """`obj.name = value`; `raw` is object.__setattr__ (a class's own __setattr__ is not called), and
        `host` False leaves a framework base out (object.__setattr__ on an nn.Module subclass)."""
        ctx = Context(self, node)
        if isinstance(obj, Instance):
            if not raw:
                found, method = obj.cls.lookup("__setattr__")
                if found:
                    self.call(self.bind_member(method, obj, ctx), [name, value], {}, node)
                    return
                if is_frozen(obj.cls):
                    raise python_error(self, "FrozenInstanceError", f"cannot assign to field '{name}'", node)
            if name == "__dict__":
                if value is obj and isinstance(obj.data, dict):
                    obj.attrs = obj.data
                elif isinstance(value, dict):
                    obj.attrs = value
                else:
                    raise python_error(self, "TypeError", "__dict__ must be set to a dictionary", node)
                return
            obj.attrs[name] = value
            base = obj.cls.host_base()
            if base is not None and host:
                base.py_instance_setattr(obj, name, value, ctx)
        elif isinstance(obj, HostValue):
            obj.py_setattr(name, value, ctx)
        elif isinstance(obj, ClassValue):
            obj.namespace[name] = value

    # -- expressions ---------------------------------------------------------------------------
    def eval(self, node: ast.expr, scope: Scope) -> Any:
        self.tick(node)
        method = getattr(self, f"expr_{type(node).__name__}", None)
        if method is None:
            self.warn("unsupported", f"{type(node).__name__} expressions are not evaluated", node=node)
            return Opaque(type(node).__name__)
        if self.nesting >= MAX_EXPR_DEPTH:
            raise self.limit(f"expressions nest deeper than {MAX_EXPR_DEPTH} levels here; stopped", node)
        self.nesting += 1
        self.last = node
        try:
            return method(node, scope)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError, ArithmeticError) as e:
            # an operation on values paramwise does not model in detail: the input's error, not paramwise's
            raise self.error(f"paramwise cannot evaluate this expression ({type(e).__name__})", node) from e
        finally:
            self.nesting -= 1

    def expr_Constant(self, node: ast.Constant, scope: Scope) -> Any:
        return node.value

    def expr_Name(self, node: ast.Name, scope: Scope) -> Any:
        found, value = scope.lookup(node.id)
        if found:
            return value
        if node.id in SAFE_BUILTINS or node.id in ("print", "isinstance", "super", "map", "filter", "hasattr",
                                                   "type", "object", "property", "staticmethod", "classmethod",
                                                   "getattr", "setattr", "delattr", "vars", "issubclass",
                                                   "callable", "iter", "next"):
            return _Builtin(node.id)
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        if node.id == "locals":
            return LocalsFunction(scope)
        if node.id in UNSAFE_BUILTINS:
            self.warn("not_run", f"'{node.id}' is not run: paramwise only reads the file", node=node)
            return Opaque(node.id)
        if node.id in BUILTIN_EXCEPTIONS and node.id != "FrozenInstanceError":
            return ExceptionClass(node.id)
        if self.undefined is not None:
            return self.undefined(node.id, Context(self, node))
        raise self.error(f"name '{node.id}' is not defined", node)

    def expr_Attribute(self, node: ast.Attribute, scope: Scope) -> Any:
        return self.getattr(self.eval(node.value, scope), node.attr, node)

    def expr_BinOp(self, node: ast.BinOp, scope: Scope) -> Any:
        return self.binop(type(node.op), self.eval(node.left, scope), self.eval(node.right, scope), node)

    def expr_UnaryOp(self, node: ast.UnaryOp, scope: Scope) -> Any:
        value = self.eval(node.operand, scope)
        if isinstance(node.op, ast.Not):
            return not self.truth(value, node)
        if isinstance(value, Instance):
            found, method = value.cls.lookup({ast.USub: "__neg__", ast.UAdd: "__pos__"}.get(type(node.op), "__invert__"))
            if found:
                return self.call(self.bind_member(method, value, Context(self, node)), [], {}, node)
        if isinstance(value, (Opaque, HostValue)):
            return Opaque("unary")
        ops: dict[type, Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert}
        return ops[type(node.op)](value)

    def expr_BoolOp(self, node: ast.BoolOp, scope: Scope) -> Any:
        value: Any = None
        for v in node.values:
            value = self.eval(v, scope)
            truth = self.truth(value, v)
            if isinstance(node.op, ast.And) and not truth:
                return value
            if isinstance(node.op, ast.Or) and truth:
                return value
        return value

    def expr_Compare(self, node: ast.Compare, scope: Scope) -> Any:
        left = self.eval(node.left, scope)
        for op, comp in zip(node.ops, node.comparators):
            right = self.eval(comp, scope)
            host = next((s for s in (left, right) if isinstance(s, HostValue) and hasattr(s, "py_compare")), None)
            if host is not None and len(node.ops) == 1:  # a framework's comparison (of tensors: a tensor)
                return host.py_compare(type(op), left, right, Context(self, node))
            if isinstance(left, Opaque) or isinstance(right, Opaque):
                return Opaque("comparison")
            if isinstance(op, (ast.Eq, ast.NotEq)) and (_is_symbolic(left) or _is_symbolic(right)):
                self.opaque_tests += 1  # `n == 1` of an unknown size n: sympy answers False; the branch is a guess
            if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, Instance):
                found, method = right.cls.lookup("__contains__")
                if found:
                    inside = self.truth(self.call(self.bind_member(method, right, Context(self, node)), [left], {}, node), node)
                    if inside != isinstance(op, ast.In):
                        return False
                    left = right
                    continue
                right = plain(right)
            try:
                result = CMPOPS[type(op)](left, right)
            except TypeError as e:
                raise self.error(f"cannot compare {_describe(left)} and {_describe(right)}", node) from e
            if not self.truth(result, node):
                return False
            left = right
        return True

    def expr_IfExp(self, node: ast.IfExp, scope: Scope) -> Any:
        if self.truth(self.eval(node.test, scope), node.test):
            return self.eval(node.body, scope)
        return self.eval(node.orelse, scope)

    def expr_List(self, node: ast.List, scope: Scope) -> Any:
        return self.check(self.elements(node.elts, scope), node)

    def expr_Tuple(self, node: ast.Tuple, scope: Scope) -> Any:
        return self.check(tuple(self.elements(node.elts, scope)), node)

    def expr_Set(self, node: ast.Set, scope: Scope) -> Any:
        return self.check(self.hashing(set, self.elements(node.elts, scope), node), node)

    def elements(self, elts: list[ast.expr], scope: Scope) -> list[Any]:
        out: list[Any] = []
        for e in elts:
            if isinstance(e, ast.Starred):
                out.extend(self.items(self.eval(e.value, scope), e, already=len(out)))
            else:
                out.append(self.eval(e, scope))
        return out

    def expr_Dict(self, node: ast.Dict, scope: Scope) -> Any:
        out: dict[Any, Any] = {}
        for k, v in zip(node.keys, node.values):
            if k is None:
                other = plain(self.eval(v, scope))
                if isinstance(other, Opaque):
                    self.warn("unsupported", f"the items of {other.what} are not read into this dict", node=v)
                if isinstance(other, dict):
                    self.check_size(len(out) + len(other), v)
                    out.update(other)
            else:
                key = self.eval(k, scope)
                self.hashing(lambda pair: out.__setitem__(*pair), (key, self.eval(v, scope)), k)
        return self.check(out, node)

    def expr_Subscript(self, node: ast.Subscript, scope: Scope) -> Any:
        obj = self.eval(node.value, scope)
        key = self.eval(node.slice, scope)
        if isinstance(obj, Instance):
            found, method = obj.cls.lookup("__getitem__")
            if found:
                return self.call(self.bind_member(method, obj, Context(self, node)), [key], {}, node)
            obj = plain(obj)
        if isinstance(obj, HostValue):
            return obj.py_getitem(key, Context(self, node))
        if isinstance(obj, Opaque) and obj.what.endswith(".shape") and isinstance(key, int):
            what = f"{ast.unparse(node.value)[:60]}[{key}]"
            raise UnreadSize(f"{what} is a size paramwise does not read", what, self.location(node),
                             "write the number in the file, or give it a name and bind it with --set NAME=VALUE", node)
        if isinstance(obj, Opaque) or isinstance(key, Opaque):
            return Opaque("item")
        try:
            return self.check(obj[key], node)
        except (IndexError, KeyError) as e:
            raise python_error(self, type(e).__name__, f"cannot take item {_describe(key)} of {_describe(obj)}: no such item",
                               node) from e
        except (TypeError, ValueError, OverflowError) as e:
            raise self.error(f"cannot take item {_describe(key)} of {_describe(obj)}: it cannot be indexed with that", node) from e

    def expr_Slice(self, node: ast.Slice, scope: Scope) -> Any:
        def part(n: ast.expr | None) -> Any:
            return None if n is None else self.eval(n, scope)

        return slice(part(node.lower), part(node.upper), part(node.step))

    def expr_Index(self, node: Any, scope: Scope) -> Any:  # Python < 3.9 trees
        return self.eval(node.value, scope)

    def expr_JoinedStr(self, node: ast.JoinedStr, scope: Scope) -> Any:
        parts = []
        total = 0
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                value = self.eval(v.value, scope)
                spec = self.eval(v.format_spec, scope) if v.format_spec is not None else ""
                if v.conversion in (ord("r"), ord("s"), ord("a")):
                    value = self.text(value, chr(v.conversion), v)
                part = self.format_value(value, spec if isinstance(spec, str) else self.text(spec, "s", v), v)
            else:
                part = self.text(self.eval(v, scope), "s", v)
            total += len(part)
            self.check_size(total, node, "string")
            parts.append(part)
        return "".join(parts)

    def expr_Lambda(self, node: ast.Lambda, scope: Scope) -> Any:
        return Function("<lambda>", node, scope)

    def expr_NamedExpr(self, node: ast.NamedExpr, scope: Scope) -> Any:
        value = self.eval(node.value, scope)
        self.assign(node.target, value, scope)
        return value

    def expr_Starred(self, node: ast.Starred, scope: Scope) -> Any:
        return self.eval(node.value, scope)

    def expr_ListComp(self, node: ast.ListComp, scope: Scope) -> Any:
        return self.check(self.comprehension(node.generators, lambda s: self.eval(node.elt, s), scope, node), node)

    def expr_GeneratorExp(self, node: ast.GeneratorExp, scope: Scope) -> Any:
        return self.check(self.comprehension(node.generators, lambda s: self.eval(node.elt, s), scope, node), node)

    def expr_SetComp(self, node: ast.SetComp, scope: Scope) -> Any:
        items = self.comprehension(node.generators, lambda s: self.eval(node.elt, s), scope, node)
        return self.check(self.hashing(set, items, node), node)

    def expr_DictComp(self, node: ast.DictComp, scope: Scope) -> Any:
        pairs = self.comprehension(node.generators, lambda s: (self.eval(node.key, s), self.eval(node.value, s)), scope, node)
        return self.check(self.hashing(dict, pairs, node), node)

    def comprehension(
        self, generators: list[ast.comprehension], element: Callable[[Scope], Any], scope: Scope, node: ast.AST
    ) -> list[Any]:
        inner = Scope(scope, "comprehension")
        out: list[Any] = []

        def loop(i: int) -> None:
            if i == len(generators):
                out.append(element(inner))
                if len(out) > MAX_SIZE:
                    self.check_size(len(out), node)
                return
            gen = generators[i]
            source = self.eval(gen.iter, inner)
            if i == len(generators) - 1 and not gen.ifs and isinstance(source, (range, *CONTAINERS)):
                size = _range_len(source) if isinstance(source, range) else len(source)
                self.check_size(len(out) + size, node, "comprehension")  # refused before it runs, not after
            for item in self.iterate(source, gen.iter):
                self.tick(node)
                self.assign(gen.target, item, inner)
                if all(self.truth(self.eval(cond, inner), cond) for cond in gen.ifs):
                    loop(i + 1)

        loop(0)
        return out

    def expr_Call(self, node: ast.Call, scope: Scope) -> Any:
        func = self.eval(node.func, scope)
        args = self.elements(node.args, scope)
        kwargs: dict[str, Any] = {}
        for kw in node.keywords:
            value = self.eval(kw.value, scope)
            if kw.arg is None:
                value = plain(value)
                if isinstance(value, Opaque):
                    self.warn("unsupported", f"the keyword arguments in {value.what} are not read", node=kw.value)
                if isinstance(value, dict):
                    kwargs.update(value)
            else:
                kwargs[kw.arg] = value
        if isinstance(func, _Builtin) and func.name == "super":
            return self.make_super(scope, node)
        return self.call(func, args, kwargs, node)

    # -- helpers ---------------------------------------------------------------------------------
    def truth(self, value: Any, node: ast.AST) -> bool:
        if isinstance(value, Opaque):
            self.opaque_tests += 1
            return False
        if isinstance(value, Instance):
            for name in ("__bool__", "__len__"):
                found, method = value.cls.lookup(name)
                if found:
                    return self.truth(self.call(self.bind_member(method, value, Context(self, node)), [], {}, node), node)
            return bool(value.data) if value.data is not None else True
        if isinstance(value, HostValue):
            return True
        try:
            return bool(value)
        except TypeError as e:
            names = ", ".join(sorted(str(s) for s in getattr(value, "free_symbols", ()))) or "an unknown value"
            raise self.error(
                f"this condition depends on {names}, which is not known",
                node,
                hint=f"bind it with --set {names.split(',')[0]}=VALUE",
            ) from e

    def iterate(self, value: Any, node: ast.AST) -> Iterator[Any]:
        value = plain(value)
        if isinstance(value, Opaque):
            return iter(())
        if isinstance(value, HostValue):
            items = value.py_getattr("__iter__", Context(self, node))
            if isinstance(items, list):
                return iter(items)
            raise self.error(f"cannot loop over {_describe(value)}", node)
        if isinstance(value, dict):
            return iter(list(value))
        try:
            return iter(value)
        except TypeError as e:
            raise self.error(f"cannot loop over {_describe(value)}", node, hint=_symbol_hint(value)) from e

    def binop(self, op: type, left: Any, right: Any, node: ast.AST) -> Any:
        if isinstance(left, Instance) or isinstance(right, Instance):
            return protocol.instance_binop(self, op, left, right, node)
        if isinstance(left, (Opaque, HostValue)) or isinstance(right, (Opaque, HostValue)):
            for side in (left, right):
                if isinstance(side, HostValue) and hasattr(side, "py_binop"):
                    return side.py_binop(op, left, right, Context(self, node))
            return Opaque("arithmetic")
        left, right = _exact(left), _exact(right)
        self.check_binop(op, left, right, node)
        if op is ast.Mod and isinstance(left, (str, bytes)):
            return self.percent(left, right, node)
        try:
            result = BINOPS[op](left, right)
        except ZeroDivisionError as e:
            raise python_error(self, "ZeroDivisionError", "division by zero", node) from e
        except OverflowError as e:
            raise self.limit(f"{_describe(left)} {_op_text(op)} {_describe(right)} is too large to compute", node) from e
        except (TypeError, ValueError) as e:
            raise self.error(f"cannot compute {_describe(left)} {_op_text(op)} {_describe(right)}", node) from e
        return self.check(result, node)

    def check_binop(self, op: type, left: Any, right: Any, node: ast.AST) -> None:
        """Refuse an operation whose result would be over the limits, before computing it."""
        ints = isinstance(left, int) and isinstance(right, int)
        if op is ast.Pow and ints and right > 0 and abs(left) > 1 and (abs(left).bit_length() - 1) * right + 1 > MAX_INT_BITS:
            raise self.limit(f"{_describe(left)} ** {_describe(right)} has more than {MAX_INT_BITS} bits; stopped", node)
        if op is ast.LShift and ints and left and right > 0 and abs(left).bit_length() + right > MAX_INT_BITS:
            raise self.limit(f"{_describe(left)} << {_describe(right)} has more than {MAX_INT_BITS} bits; stopped", node)
        if op is ast.Mult and ints and abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS + 1:
            raise self.limit(f"{_describe(left)} * {_describe(right)} has more than {MAX_INT_BITS} bits; stopped", node)
        sequences = (str, bytes, list, tuple)
        if op is ast.Mult and (isinstance(left, sequences) or isinstance(right, sequences)):
            seq, n = (left, right) if isinstance(left, sequences) else (right, left)
            if isinstance(n, int) and n > 0:
                self.check_size(n * max(len(seq), 1), node, _kind(seq))
        if op is ast.Add and isinstance(left, sequences) and isinstance(right, sequences):
            self.check_size(len(left) + len(right), node, _kind(left))

    def getattr(self, obj: Any, name: str, node: ast.AST, raw: bool = False) -> Any:
        ctx = Context(self, node)
        if isinstance(obj, HostValue):
            try:
                return obj.py_getattr(name, ctx)
            except AttributeError as e:
                raise python_error(self, "AttributeError", f"{_describe(obj)} has no attribute '{name}'", node) from e
        if isinstance(obj, Opaque):
            return Opaque(f"{obj.what}.{name}")
        if isinstance(obj, Instance):
            return self.instance_getattr(obj, name, ctx, raw)
        if isinstance(obj, SuperProxy):
            return self.super_getattr(obj, name, ctx)
        if isinstance(obj, ClassValue):
            found, value = obj.lookup(name)
            if found:
                if isinstance(value, Function) and "classmethod" in value.decorators:
                    return BoundMethod(value, obj)
                return value
            if name == "__name__":
                return obj.name
            host = obj.host_base()
            if host is not None:
                try:
                    return host.py_getattr(name, ctx)
                except AttributeError as e:
                    raise python_error(self, "AttributeError", f"type object '{obj.name}' has no attribute '{name}'", node) from e
            for base in obj.mro():
                if isinstance(base, _Builtin) and (found := builtin_class_attribute(self, base, name)) is not None:
                    return found
            if name.startswith("__") or any(isinstance(b, (Opaque, _Builtin)) for b in obj.mro()):
                return Opaque(name)
            raise python_error(self, "AttributeError", f"type object '{obj.name}' has no attribute '{name}'", node)
        if isinstance(obj, _Builtin):
            found = builtin_class_attribute(self, obj, name)
            if found is not None:
                return found
        for typ, allowed in SAFE_METHODS.items():
            if isinstance(obj, typ) and name in allowed and not (typ is int and isinstance(obj, bool)):
                return _Method(obj, name)
        if _is_symbolic(obj) or isinstance(obj, (int, float)):
            if name in ("real", "numerator"):
                return obj
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if getattr(obj, "is_Symbol", False):
            return Opaque(f"{self.undefined_object(getattr(obj, 'name', None) or str(obj), node).what}.{name}")
        if (_is_scalar(obj) or isinstance(obj, (*CONTAINERS, range, slice))) and not hasattr(obj, name):
            raise python_error(self, "AttributeError", f"{_describe(obj)} has no attribute '{name}'", node)
        raise self.error(f"{_describe(obj)} has no attribute '{name}' that paramwise can read", node)

    def instance_getattr(self, obj: Instance, name: str, ctx: Context, raw: bool = False) -> Any:
        if name in obj.attrs:
            return obj.attrs[name]
        found, value = obj.cls.lookup(name)
        if found:
            return self.bind_member(value, obj, ctx)
        host = obj.cls.host_base()
        special, value = instance_special(self, obj, name, ctx)
        if special and name.startswith("__"):  # the object protocol comes before a framework's attributes
            return value
        if host is not None:
            try:
                return host.py_instance_getattr(obj, name, ctx)
            except AttributeError:
                pass
        if special:
            return value
        found, method = obj.cls.lookup("__getattr__")
        if found and not raw:
            return self.call(self.bind_member(method, obj, ctx), [name], {}, ctx.node)
        raise python_error(self, "AttributeError", f"'{obj.cls.name}' object has no attribute '{name}'", ctx.node)

    def bind_member(self, value: Any, obj: Any, ctx: Context) -> Any:
        if isinstance(value, HostValue) and hasattr(value, "py_bind"):
            return value.py_bind(obj)
        if isinstance(value, Property):
            return self.call(value.getter, [obj], {}, ctx.node)
        if isinstance(value, Function):
            if "staticmethod" in value.decorators:
                return value
            if "classmethod" in value.decorators:
                return BoundMethod(value, obj.cls if isinstance(obj, Instance) else obj)
            return BoundMethod(value, obj)
        return value

    def make_super(self, scope: Scope, node: ast.AST) -> Any:
        found, self_value = scope.lookup("self")
        func_scope: Scope | None = scope
        owner = None
        while func_scope is not None and owner is None:
            owner = func_scope.vars.get("__class__")
            func_scope = func_scope.parent
        if not found or not isinstance(owner, ClassValue):
            return Opaque("super()")
        return SuperProxy(owner, self_value)

    def super_getattr(self, proxy: SuperProxy, name: str, ctx: Context) -> Any:
        from .objects import OBJECT_METHODS, ObjectMethod

        mro = list(proxy.cls.mro())[1:]
        for cls in mro:
            if isinstance(cls, ClassValue):
                if name in cls.namespace:
                    return self.bind_member(cls.namespace[name], proxy.self_value, ctx)
            elif isinstance(cls, _Builtin):
                found = builtin_class_attribute(self, cls, name)
                if found is not None and name != "__name__":
                    return self.bind_member(found, proxy.self_value, ctx)
            elif isinstance(cls, HostValue):
                if name == "__init__" and isinstance(proxy.self_value, Instance):
                    instance = proxy.self_value
                    return _HostInit(cls, instance)
                if name in OBJECT_METHODS and name != "__init__":
                    return ObjectMethod(self, name, proxy.self_value, host=True)
                if isinstance(proxy.self_value, Instance):
                    try:
                        return cls.py_instance_getattr(proxy.self_value, name, ctx)
                    except AttributeError:
                        return Opaque(f"super().{name}")
        if name in OBJECT_METHODS and name != "__init__":
            return ObjectMethod(self, name, proxy.self_value, host=False)
        return _Noop()

    # -- calls -------------------------------------------------------------------------------------
    def call(self, func: Any, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> Any:
        ctx = Context(self, node)
        if isinstance(func, Function):
            return self.call_function(func, args, kwargs, node)
        if isinstance(func, BoundMethod):
            return self.call_function(func.func, [func.self_value, *args], kwargs, node)
        if isinstance(func, HostValue):
            return func.py_call(args, kwargs, ctx)
        if isinstance(func, ClassValue):
            return self.instantiate(func, args, kwargs, ctx)
        if isinstance(func, Instance):
            found, method = func.cls.lookup("__call__")
            if found and isinstance(method, Function):
                return self.call_function(method, [func, *args], kwargs, node)
            host = func.cls.host_base()
            if host is not None:
                return host.py_instance_call(func, args, kwargs, ctx)
            raise ctx.error(f"'{func.cls.name}' object is not callable")
        if isinstance(func, _HostInit):
            func.host.py_instance_init(func.instance, args, kwargs, ctx)
            return None
        if isinstance(func, _Noop):
            return None
        if isinstance(func, _Builtin):
            return self.call_builtin(func.name, args, kwargs, node)
        if isinstance(func, _Method):
            return self.call_method(func.obj, func.name, args, kwargs, node)
        if isinstance(func, Opaque):
            return Opaque(f"{func.what}()")
        if getattr(func, "is_Symbol", False):
            return self.undefined_object(getattr(func, "name", None) or str(func), node)
        raise ctx.error(f"{_describe(func)} is not callable")

    def undefined_object(self, name: str, node: ast.AST | None) -> Opaque:
        """An undefined name that is called or has attributes is a thing (`SGD(...)`, `np.shape`), not a size."""
        self.forget_symbol(name)
        self.warn("undefined_name", f"'{name}' is not defined; what the code does with it is skipped", hint=f"import or define {name}", node=node)
        return Opaque(name)

    def call_safe(self, func: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], node: ast.AST | None,
                  what: str = "") -> Any:
        """Call a whitelisted builtin or method of plain data, whose arguments were checked to make nothing too
        large; an error names what the user wrote, never a Python repr of paramwise's own objects."""
        try:
            result = func(*args, **kwargs)
        except OverflowError as e:
            raise self.limit(f"{what or 'this call'}: the result is too large", node) from e
        except (TypeError, ValueError, IndexError, KeyError, AttributeError) as e:
            plain = all(_is_plain(a) for a in [*args, *kwargs.values()])
            reason = str(e)[:200] if plain and not isinstance(e, KeyError) else "it cannot take these arguments"
            if isinstance(e, KeyError):
                reason = f"no key {_describe(e.args[0]) if e.args else ''}"
            raise self.error(f"{what or 'this call'} failed: {reason}", node) from e
        return self.check(result, node)

    def call_builtin(self, name: str, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> Any:
        at: ast.AST = node or ast.Pass()
        if name == "print":
            return None
        if name == "isinstance":
            return self.isinstance(args[0], args[1])
        if name == "issubclass":
            probe = Instance(args[0]) if isinstance(args[0], ClassValue) else None
            return probe is not None and self.isinstance(probe, args[1])
        if name == "type" and len(args) == 1 and not kwargs:
            return type_of(args[0])
        if name == "vars" and len(args) == 1:
            return vars_of(args[0], Context(self, node))
        if name == "callable" and len(args) == 1:
            from .stdlib import AbcClass

            return AbcClass("Callable").py_instancecheck(args[0])
        if name == "hasattr":
            if len(args) != 2 or not isinstance(args[1], str):
                raise self.error("hasattr() takes an object and an attribute name", node)
            try:
                self.getattr(args[0], args[1], at)
                return True
            except Raised as e:
                if e.is_a("AttributeError"):
                    return False
                raise
        if name in ("getattr", "setattr", "delattr"):
            return protocol.call_attribute_builtin(self, name, args, at)
        if name in ("iter", "next"):
            return protocol.iter_builtin(self, name, args, at)
        if name in ("map", "filter"):
            fn, seqs = args[0], [self.items(seq, at) for seq in args[1:]]
            if not seqs:
                raise self.error(f"{name}() needs something to loop over", node)
            if name == "map":
                out = []
                for vals in zip(*seqs):
                    self.tick(at)
                    out.append(self.call(fn, list(vals), {}, node))
                return self.check(out, at)
            kept = []
            for x in seqs[0]:
                self.tick(at)
                if self.truth(self.call(fn, [x], {}, node) if fn is not None else x, at):
                    kept.append(x)
            return kept
        if name in ("type", "object", "property", "staticmethod", "classmethod", "vars"):
            return Opaque(name)
        if name in ("len", "str", "repr", "int", "float", "bool") and len(args) == 1 and isinstance(args[0], Instance):
            found, method = args[0].cls.lookup(f"__{name}__")
            if found:
                return self.call(self.bind_member(method, args[0], Context(self, node)), [], {}, node)
        args = [plain(a) for a in args]
        if name == "range":
            if any(_is_symbolic(a) for a in args):
                raise self.error("range() of an unknown size cannot be followed", node, hint=_symbol_hint(args))
            if not all(isinstance(a, int) for a in args):
                unread = ", ".join(a.what for a in args if isinstance(a, Opaque)) or "a value that is not an integer"
                raise self.error(f"range() is given a value paramwise cannot read: {unread}", node,
                                 hint="write the value as a number in the file")
            return self.call_safe(range, args, kwargs, node, "range()")
        if name == "len" and len(args) == 1 and isinstance(args[0], range):
            return _range_len(args[0])
        if name == "len" and len(args) == 1 and isinstance(args[0], Opaque):  # never a silent 0
            written = ast.unparse(node.args[0])[:60] if isinstance(node, ast.Call) and node.args else args[0].what
            raise UnreadSize(f"len() of {written}, which paramwise does not read", f"len({written})",
                             self.location(node), "write the number in the file, or give it a name and bind it with "
                             "--set NAME=VALUE", node)
        if name in ("int", "float", "round") and len(args) == 1 and isinstance(args[0], Opaque):
            raise UnreadSize(f"{name}() of {args[0].what}, which paramwise does not read", f"{name}({args[0].what})",
                             self.location(node), "write the number in the file, or give it a name and bind it with "
                             "--set NAME=VALUE", node)
        if name in ("str", "repr") and len(args) == 1 and not kwargs:
            return self.text(args[0], "r" if name == "repr" else "s", at)
        if name == "pow" and len(args) == 2 and not kwargs:
            return self.binop(ast.Pow, args[0], args[1], at)
        if args and (name in ("list", "tuple", "set", "frozenset", "sorted", "sum", "any", "all", "enumerate", "reversed")
                     or name in ("min", "max") and len(args) == 1 or name == "dict" and not isinstance(args[0], dict)
                     or name == "len" and isinstance(args[0], (Opaque, HostValue))):
            args = [self.items(args[0], at), *args[1:]]
        if name == "zip":
            args = [self.items(a, at) for a in args]
        if name in ("list", "tuple", "set", "frozenset", "sorted", "sum", "any", "all", "enumerate", "reversed", "zip",
                    "min", "max", "dict"):
            if name == "sum" and args and isinstance(args[0], list):
                self.check_sum(args[0], args[1] if len(args) > 1 else kwargs.get("start", 0), at)
            if name in ("enumerate", "zip", "reversed"):  # made whole: a list, sized like its input
                return self.check(self.call_safe(lambda *a, **k: list(SAFE_BUILTINS[name](*a, **k)), args, kwargs, node,
                                                 f"{name}()"), at)
        if name in ("int", "float", "round", "chr", "hex", "bin", "divmod", "abs") and any(
            isinstance(a, str) and len(a) > 5000 for a in args
        ):
            raise self.limit(f"{name}() of a text of {len(args[0]):,} characters; stopped", node)
        return self.call_safe(SAFE_BUILTINS[name], args, kwargs, node, f"{name}()")

    def call_method(self, obj: Any, name: str, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> Any:
        """A whitelisted method of plain data, refused when what it would make is over the limits."""
        at: ast.AST = node or ast.Pass()
        what = f"{type(obj).__name__}.{name}()"
        if isinstance(obj, str):
            if name == "format":
                return self.str_format(obj, args, kwargs, at)
            if name == "join" and args:
                parts = self.items(args[0], at)
                if not all(isinstance(p, str) for p in parts):
                    raise self.error(f"{what} joins only strings", node)
                self.check_size(sum(map(len, parts)) + len(obj) * max(len(parts) - 1, 0), at, "string")
                args = [parts, *args[1:]]
            if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
                count = len(obj) + 1 if args[0] == "" else obj.count(args[0])
                if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
                    count = min(count, args[2])
                self.check_size(len(obj) + count * (len(args[1]) - len(args[0])), at, "string")
            if name == "zfill" and args and isinstance(args[0], int):
                self.check_size(args[0], at, "string")
        elif isinstance(obj, list):
            if name in ("append", "insert"):
                self.check_size(len(obj) + 1, at)
                if args:
                    self.check_nesting([args[-1]], at)
            if name == "extend" and args:
                added = self.items(args[0], at, already=len(obj))
                self.check_nesting(added, at)
                args = [added]
        elif isinstance(obj, (set, dict)):
            if name == "update":
                pairs = [x for a in args for x in self.items(a.items() if isinstance(a, dict) else a, at)]
                self.check_size(len(obj) + len(pairs) + len(kwargs), at)
                self.check_nesting(pairs, at)
                args = [dict(pairs) if isinstance(obj, dict) else pairs] if args else []
            if name in ("add", "setdefault"):
                self.check_size(len(obj) + 1, at)
                self.check_nesting(list(args), at)
        return self.call_safe(getattr(obj, name), args, kwargs, node, what)

    # -- limits on what the code makes ------------------------------------------------------------
    def check_size(self, n: int, node: ast.AST | None, what: str = "value") -> None:
        if n > MAX_SIZE:
            unit = "characters" if what == "string" else "items"
            raise self.limit(f"this {what} would have more than {MAX_SIZE:,} {unit}; stopped", node)

    def check(self, value: Any, node: ast.AST | None) -> Any:
        """A value an operation made, refused when over the limits (length, integer bits, nesting)."""
        if isinstance(value, int):
            if value.bit_length() > MAX_INT_BITS:
                raise self.limit(f"this integer has more than {MAX_INT_BITS} bits; stopped", node)
        elif isinstance(value, (str, bytes)):
            self.check_size(len(value), node, "string")
        elif isinstance(value, (list, tuple, dict, set, frozenset)):
            self.check_size(len(value), node, _kind(value))
            self.check_nesting([value], node, 0)
        elif getattr(value, "is_Integer", False) and int(value).bit_length() > MAX_INT_BITS:
            raise self.limit(f"this integer has more than {MAX_INT_BITS} bits; stopped", node)
        return value

    def check_nesting(self, values: list[Any], node: ast.AST | None, extra: int = 1) -> None:
        """Refuse to put `values` in a container (`extra` levels up) when that nests more than MAX_NESTING deep."""
        memo: dict[int, int] = {}
        for v in values:
            if isinstance(v, CONTAINERS) and self.nesting_of(v, 0, memo) + extra > MAX_NESTING:
                raise self.limit(f"containers nest more than {MAX_NESTING} levels deep here; stopped", node)

    def nesting_of(self, value: Any, level: int, memo: dict[int, int]) -> int:
        key = id(value)
        if key in memo:
            return memo[key]
        cached = self.tuple_depths.get(key)
        if cached is not None and cached[0] is value:
            return cached[1]
        if level > MAX_NESTING:
            return MAX_NESTING + 1
        memo[key] = 0  # a list that contains itself
        inner = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        deepest = 0
        for item in inner:
            if isinstance(item, CONTAINERS):
                deepest = max(deepest, self.nesting_of(item, level + 1, memo))
                if deepest > MAX_NESTING:
                    break
        depth = deepest + 1
        memo[key] = depth
        if depth > 1 and isinstance(value, (tuple, frozenset)):
            self.tuple_depths[key] = (value, depth)
        return depth

    def items(self, value: Any, node: ast.AST, already: int = 0) -> list[Any]:
        """Everything an iterable holds, as a list, refused before it is made when it would be too long."""
        value = plain(value)
        if isinstance(value, Opaque):
            return []
        if isinstance(value, HostValue):
            return list(self.iterate(value, node))
        size = _range_len(value) if isinstance(value, range) else len(value) if hasattr(value, "__len__") else None
        if size is not None:
            self.check_size(size + already, node)
            self.tick(node, size // 16)  # a builtin going through n items is some work too
            return list(self.iterate(value, node))
        out = []
        for item in self.iterate(value, node):
            self.tick(node)
            out.append(item)
            self.check_size(len(out) + already, node)
        return out

    def hashing(self, make: Callable[[Any], Any], items: Any, node: ast.AST) -> Any:
        try:
            return make(items)
        except TypeError as e:
            raise self.error("a set member or dict key must be a number, a string or a tuple of them", node) from e

    def check_sum(self, items: list[Any], start: Any, node: ast.AST) -> None:
        sequences = (list, tuple, str, bytes)
        if isinstance(start, sequences) or any(isinstance(x, sequences) for x in items):
            self.check_size(sum(len(x) for x in [start, *items] if isinstance(x, sequences)), node, "sequence")

    # -- text: str(), repr(), f-strings, str.format, % (text.py) -----------------------------------
    def text(self, value: Any, conversion: str, node: ast.AST | None) -> str:
        return text.text(self, value, conversion, node)

    def format_value(self, value: Any, spec: str, node: ast.AST) -> str:
        return text.format_value(self, value, spec, node)

    def str_format(self, fmt: str, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> str:
        return text.str_format(self, fmt, args, kwargs, node)

    def percent(self, fmt: str | bytes, values: Any, node: ast.AST) -> Any:
        return text.percent(self, fmt, values, node)

    def isinstance(self, value: Any, types: Any) -> bool:
        if isinstance(value, Opaque):  # not known: the branch it decides is a guess
            self.opaque_tests += 1
            return False
        options = types if isinstance(types, tuple) else (types,)
        for t in options:
            if isinstance(t, tuple):
                if self.isinstance(value, t):
                    return True
                continue
            if isinstance(t, type) and isinstance(value, t):
                return True
            if isinstance(t, _Builtin) and t.name == "object":
                return True
            if isinstance(t, _Builtin) and t.name in SAFE_BUILTINS and isinstance(SAFE_BUILTINS[t.name], type):
                if isinstance(plain(value), SAFE_BUILTINS[t.name]):
                    return True
            if isinstance(t, ClassValue) and isinstance(value, Instance) and t in list(value.cls.mro()):
                return True
            if isinstance(t, HostValue) and hasattr(t, "py_instancecheck") and t.py_instancecheck(value):
                return True
        return False

    def instantiate(self, cls: ClassValue, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        instance = Instance(cls, data=new_data(cls))
        host = cls.host_base()
        if host is not None and hasattr(host, "py_new_instance"):
            host.py_new_instance(instance, ctx)
        found, init = cls.lookup("__init__")
        if found and isinstance(init, Function):
            self.call_function(init, [instance, *args], kwargs, ctx.node)
        elif found and isinstance(init, HostValue) and hasattr(init, "py_bind"):
            self.call(init.py_bind(instance), args, kwargs, ctx.node)
        elif host is not None:
            host.py_instance_init(instance, args, kwargs, ctx)
        elif data_base(cls) is not None:
            fill_data(instance, args, kwargs, self, ctx)
        if host is not None and hasattr(host, "py_after_init"):
            host.py_after_init(instance, ctx)
        return instance

    def call_function(self, func: Function, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> Any:
        if self.depth >= MAX_DEPTH:
            raise self.limit(f"calls nest deeper than {MAX_DEPTH} levels; stopped", node, hint="is this recursion meant to end?")
        self.depth += 1
        saved = self.current
        try:
            scope = Scope(func.closure, "function")
            if func.owner is not None:
                scope.vars["__class__"] = func.owner
            self.bind_arguments(func, args, kwargs, scope, node)
            if isinstance(func.node, ast.Lambda):
                return self.eval(func.node.body, scope)
            try:
                self.exec_block(func.node.body, scope)
            except _Return as r:
                return r.value
            return None
        finally:
            self.depth -= 1
            self.current = saved

    def bind_arguments(self, func: Function, args: list[Any], kwargs: dict[str, Any], scope: Scope, node: ast.AST | None) -> None:
        spec = func.node.args
        positional = [a.arg for a in spec.posonlyargs + spec.args]
        defaults = spec.defaults
        default_of = {positional[len(positional) - len(defaults) + i]: d for i, d in enumerate(defaults)}
        for name, value in zip(positional, args):
            scope.vars[name] = value
        extra = list(args[len(positional):])
        if spec.vararg is not None:
            scope.vars[spec.vararg.arg] = tuple(extra)
        elif extra:
            raise self.error(f"{func.name}() takes {len(positional)} positional arguments but {len(args)} were given", node)
        rest: dict[str, Any] = {}
        kwonly = {a.arg for a in spec.kwonlyargs}
        for name, value in kwargs.items():
            if name in positional or name in kwonly:
                if name in scope.vars:
                    raise self.error(f"{func.name}() got multiple values for argument '{name}'", node)
                scope.vars[name] = value
            else:
                rest[name] = value
        if spec.kwarg is not None:
            scope.vars[spec.kwarg.arg] = rest
        elif rest:
            raise self.error(f"{func.name}() got an unexpected keyword argument '{next(iter(rest))}'", node)
        for name in positional:
            if name not in scope.vars:
                if name not in default_of:
                    raise self.error(f"{func.name}() is missing the argument '{name}'", node)
                scope.vars[name] = self.eval(default_of[name], func.closure)
        for a, d in zip(spec.kwonlyargs, spec.kw_defaults):
            if a.arg not in scope.vars:
                if d is None:
                    raise self.error(f"{func.name}() is missing the keyword argument '{a.arg}'", node)
                scope.vars[a.arg] = self.eval(d, func.closure)


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


def _load(target: ast.expr) -> ast.expr:
    """The same expression as a load, for `x += 1` (its parts are loads already)."""
    node: ast.expr
    if isinstance(target, ast.Name):
        node = ast.Name(target.id, ast.Load())
    elif isinstance(target, ast.Attribute):
        node = ast.Attribute(target.value, target.attr, ast.Load())
    elif isinstance(target, ast.Subscript):
        node = ast.Subscript(target.value, target.slice, ast.Load())
    else:
        return target
    return ast.copy_location(node, target)


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
