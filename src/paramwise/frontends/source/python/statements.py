"""Statements: running a module, a block and each statement (assignment, class and function definitions,
loops, imports, del ...). Each `stmt_X` runs the `ast.X` statement; `Interpreter` offers the others as methods."""

from __future__ import annotations

import ast
from collections.abc import Callable

from ....errors import InputError, LimitError
from ....formula import symbol
from . import imports, protocol
from .builtins import STD_MODULES, _dotted
from .exceptions import (
    assert_stmt,
    is_main_test,
    main_block,
    raise_stmt,
    try_stmt,
    with_stmt,
)
from .imports import resolve_std
from .objects import plain
from .sizes import UnreadSize, _size_path
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
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from .interpreter import Interpreter


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def run_module(interp: Interpreter, tree: ast.Module) -> Scope:
    return run_in(interp, tree, interp.globals)


def run_in(interp: Interpreter, tree: ast.Module, scope: Scope) -> Scope:
    """Run a module's statements in its global scope (the file read, or a module it imports)."""
    try:
        interp.exec_block(tree.body, scope)
    except _Return:  # a `raise` at module level: Python would stop there too
        interp.warn("not_run", "the code raises an exception at module level; what follows it is not read")
    return scope


def exec_block(interp: Interpreter, body: list[ast.stmt], scope: Scope) -> None:
    for stmt in body:
        interp.exec_stmt(stmt, scope)


def exec_stmt(interp: Interpreter, node: ast.stmt, scope: Scope) -> None:
    interp.tick(node)
    interp.current = node
    method = STATEMENTS.get(type(node).__name__)
    if method is None:
        return  # unsupported statements (match, async ...) are skipped
    method(interp, node, scope)


def stmt_Expr(interp: Interpreter, node: ast.Expr, scope: Scope) -> None:
    interp.eval(node.value, scope)


def stmt_Assign(interp: Interpreter, node: ast.Assign, scope: Scope) -> None:
    value = interp.eval_named(node.value, node.targets[-1], scope)
    for target in node.targets:
        interp.assign(target, value, scope)


def stmt_AnnAssign(interp: Interpreter, node: ast.AnnAssign, scope: Scope) -> None:
    if node.value is not None:
        interp.assign(node.target, interp.eval_named(node.value, node.target, scope), scope)


def eval_named(interp: Interpreter, value: ast.expr, target: ast.expr, scope: Scope) -> Any:
    """The value of `name = value`; a size computed from what paramwise does not read (`len(df.columns)`,
    `X.shape[1]`) is the unknown size `name`, which --set binds."""
    try:
        return interp.eval(value, scope)
    except UnreadSize as e:
        if not isinstance(target, ast.Name) or not _size_path(value, e.node):
            raise
        return interp.derived_symbol(target.id, e.what, target)


def derived_symbol(interp: Interpreter, name: str, what: str, node: ast.AST) -> Any:
    if interp.undefined is not None and name not in interp.symbols:  # a value given with --set NAME=VALUE
        bound = interp.undefined(name, Context(interp, node))
        interp.forget_symbol(name)
        if isinstance(bound, (int, float)) and not isinstance(bound, bool):
            return bound
    interp.derived.setdefault(name, (interp.location(node), what))
    return symbol(name)


def stmt_AugAssign(interp: Interpreter, node: ast.AugAssign, scope: Scope) -> None:
    current = interp.eval(_load(node.target), scope)
    value = interp.binop(type(node.op), current, interp.eval(node.value, scope), node)
    interp.assign(node.target, value, scope)


def stmt_FunctionDef(interp: Interpreter, node: ast.FunctionDef, scope: Scope) -> None:
    decorators = tuple(_dotted(d) for d in node.decorator_list)
    func: Any = Function(node.name, node, scope, decorators=decorators)
    if "property" in decorators:
        func = Property(func)
    registered(interp, node, func, scope)
    interp.set_name(node.name, func, scope)


stmt_AsyncFunctionDef = stmt_FunctionDef


def stmt_ClassDef(interp: Interpreter, node: ast.ClassDef, scope: Scope) -> None:
    bases = [interp.eval(b, scope) for b in node.bases]
    body = Scope(scope, "class")
    interp.exec_block(node.body, body)
    cls = ClassValue(node.name, bases, body.vars, node)
    for value in body.vars.values():
        if isinstance(value, Function):
            value.owner = cls
        elif isinstance(value, Property):
            value.getter.owner = cls
    decorated = decorate_class(interp, cls, scope) if node.decorator_list else cls
    registered(interp, node, decorated, scope)
    interp.set_name(node.name, decorated, scope)


def registered(interp: Interpreter, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, value: Any,
               scope: Scope) -> None:
    """A module-level function or class decorated by the code's own functions (a registry's `@register("vit")`):
    the decorators run, as Python runs them, for what they record; the name keeps the function or class itself
    (a decorator that wraps it is not followed). One that fails is not run, and the reading says so."""
    if scope.kind != "module" or not node.decorator_list:
        return
    for decorator in reversed(node.decorator_list):
        if not isinstance(decorator, (ast.Call, ast.Name, ast.Attribute)):
            continue
        try:
            applied = interp.eval(decorator, scope)
            if isinstance(applied, (Function, BoundMethod)):
                interp.call(applied, [value], {}, decorator)
        except LimitError:
            raise
        except InputError as e:
            interp.warn("not_run", f"the decorator `{ast.unparse(decorator)[:60]}` of '{node.name}' is not run ({e.message})",
                        node=decorator)


def stmt_Return(interp: Interpreter, node: ast.Return, scope: Scope) -> None:
    raise _Return(interp.eval(node.value, scope) if node.value is not None else None)


def stmt_If(interp: Interpreter, node: ast.If, scope: Scope) -> None:
    if scope.kind == "module" and is_main_test(node.test) and scope.vars.get("__name__") == "__main__":
        main_block(interp, node, scope)
        return
    before = interp.opaque_tests
    taken = interp.truth(interp.eval(node.test, scope), node.test)
    branch = node.body if taken else node.orelse
    guessed = interp.opaque_tests != before
    if guessed:
        protocol.warn_guess(interp, node.test, f"the condition `{ast.unparse(node.test)[:60]}`", node.body + node.orelse)
    interp.guessing += guessed
    try:
        interp.exec_block(branch, scope)
    finally:
        interp.guessing -= guessed


def stmt_For(interp: Interpreter, node: ast.For, scope: Scope) -> None:
    interp.loops.append(node)
    try:
        interp.run_for(node, scope)
    finally:
        interp.loops.pop()


def run_for(interp: Interpreter, node: ast.For, scope: Scope) -> None:
    broke = False
    source = interp.eval(node.iter, scope)
    if isinstance(source, Opaque):
        protocol.warn_guess(interp, node.iter, f"the loop over `{ast.unparse(node.iter)[:60]}`", node.body)
    for item in interp.iterate(source, node.iter):
        interp.tick(node)
        interp.assign(node.target, item, scope)
        try:
            interp.exec_block(node.body, scope)
        except _Break:
            broke = True
            break
        except _Continue:
            continue
    if not broke:
        interp.exec_block(node.orelse, scope)


def stmt_While(interp: Interpreter, node: ast.While, scope: Scope) -> None:
    interp.loops.append(node)
    try:
        interp.run_while(node, scope)
    finally:
        interp.loops.pop()


def run_while(interp: Interpreter, node: ast.While, scope: Scope) -> None:
    while True:
        before = interp.opaque_tests
        if not interp.truth(interp.eval(node.test, scope), node.test):
            if interp.opaque_tests != before:  # how many times the body runs (maybe none) is a guess
                protocol.warn_guess(interp, node.test, f"the loop condition `{ast.unparse(node.test)[:60]}`",
                                    node.body)
            break
        interp.tick(node)
        try:
            interp.exec_block(node.body, scope)
        except _Break:
            return
        except _Continue:
            continue
    interp.exec_block(node.orelse, scope)


def stmt_Break(interp: Interpreter, node: ast.Break, scope: Scope) -> None:
    raise _Break()


def stmt_Continue(interp: Interpreter, node: ast.Continue, scope: Scope) -> None:
    raise _Continue()


def stmt_With(interp: Interpreter, node: ast.With, scope: Scope) -> None:
    with_stmt(interp, node, scope)


stmt_AsyncWith = stmt_With


def stmt_Try(interp: Interpreter, node: ast.Try, scope: Scope) -> None:
    interp.trying.append(node)  # imports.py: a missing project module inside `try: ... except ImportError:`
    try:
        try_stmt(interp, node, scope, (_Return, _Break, _Continue))
    finally:
        interp.trying.pop()


stmt_TryStar = stmt_Try


def stmt_Match(interp: Interpreter, node: Any, scope: Scope) -> None:
    from .matching import match_stmt  # loaded for a file that has a `match` statement

    match_stmt(interp, node, scope)


def decorate_class(interp: Interpreter, cls: ClassValue, scope: Scope) -> ClassValue:
    """records.decorate_class (dataclasses and named tuples), loaded for a file whose classes are decorated."""
    from .records import decorate_class as decorate

    return decorate(interp, cls, scope)


def stmt_Import(interp: Interpreter, node: ast.Import, scope: Scope) -> None:
    imports.import_stmt(interp, node, scope)


def stmt_ImportFrom(interp: Interpreter, node: ast.ImportFrom, scope: Scope) -> None:
    imports.import_from(interp, node, scope)


def import_module(interp: Interpreter, name: str) -> Any:
    value = resolve_std(name, interp) if name in STD_MODULES else None
    if value is None:
        value = interp.modules(name)
    return value if value is not None else Opaque(f"module {name}")


def stmt_Global(interp: Interpreter, node: ast.Global, scope: Scope) -> None:
    scope.globals_declared.update(node.names)


def stmt_Nonlocal(interp: Interpreter, node: ast.Nonlocal, scope: Scope) -> None:
    """`nonlocal n`: assignments to n go to the nearest enclosing function that has n (a closure's cache)."""
    for name in node.names:
        outer = scope.parent
        while outer is not None and (outer.kind == "class" or name not in outer.vars) and outer.parent is not None:
            outer = outer.parent
        if outer is None or outer.parent is None:  # only the module has it: Python refuses this at compile time
            raise interp.error(f"no binding for nonlocal '{name}' found", node,
                               hint="nonlocal names a variable of an enclosing function")
        scope.nonlocal_scopes[name] = outer


def stmt_Delete(interp: Interpreter, node: ast.Delete, scope: Scope) -> None:
    for target in node.targets:
        if isinstance(target, ast.Name):
            scope.vars.pop(target.id, None)
        elif isinstance(target, ast.Attribute):
            interp.delattr(interp.eval(target.value, scope), target.attr, target)
        elif isinstance(target, ast.Subscript):
            interp.delitem(interp.eval(target.value, scope), interp.eval(target.slice, scope), target)
        elif isinstance(target, (ast.Tuple, ast.List)):
            stmt_Delete(interp, ast.copy_location(ast.Delete(list(target.elts)), node), scope)


def delete_attribute(interp: Interpreter, obj: Any, name: str, node: ast.AST) -> None:
    protocol.delattr(interp, obj, name, node)


def delete_item(interp: Interpreter, obj: Any, key: Any, node: ast.AST) -> None:
    protocol.delitem(interp, obj, key, node)


def stmt_Assert(interp: Interpreter, node: ast.Assert, scope: Scope) -> None:
    assert_stmt(interp, node, scope)


def stmt_Raise(interp: Interpreter, node: ast.Raise, scope: Scope) -> None:
    raise_stmt(interp, node, scope)


def set_name(interp: Interpreter, name: str, value: Any, scope: Scope) -> None:
    if name in scope.globals_declared:
        scope.root().vars[name] = value
    elif name in scope.nonlocal_scopes:
        scope.nonlocal_scopes[name].vars[name] = value
    else:
        scope.vars[name] = value


def assign(interp: Interpreter, target: ast.expr, value: Any, scope: Scope) -> None:
    if isinstance(target, ast.Name):
        interp.set_name(target.id, value, scope)
    elif isinstance(target, (ast.Tuple, ast.List)):
        if isinstance(value, Opaque):  # each name gets a part of what paramwise does not read
            sizes = value.what.endswith(".shape")  # `n, d = X.shape`: each name is an unknown size
            value = [interp.derived_symbol(t.id, f"{value.what}[{i}]", t) if sizes and isinstance(t, ast.Name)
                     else Opaque(f"{value.what}[{i}]") for i, t in enumerate(target.elts)]
        items = list(interp.iterate(value, target))
        starred = [i for i, t in enumerate(target.elts) if isinstance(t, ast.Starred)]
        if starred:
            i = starred[0]
            after = len(target.elts) - i - 1
            items = items[:i] + [items[i : len(items) - after]] + items[len(items) - after :]
        if len(items) != len(target.elts):
            raise interp.error(f"cannot unpack {len(items)} values into {len(target.elts)} names", target)
        for t, v in zip(target.elts, items):
            interp.assign(t.value if isinstance(t, ast.Starred) else t, v, scope)
    elif isinstance(target, ast.Attribute):
        interp.setattr(interp.eval(target.value, scope), target.attr, value, target)
    elif isinstance(target, ast.Subscript):
        obj = interp.eval(target.value, scope)
        key = interp.eval(target.slice, scope)
        if isinstance(obj, Instance):
            found, method = obj.cls.lookup("__setitem__")
            if found:
                interp.call(interp.bind_member(method, obj, Context(interp, target)), [key, value], {}, target)
                return
            obj = plain(obj)
        if isinstance(obj, HostValue) and hasattr(obj, "py_setitem"):
            obj.py_setitem(key, value, Context(interp, target))
        elif isinstance(obj, (list, dict)):
            try:
                obj[key] = value
            except (IndexError, TypeError, KeyError) as e:
                raise interp.error(f"cannot assign item: {e}", target) from e


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


# the function that runs each statement, by the name of its `ast` class (`stmt_For` runs `ast.For`)
STATEMENTS: dict[str, Callable[[Interpreter, Any, Scope], None]] = {
    name.removeprefix("stmt_"): value for name, value in list(globals().items()) if name.startswith("stmt_")
}
