"""A small, bounded interpreter for the subset of Python that model-building code uses.

Nothing from the input is executed, imported, unpickled or passed to `eval`/`exec`: this module walks the
`ast` itself. It knows literals, names, arithmetic, calls of the file's own functions and classes, loops,
comprehensions, f-strings and a whitelist of methods on plain data (list.append, str.format ...).
Framework objects (keras.layers.Dense, nn.Conv2d ...) are `HostValue`s supplied by a frontend; anything
else the code touches (optimizers, datasets, file I/O) becomes an `Opaque` value that absorbs every
operation and does nothing. A step budget and a depth limit stop runaway loops and recursion.
"""

from __future__ import annotations

import ast
import builtins
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import Diagnostic, InputError, Location

MAX_STEPS = 2_000_000
MAX_DEPTH = 60
MAX_SIZE = 1_000_000  # longest list or string the code may build


class Opaque:
    """Something paramwise does not model (an optimizer, a dataset, a file): every use gives another."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __repr__(self) -> str:
        return f"<{self.what}>"


class HostValue:
    """A framework object provided by a frontend. Override the hooks it needs."""

    def py_getattr(self, name: str, ctx: Context) -> Any:
        return Opaque(f"{self!r}.{name}")

    def py_setattr(self, name: str, value: Any, ctx: Context) -> None:
        pass

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return Opaque(f"{self!r}()")

    def py_getitem(self, key: Any, ctx: Context) -> Any:
        return Opaque(f"{self!r}[...]")

    # a class from a framework that user classes derive from (keras.Model, nn.Module)
    def py_instance_init(self, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
        pass

    def py_instance_getattr(self, instance: Instance, name: str, ctx: Context) -> Any:
        raise AttributeError(name)

    def py_instance_setattr(self, instance: Instance, name: str, value: Any, ctx: Context) -> None:
        pass

    def py_instance_call(self, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return Opaque(f"{instance.cls.name}()")


@dataclass
class Function:
    name: str
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    closure: Scope
    owner: ClassValue | None = None
    decorators: tuple[str, ...] = ()


@dataclass
class ClassValue:
    name: str
    bases: list[Any]
    namespace: dict[str, Any]
    node: ast.ClassDef

    def mro(self) -> Iterator[Any]:
        yield self
        for base in self.bases:
            if isinstance(base, ClassValue):
                yield from base.mro()
            else:
                yield base

    def lookup(self, name: str) -> tuple[bool, Any]:
        for cls in self.mro():
            if isinstance(cls, ClassValue) and name in cls.namespace:
                return True, cls.namespace[name]
        return False, None

    def host_base(self) -> HostValue | None:
        for cls in self.mro():
            if isinstance(cls, HostValue):
                return cls
        return None


@dataclass(eq=False)
class Instance:
    cls: ClassValue
    attrs: dict[str, Any] = field(default_factory=dict)
    host: Any = None  # state a frontend keeps for instances of its classes

    def __repr__(self) -> str:
        return f"<{self.cls.name} instance>"


@dataclass
class BoundMethod:
    func: Function
    self_value: Any


@dataclass
class SuperProxy:
    cls: ClassValue
    self_value: Any


@dataclass
class Property:
    getter: Function


class Scope:
    def __init__(self, parent: Scope | None = None, kind: str = "function") -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.kind = kind
        self.globals_declared: set[str] = set()

    def lookup(self, name: str) -> tuple[bool, Any]:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars and not (scope.kind == "class" and scope is not self):
                return True, scope.vars[name]
            scope = scope.parent
        return False, None

    def root(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


@dataclass
class Context:
    """What host objects see: where they are called from, and how to warn."""

    interp: Interpreter
    node: ast.AST | None

    @property
    def location(self) -> Location:
        return self.interp.location(self.node)

    def warn(self, code: str, message: str, hint: str = "", node: ast.AST | None = None) -> None:
        self.interp.warn(code, message, hint, node or self.node)

    def error(self, message: str, hint: str = "") -> InputError:
        return InputError(message, hint=hint, location=self.location)

    def call(self, func: Any, args: list[Any], kwargs: dict[str, Any] | None = None) -> Any:
        return self.interp.call(func, args, kwargs or {}, self.node)


SAFE_METHODS: dict[type, set[str]] = {
    list: {"append", "extend", "insert", "pop", "index", "count", "copy", "reverse", "remove", "clear"},
    dict: {"get", "items", "keys", "values", "update", "pop", "setdefault", "copy"},
    str: {"format", "join", "upper", "lower", "split", "strip", "rstrip", "lstrip", "replace", "startswith",
          "endswith", "title", "capitalize", "zfill", "isdigit", "rsplit"},
    tuple: {"index", "count"},
    set: {"add", "update", "discard", "copy"},
    int: {"bit_length"},
}
UNSAFE_BUILTINS = {"open", "exec", "eval", "compile", "__import__", "input", "globals", "locals", "vars",
                   "getattr", "setattr", "delattr", "breakpoint", "exit", "quit", "help", "memoryview"}
SAFE_BUILTINS = {
    name: getattr(builtins, name)
    for name in ("range", "len", "int", "float", "str", "bool", "list", "tuple", "dict", "set", "min", "max",
                 "sum", "abs", "round", "enumerate", "zip", "reversed", "sorted", "any", "all", "divmod", "pow",
                 "frozenset", "repr", "chr", "ord", "hex", "bin", "slice")
}
BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow, ast.LShift: operator.lshift,
    ast.RShift: operator.rshift, ast.BitOr: operator.or_, ast.BitAnd: operator.and_, ast.BitXor: operator.xor,
    ast.MatMult: operator.matmul,
}
CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


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

    def make_symbol(self, name: str, node: ast.AST | None) -> Any:
        """An undefined name read as an unknown positive integer size (e.g. `img_SIZE`)."""
        import sympy

        self.symbols.setdefault(name, self.location(node))
        return sympy.Symbol(name, integer=True, positive=True)

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
        if any(w.message == message for w in self.warnings):
            return
        self.warnings.append(Diagnostic(code, message, self.location(node or self.current), hint))

    def error(self, message: str, node: ast.AST | None, hint: str = "") -> InputError:
        return InputError(message, hint=hint, location=self.location(node or self.current))

    def tick(self, node: ast.AST) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise self.error(
                f"the model code takes more than {MAX_STEPS:,} steps to evaluate; stopped",
                self.loops[0] if self.loops else node,  # the outermost loop still running
                hint="paramwise reads code without running it; a loop this long is probably not building a model",
            )

    # -- statements ----------------------------------------------------------------------------
    def run_module(self, tree: ast.Module) -> Scope:
        self.exec_block(tree.body, self.globals)
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
        value = self.eval(node.value, scope)
        for target in node.targets:
            self.assign(target, value, scope)

    def stmt_AnnAssign(self, node: ast.AnnAssign, scope: Scope) -> None:
        if node.value is not None:
            self.assign(node.target, self.eval(node.value, scope), scope)

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
        self.set_name(node.name, cls, scope)

    def stmt_Return(self, node: ast.Return, scope: Scope) -> None:
        raise _Return(self.eval(node.value, scope) if node.value is not None else None)

    def stmt_If(self, node: ast.If, scope: Scope) -> None:
        if self.truth(self.eval(node.test, scope), node.test):
            self.exec_block(node.body, scope)
        else:
            self.exec_block(node.orelse, scope)

    def stmt_For(self, node: ast.For, scope: Scope) -> None:
        self.loops.append(node)
        try:
            self.run_for(node, scope)
        finally:
            self.loops.pop()

    def run_for(self, node: ast.For, scope: Scope) -> None:
        broke = False
        for item in self.iterate(self.eval(node.iter, scope), node.iter):
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
        for item in node.items:
            value = self.eval(item.context_expr, scope)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, value, scope)
        self.exec_block(node.body, scope)

    def stmt_Try(self, node: ast.Try, scope: Scope) -> None:
        self.exec_block(node.body, scope)
        self.exec_block(node.orelse, scope)
        self.exec_block(node.finalbody, scope)

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
            value = self.modules(full)
            if value is None:
                value = self.getattr(self.import_module(module), alias.name, node)
            self.set_name(alias.asname or alias.name, value, scope)

    def import_module(self, name: str) -> Any:
        value = self.modules(name)
        return value if value is not None else Opaque(f"module {name}")

    def stmt_Global(self, node: ast.Global, scope: Scope) -> None:
        scope.globals_declared.update(node.names)

    stmt_Nonlocal = stmt_Global

    def stmt_Delete(self, node: ast.Delete, scope: Scope) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                scope.vars.pop(target.id, None)

    def stmt_Assert(self, node: ast.Assert, scope: Scope) -> None:
        pass

    def stmt_Raise(self, node: ast.Raise, scope: Scope) -> None:
        raise _Return(Opaque("raised exception"))

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
            if isinstance(obj, HostValue) and hasattr(obj, "py_setitem"):
                obj.py_setitem(key, value, Context(self, target))
            elif isinstance(obj, (list, dict)):
                try:
                    obj[key] = value
                except (IndexError, TypeError, KeyError) as e:
                    raise self.error(f"cannot assign item: {e}", target) from e

    def setattr(self, obj: Any, name: str, value: Any, node: ast.AST) -> None:
        ctx = Context(self, node)
        if isinstance(obj, Instance):
            obj.attrs[name] = value
            host = obj.cls.host_base()
            if host is not None:
                host.py_instance_setattr(obj, name, value, ctx)
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
        return method(node, scope)

    def expr_Constant(self, node: ast.Constant, scope: Scope) -> Any:
        return node.value

    def expr_Name(self, node: ast.Name, scope: Scope) -> Any:
        found, value = scope.lookup(node.id)
        if found:
            return value
        if node.id in SAFE_BUILTINS or node.id in ("print", "isinstance", "super", "map", "filter", "hasattr",
                                                   "type", "object", "property", "staticmethod", "classmethod",
                                                   "getattr", "setattr"):
            return _Builtin(node.id)
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        if node.id in UNSAFE_BUILTINS:
            self.warn("not_run", f"'{node.id}' is not run: paramwise only reads the file", node=node)
            return Opaque(node.id)
        if node.id in ("Exception", "ValueError", "TypeError", "NotImplementedError", "RuntimeError", "KeyError"):
            return Opaque(node.id)
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
            if isinstance(left, Opaque) or isinstance(right, Opaque):
                return Opaque("comparison")
            try:
                result = CMPOPS[type(op)](left, right)
            except TypeError as e:
                raise self.error(f"cannot compare {left!r} and {right!r}", node) from e
            if not self.truth(result, node):
                return False
            left = right
        return True

    def expr_IfExp(self, node: ast.IfExp, scope: Scope) -> Any:
        if self.truth(self.eval(node.test, scope), node.test):
            return self.eval(node.body, scope)
        return self.eval(node.orelse, scope)

    def expr_List(self, node: ast.List, scope: Scope) -> Any:
        return self.elements(node.elts, scope)

    def expr_Tuple(self, node: ast.Tuple, scope: Scope) -> Any:
        return tuple(self.elements(node.elts, scope))

    def expr_Set(self, node: ast.Set, scope: Scope) -> Any:
        return set(self.elements(node.elts, scope))

    def elements(self, elts: list[ast.expr], scope: Scope) -> list[Any]:
        out: list[Any] = []
        for e in elts:
            if isinstance(e, ast.Starred):
                out.extend(self.iterate(self.eval(e.value, scope), e))
            else:
                out.append(self.eval(e, scope))
        return out

    def expr_Dict(self, node: ast.Dict, scope: Scope) -> Any:
        out: dict[Any, Any] = {}
        for k, v in zip(node.keys, node.values):
            if k is None:
                out.update(self.eval(v, scope))
            else:
                out[self.eval(k, scope)] = self.eval(v, scope)
        return out

    def expr_Subscript(self, node: ast.Subscript, scope: Scope) -> Any:
        obj = self.eval(node.value, scope)
        key = self.eval(node.slice, scope)
        if isinstance(obj, HostValue):
            return obj.py_getitem(key, Context(self, node))
        if isinstance(obj, Opaque) or isinstance(key, Opaque):
            return Opaque("item")
        try:
            return obj[key]
        except (IndexError, KeyError, TypeError) as e:
            raise self.error(f"cannot take item {key!r} of {_describe(obj)}: {e}", node) from e

    def expr_Slice(self, node: ast.Slice, scope: Scope) -> Any:
        def part(n: ast.expr | None) -> Any:
            return None if n is None else self.eval(n, scope)

        return slice(part(node.lower), part(node.upper), part(node.step))

    def expr_Index(self, node: Any, scope: Scope) -> Any:  # Python < 3.9 trees
        return self.eval(node.value, scope)

    def expr_JoinedStr(self, node: ast.JoinedStr, scope: Scope) -> Any:
        parts = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                value = self.eval(v.value, scope)
                spec = self.eval(v.format_spec, scope) if v.format_spec is not None else ""
                if v.conversion == ord("r"):
                    value = repr(value)
                parts.append(format(value, spec) if not isinstance(value, (Opaque, HostValue)) else str(value))
            else:
                parts.append(str(self.eval(v, scope)))
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
        return list(self.comprehension(node.generators, lambda s: self.eval(node.elt, s), scope, node))

    def expr_GeneratorExp(self, node: ast.GeneratorExp, scope: Scope) -> Any:
        return list(self.comprehension(node.generators, lambda s: self.eval(node.elt, s), scope, node))

    def expr_SetComp(self, node: ast.SetComp, scope: Scope) -> Any:
        return set(self.comprehension(node.generators, lambda s: self.eval(node.elt, s), scope, node))

    def expr_DictComp(self, node: ast.DictComp, scope: Scope) -> Any:
        pairs = self.comprehension(node.generators, lambda s: (self.eval(node.key, s), self.eval(node.value, s)), scope, node)
        return dict(pairs)

    def comprehension(
        self, generators: list[ast.comprehension], element: Callable[[Scope], Any], scope: Scope, node: ast.AST
    ) -> list[Any]:
        inner = Scope(scope, "comprehension")
        out: list[Any] = []

        def loop(i: int) -> None:
            if i == len(generators):
                out.append(element(inner))
                return
            gen = generators[i]
            for item in self.iterate(self.eval(gen.iter, inner), gen.iter):
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
            return False
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
        if isinstance(value, Opaque):
            return iter(())
        if isinstance(value, HostValue):
            items = value.py_getattr("__iter__", Context(self, node))
            if isinstance(items, list):
                return iter(items)
            raise self.error(f"cannot loop over {value!r}", node)
        if isinstance(value, dict):
            return iter(list(value))
        try:
            return iter(value)
        except TypeError as e:
            raise self.error(f"cannot loop over {_describe(value)}", node, hint=_symbol_hint(value)) from e

    def binop(self, op: type, left: Any, right: Any, node: ast.AST) -> Any:
        if isinstance(left, (Opaque, HostValue)) or isinstance(right, (Opaque, HostValue)):
            for side in (left, right):
                if isinstance(side, HostValue) and hasattr(side, "py_binop"):
                    return side.py_binop(op, left, right, Context(self, node))
            return Opaque("arithmetic")
        if op is ast.Pow and isinstance(right, int) and isinstance(left, int) and abs(right) > 4096:
            raise self.error(f"{left} ** {right} is too large to evaluate", node)
        if op is ast.LShift and isinstance(right, int) and right > 4096:
            raise self.error(f"{left} << {right} is too large to evaluate", node)
        if op is ast.Mult and (isinstance(left, (str, list, tuple)) or isinstance(right, (str, list, tuple))):
            seq, n = (left, right) if isinstance(left, (str, list, tuple)) else (right, left)
            if isinstance(n, int) and n * max(len(seq), 1) > MAX_SIZE:
                raise self.error("this sequence would be too large to build", node)
        try:
            result = BINOPS[op](left, right)
        except ZeroDivisionError as e:
            raise self.error("division by zero", node) from e
        except TypeError as e:
            raise self.error(f"cannot compute {_describe(left)} {_op_text(op)} {_describe(right)}", node) from e
        return result

    def getattr(self, obj: Any, name: str, node: ast.AST) -> Any:
        ctx = Context(self, node)
        if isinstance(obj, HostValue):
            return obj.py_getattr(name, ctx)
        if isinstance(obj, Opaque):
            return Opaque(f"{obj.what}.{name}")
        if isinstance(obj, Instance):
            return self.instance_getattr(obj, name, ctx)
        if isinstance(obj, SuperProxy):
            return self.super_getattr(obj, name, ctx)
        if isinstance(obj, ClassValue):
            found, value = obj.lookup(name)
            if found:
                if isinstance(value, Function) and "classmethod" in value.decorators:
                    return BoundMethod(value, obj)
                return value
            host = obj.host_base()
            return host.py_getattr(name, ctx) if host is not None else Opaque(name)
        for typ, allowed in SAFE_METHODS.items():
            if isinstance(obj, typ) and name in allowed:
                return getattr(obj, name)
        if _is_symbolic(obj) or isinstance(obj, (int, float)):
            if name in ("real", "numerator"):
                return obj
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if getattr(obj, "is_Symbol", False):
            return Opaque(f"{self.undefined_object(str(obj), node).what}.{name}")
        raise self.error(f"{_describe(obj)} has no attribute '{name}' that paramwise can read", node)

    def instance_getattr(self, obj: Instance, name: str, ctx: Context) -> Any:
        if name in obj.attrs:
            return obj.attrs[name]
        found, value = obj.cls.lookup(name)
        if found:
            return self.bind_member(value, obj, ctx)
        host = obj.cls.host_base()
        if host is not None:
            try:
                return host.py_instance_getattr(obj, name, ctx)
            except AttributeError:
                pass
        raise ctx.error(f"'{obj.cls.name}' object has no attribute '{name}'")

    def bind_member(self, value: Any, obj: Any, ctx: Context) -> Any:
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
        mro = list(proxy.cls.mro())[1:]
        for cls in mro:
            if isinstance(cls, ClassValue):
                if name in cls.namespace:
                    return self.bind_member(cls.namespace[name], proxy.self_value, ctx)
            elif isinstance(cls, HostValue):
                if name == "__init__" and isinstance(proxy.self_value, Instance):
                    instance = proxy.self_value
                    return _HostInit(cls, instance)
                if isinstance(proxy.self_value, Instance):
                    try:
                        return cls.py_instance_getattr(proxy.self_value, name, ctx)
                    except AttributeError:
                        return Opaque(f"super().{name}")
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
        if isinstance(func, Opaque):
            return Opaque(f"{func.what}()")
        if callable(func) and getattr(func, "__self__", None) is not None:
            return self.call_safe(func, args, kwargs, node)  # a whitelisted method of plain data
        if getattr(func, "is_Symbol", False):
            return self.undefined_object(str(func), node)
        raise ctx.error(f"{_describe(func)} is not callable")

    def undefined_object(self, name: str, node: ast.AST | None) -> Opaque:
        """An undefined name that is called or has attributes is a thing (`SGD(...)`, `np.shape`), not a size."""
        self.forget_symbol(name)
        self.warn("undefined_name", f"'{name}' is not defined; what the code does with it is skipped", hint=f"import or define {name}", node=node)
        return Opaque(name)

    def call_safe(self, func: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> Any:
        try:
            result = func(*args, **kwargs)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError) as e:
            raise self.error(f"{e}", node) from e
        if isinstance(result, (list, str)) and len(result) > MAX_SIZE:
            raise self.error("this value would be too large to build", node)
        return result

    def call_builtin(self, name: str, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> Any:
        if name == "print":
            return None
        if name == "isinstance":
            return self.isinstance(args[0], args[1])
        if name == "hasattr":
            try:
                self.getattr(args[0], args[1], node or ast.Pass())
                return True
            except InputError:
                return False
        if name in ("getattr", "setattr"):
            return self.call_attribute_builtin(name, args, node or ast.Pass())
        if name in ("map", "filter"):
            fn, items = args[0], [x for seq in args[1:] for x in [list(self.iterate(seq, node or ast.Pass()))]]
            if name == "map":
                return [self.call(fn, list(vals), {}, node) for vals in zip(*items)]
            return [x for x in items[0] if self.truth(self.call(fn, [x], {}, node) if fn is not None else x, node or ast.Pass())]
        if name in ("type", "object", "property", "staticmethod", "classmethod"):
            return Opaque(name)
        if name == "range":
            if any(_is_symbolic(a) for a in args):
                raise self.error("range() of an unknown size cannot be followed", node, hint=_symbol_hint(args))
            if not all(isinstance(a, int) for a in args):
                unread = ", ".join(a.what for a in args if isinstance(a, Opaque)) or "a value that is not an integer"
                raise self.error(f"range() is given a value paramwise cannot read: {unread}", node,
                                 hint="write the value as a number in the file")
            return range(*args)
        if name in ("list", "tuple", "set", "sorted", "reversed", "enumerate", "zip", "sum", "min", "max", "any", "all", "dict", "len"):
            args = [list(self.iterate(a, node or ast.Pass())) if isinstance(a, (Opaque, HostValue)) else a for a in args]
        return self.call_safe(SAFE_BUILTINS[name], args, kwargs, node)

    def call_attribute_builtin(self, name: str, args: list[Any], node: ast.AST) -> Any:
        """getattr(obj, "name"[, default]) and setattr(obj, "name", value) as `obj.name` reads and writes;
        names starting with an underscore are not followed."""
        if len(args) < 2 or not isinstance(args[1], str) or args[1].startswith("_"):
            self.warn("not_run", f"'{name}' is not run here: its attribute name is not a plain string", node=node)
            return Opaque(name)
        if name == "setattr":
            if len(args) != 3:
                raise self.error("setattr() takes 3 arguments", node)
            self.setattr(args[0], args[1], args[2], node)
            return None
        if len(args) == 3:
            try:
                return self.getattr(args[0], args[1], node)
            except InputError:
                return args[2]
        return self.getattr(args[0], args[1], node)

    def isinstance(self, value: Any, types: Any) -> bool:
        options = types if isinstance(types, tuple) else (types,)
        for t in options:
            if isinstance(t, type) and isinstance(value, t):
                return True
            if isinstance(t, _Builtin) and t.name in SAFE_BUILTINS and isinstance(SAFE_BUILTINS[t.name], type):
                if isinstance(value, SAFE_BUILTINS[t.name]):
                    return True
            if isinstance(t, ClassValue) and isinstance(value, Instance) and t in list(value.cls.mro()):
                return True
            if isinstance(t, HostValue) and hasattr(t, "py_instancecheck") and t.py_instancecheck(value):
                return True
        return False

    def instantiate(self, cls: ClassValue, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        instance = Instance(cls)
        host = cls.host_base()
        if host is not None and hasattr(host, "py_new_instance"):
            host.py_new_instance(instance, ctx)
        found, init = cls.lookup("__init__")
        if found and isinstance(init, Function):
            self.call_function(init, [instance, *args], kwargs, ctx.node)
        elif host is not None:
            host.py_instance_init(instance, args, kwargs, ctx)
        elif any(_dotted(d) == "dataclass" for d in cls.node.decorator_list):
            self.init_dataclass(cls, instance, args, kwargs, ctx)
        if host is not None and hasattr(host, "py_after_init"):
            host.py_after_init(instance, ctx)
        return instance

    def init_dataclass(self, cls: ClassValue, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
        """A @dataclass's generated __init__: its annotated fields, in order, with their defaults."""
        fields = [s.target.id for s in cls.node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
        for name, value in zip(fields, args):
            instance.attrs[name] = value
        for name in fields[len(args):]:
            if name in kwargs:
                instance.attrs[name] = kwargs[name]
            elif name not in cls.namespace:
                raise ctx.error(f"{cls.name}() is missing the field '{name}'")

    def call_function(self, func: Function, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None) -> Any:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.depth = 0
            raise self.error(f"calls nest deeper than {MAX_DEPTH} levels; stopped", node, hint="is this recursion meant to end?")
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


@dataclass
class _Builtin:
    name: str


@dataclass
class _HostInit:
    host: HostValue
    instance: Instance


class _Noop:
    pass


def _load(target: ast.expr) -> ast.expr:
    """The same expression as a load, for `x += 1`."""
    node = ast.parse(ast.unparse(target), mode="eval").body
    return ast.copy_location(node, target)


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return ""


def _is_symbolic(value: Any) -> bool:
    return hasattr(value, "free_symbols") and bool(value.free_symbols)


def _symbol_hint(value: Any) -> str:
    values = value if isinstance(value, (list, tuple)) else [value]
    for v in values:
        if _is_symbolic(v):
            return f"bind it with --set {sorted(str(s) for s in v.free_symbols)[0]}=VALUE"
    return ""


def _describe(value: Any) -> str:
    if isinstance(value, Instance):
        return f"a {value.cls.name} object"
    if _is_symbolic(value):
        return f"the unknown size {value}"
    return f"{type(value).__name__} {value!r}"[:80]


def _op_text(op: type) -> str:
    texts: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**"}
    return texts.get(op, "?")
