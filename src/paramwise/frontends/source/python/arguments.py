"""argparse as a script run with no command-line arguments sees it: `parse_args()` and `parse_args([])` give
each argument's default (a string default converted by its `type=`, `store_true` False, `store_false` True).
An argument the command line must give (a positional, `required=True`) has no value here: an integer one is a
named unknown size (bind it with --set NAME=VALUE), any other one a value paramwise does not read.
The namespace parse_args() returns is the one `types.SimpleNamespace` makes."""

from __future__ import annotations

from collections.abc import Callable

from .values import Context, Function, HostValue, Opaque

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

SUPPRESS = "==SUPPRESS=="


class ParserClass(HostValue):
    def __repr__(self) -> str:
        return "<class ArgumentParser>"

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return Parser()


class Argument:
    def __init__(self, dest: str, options: dict[str, Any], positional: bool) -> None:
        self.dest, self.options, self.positional = dest, options, positional


class Parser(HostValue):
    """An ArgumentParser, and each group of it (a group adds its arguments to the parser)."""

    def __init__(self) -> None:
        self.arguments: list[Argument] = []
        self.defaults: dict[str, Any] = {}

    def __repr__(self) -> str:
        return "<ArgumentParser>"

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name in ("add_argument", "parse_args", "parse_known_args", "set_defaults", "add_argument_group",
                    "add_mutually_exclusive_group", "get_default"):
            return ParserMethod(self, name)
        return Opaque(f"ArgumentParser.{name}")

    def add(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
        names = [a for a in args if isinstance(a, str)]
        if not names:
            raise ctx.error("add_argument() needs a name")
        positional = not names[0].startswith("-")
        if "dest" in kwargs and isinstance(kwargs["dest"], str):
            dest = kwargs["dest"]
        elif positional:
            dest = names[0]
        else:
            long = next((n for n in names if n.startswith("--")), names[0])
            dest = long.lstrip("-").replace("-", "_")
        self.arguments.append(Argument(dest, dict(kwargs), positional))

    def value_of(self, arg: Argument, ctx: Context) -> Any:
        options = arg.options
        action = options.get("action", "store")
        if arg.dest in self.defaults:
            return self.defaults[arg.dest]
        if "default" in options:
            value = options["default"]
        elif action == "store_true":
            value = False
        elif action == "store_false":
            value = True
        elif arg.positional and options.get("nargs") not in ("?", "*") or options.get("required") is True:
            kind = options.get("type")
            if kind is not None and getattr(kind, "name", None) == "int":
                if arg.dest.isidentifier() and ctx.node is not None:
                    return ctx.interp.derived_symbol(arg.dest, f"the command-line argument {arg.dest}", ctx.node)
                return Opaque(arg.dest)
            return Opaque(f"the command-line argument {arg.dest}")
        else:
            value = [] if arg.positional and options.get("nargs") == "*" else None
        kind = options.get("type")
        if isinstance(value, str) and kind is not None and action == "store":
            value = ctx.call(kind, [value]) if isinstance(kind, (Function, HostValue)) or getattr(kind, "name", None) else value
        return value

    def parse(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        given = args[0] if args else kwargs.get("args")
        if isinstance(given, (list, tuple)) and given:
            ctx.warn("not_run", "parse_args() is given arguments; paramwise reads each argument's default instead",
                     hint="write the values as the defaults of the arguments")
        namespace = kwargs.get("namespace") if isinstance(kwargs.get("namespace"), NamespaceValue) else None
        attrs: dict[str, Any] = dict(namespace.attrs) if namespace is not None else {}
        for arg in self.arguments:
            if arg.options.get("default") == SUPPRESS:
                continue
            attrs.setdefault(arg.dest, self.value_of(arg, ctx))
        for key, value in self.defaults.items():
            attrs.setdefault(key, value)
        return NamespaceValue(attrs)


class ParserMethod(HostValue):
    def __init__(self, parser: Parser, name: str) -> None:
        self.parser, self.name = parser, name

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        parser = self.parser
        if self.name == "add_argument":
            parser.add(args, kwargs, ctx)
            return Opaque("argparse action")
        if self.name == "set_defaults":
            parser.defaults.update(kwargs)
            return None
        if self.name in ("add_argument_group", "add_mutually_exclusive_group"):
            return parser
        if self.name == "get_default":
            arg = next((a for a in parser.arguments if args and a.dest == args[0]), None)
            return parser.value_of(arg, ctx) if arg is not None else parser.defaults.get(args[0] if args else "")
        namespace = parser.parse(args, kwargs, ctx)
        return (namespace, []) if self.name == "parse_known_args" else namespace


def resolve_argparse(name: str) -> Any:
    if name == "ArgumentParser":
        return ParserClass()
    if name == "Namespace":
        return NamespaceClass()
    if name == "SUPPRESS":
        return SUPPRESS
    return None


class NamespaceClass(HostValue):
    """`types.SimpleNamespace(...)` and `argparse.Namespace(...)`: an object holding its keyword arguments."""

    def __repr__(self) -> str:
        return "<class SimpleNamespace>"

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        attrs: dict[str, Any] = dict(args[0]) if args and isinstance(args[0], dict) else {}
        attrs.update(kwargs)
        return NamespaceValue(attrs)

    def py_instancecheck(self, value: Any) -> bool:
        return isinstance(value, NamespaceValue)


class NamespaceValue(HostValue):
    def __init__(self, attrs: dict[str, Any]) -> None:
        self.attrs = attrs

    def __repr__(self) -> str:
        return "<namespace>"

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name == "__dict__":
            return self.attrs
        if name in self.attrs:
            return self.attrs[name]
        raise AttributeError(name)

    def py_setattr(self, name: str, value: Any, ctx: Context) -> None:
        self.attrs[name] = value

    def py_delattr(self, name: str, ctx: Context) -> None:
        if name not in self.attrs:
            raise AttributeError(name)
        del self.attrs[name]

    def py_copy(self, deep: bool, copier: Callable[[Any], Any], ctx: Context) -> Any:
        return NamespaceValue({k: copier(v) for k, v in self.attrs.items()})
