"""Imports: `import a.b`, `import a.b as m`, `from .x import Y`, `from . import mod`, `from .x import *`.

Standard-library modules paramwise models and the framework's modules come first (the `modules` the reader
gives the interpreter); then the interpreter's `loader`, which knows the project (where its files are) and
hands back parsed modules: they are run here, by this interpreter, never imported or executed by Python. A
module runs once per read (the next import finds it in `interp.loaded`, as in `sys.modules`); one being run
when it is imported again (a circular import) is given as it is so far, a partially initialised module, and a
name it does not define yet is Python's ImportError. A module the loader does not find stays unknown (an
`Opaque` value: what the code builds from it is not counted, and the reader says so).
"""

from __future__ import annotations

import ast

from ....frozen import field, record
from .builtins import STD_MODULES
from .exceptions import python_error
from .values import Atomic, Context, Opaque, Scope

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, Protocol

    from .interpreter import Interpreter
else:
    Protocol = object  # ModuleLoader is the type checker's: a plain class at run time


def resolve_std(dotted: str, interp: Interpreter) -> Any:
    """What a dotted standard-library name means (stdlib.resolve); None for names paramwise does not model.
    stdlib.py, and what it models with, is loaded for a file that imports one of STD_MODULES: most model files
    import only their framework."""
    from .stdlib import resolve

    return resolve(dotted, interp)


MAX_IMPORT_DEPTH = 64  # modules being run, each importing the next
# the attribute a loader sets on every node of a module it parses: (filename, lines), for messages that name it
SOURCE_ATTRIBUTE = "paramwise_source"


def mark_source(tree: ast.Module, filename: str, lines: list[str]) -> None:
    """Tag every node of a project module with its file, so that a message about it names that file."""
    where = (filename, lines)
    for node in ast.walk(tree):
        setattr(node, SOURCE_ATTRIBUTE, where)


@record(eq=False)
class ModuleSource:
    """One module of the project, found and parsed by a loader. `tree` is None for a folder without
    `__init__.py` (a namespace package)."""

    key: str  # the file (or folder), resolved: the same module however it is imported
    name: str  # its dotted name (`models.vit`)
    filename: str  # as messages show it
    tree: ast.Module | None
    is_package: bool = False
    lines: list[str] = field(default_factory=list)


class ModuleLoader(Protocol):
    def find(self, name: str, level: int, importer: str | None) -> list[ModuleSource] | None:
        """The modules `import name` (with `level` leading dots) runs, from the outermost package in `name`
        to the module itself, for code in the file `importer` (its key; None: the file being read). None when
        the first of them is not in the project; shorter than `name` when a later one is missing."""

    def main_name(self) -> str:
        """The dotted name of the package holding the file being read ('' when it is in none)."""


class ModuleValue(Atomic):
    """A module of the project, run by the interpreter: its attributes are its global names."""

    def __init__(self, source: ModuleSource, scope: Scope) -> None:
        self.source = source
        self.scope = scope
        self.initialised = source.tree is None
        self.star_sources: list[str] = []  # `from torch.nn import *`: modules whose names it has, unlisted
        self.guessed = False  # a condition on a value paramwise does not read chose what it defines

    def __repr__(self) -> str:
        return f"<module {self.source.name}>"

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name in self.scope.vars:
            return self.scope.vars[name]
        if name == "__name__":
            return self.source.name
        found = from_star(ctx.interp, self, name)
        if found is not None:
            return found
        raise AttributeError(name)

    def py_setattr(self, name: str, value: Any, ctx: Context) -> None:
        self.scope.vars[name] = value

    def py_delattr(self, name: str, ctx: Context) -> None:
        self.scope.vars.pop(name, None)


def import_stmt(interp: Interpreter, node: ast.Import, scope: Scope) -> None:
    for alias in node.names:
        known = known_module(interp, alias.name) if alias.asname else known_module(interp, alias.name.split(".")[0])
        if known is not None:
            interp.set_name(alias.asname or alias.name.split(".")[0], known, scope)
            continue
        chain = load(interp, alias.name, 0, node, scope)
        if chain is None or len(chain) < alias.name.count(".") + 1:
            if chain and catches_import_error(interp):
                raise python_error(interp, "ModuleNotFoundError", f"no module named '{alias.name}' in the project", node)
            top = alias.name if alias.asname else alias.name.split(".")[0]
            value: Any = chain[0] if chain and not alias.asname else Opaque(f"module {top}")
        else:
            value = chain[-1] if alias.asname else chain[0]
        interp.set_name(alias.asname or alias.name.split(".")[0], value, scope)


def import_from(interp: Interpreter, node: ast.ImportFrom, scope: Scope) -> None:
    module = node.module or ""
    if node.level == 0 and (module.split(".")[0] in STD_MODULES or interp.modules(module) is not None
                            or interp.loader is None):
        return host_import_from(interp, node, scope)
    chain = load(interp, module, node.level, node, scope)
    shown = "." * node.level + module
    wanted = module.count(".") + 1 if module else 1  # the chain ends at the module named (`from . import`: the package)
    if chain is None or len(chain) < wanted:
        if (node.level or chain) and catches_import_error(interp):
            raise python_error(interp, "ModuleNotFoundError", f"no module named '{shown}' in the project", node)
        if node.level == 0:
            return host_import_from(interp, node, scope)
        for alias in node.names:
            if alias.name != "*":
                interp.set_name(alias.asname or alias.name, Opaque(f"module {shown}.{alias.name}"), scope)
        return
    package = chain[-1]
    for alias in node.names:
        if alias.name == "*":
            star_import(interp, package, scope)
            continue
        interp.set_name(alias.asname or alias.name, member(interp, package, alias.name, node, scope), scope)


IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def catches_import_error(interp: Interpreter) -> bool:
    """Whether a `try` being run has a handler for ImportError (`except ImportError:`, a bare `except:` ...):
    then a project module that does not exist raises, as in Python, and the code's fallback is read; elsewhere
    it stays unknown, and what is built from it is not counted."""
    for node in interp.trying:
        for handler in node.handlers:
            types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            if any(t is None or (isinstance(t, ast.Name) and t.id in IMPORT_ERRORS) for t in types):
                return True
    return False


def host_import_from(interp: Interpreter, node: ast.ImportFrom, scope: Scope) -> None:
    """`from X import Y` of a module the interpreter or the reader knows (or of one nobody knows)."""
    module = node.module or ""
    for alias in node.names:
        if alias.name == "*":
            importer = interp.loaded.get(interp.module_keys.get(id(scope.root()), ""))
            if importer is not None and node.level == 0:
                importer.star_sources.append(module)  # its names are read where they are used
            elif node.level == 0:
                interp.star_imports.append(module)  # the file being read: the reader gives the names it exports
            continue
        full = f"{module}.{alias.name}"
        value = resolve_std(full, interp) if module.split(".")[0] in STD_MODULES else None
        if value is None:
            value = interp.modules(full)
        if value is None:
            value = interp.getattr(interp.import_module("." * node.level + module), alias.name, node)
        interp.set_name(alias.asname or alias.name, value, scope)


class ImportBuiltin(Atomic):
    """Python's builtin `__import__("argparse")` (model headers, one-line configs): the standard-library or
    framework module paramwise models under that name, as `import argparse` gives; any other module is not
    imported (nothing is ever imported on the input's behalf) and stays unread."""

    def __init__(self, interp: Interpreter) -> None:
        self.interp = interp

    def __repr__(self) -> str:
        return "<built-in function __import__>"

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        name = args[0] if args else kwargs.get("name")
        if isinstance(name, str) and name and not kwargs.get("level") and not (len(args) > 4 and args[4]):
            found = known_module(self.interp, name.split(".")[0])
            if found is not None:
                return found
        ctx.warn("not_run", f"__import__({name!r}) is not run: paramwise only reads the file")
        return Opaque(f"module {name}" if isinstance(name, str) else "__import__()")


def known_module(interp: Interpreter, name: str) -> Any:
    """A module of the standard library or of the framework, by its dotted name; None for the others."""
    value = resolve_std(name, interp) if name in STD_MODULES else None
    return value if value is not None else interp.modules(name)


def member(interp: Interpreter, package: ModuleValue, name: str, node: ast.AST, scope: Scope) -> Any:
    """`from package import name`: the module's attribute, else its submodule, else Python's ImportError."""
    if name in package.scope.vars:
        return package.scope.vars[name]
    if package.source.is_package:
        sub = load(interp, name, 0, node, scope, within=package)
        if sub:
            return sub[-1]
    found = from_star(interp, package, name)
    if found is not None:
        return found
    if package.guessed:  # the name may be defined in a branch paramwise did not take: unknown, not an error
        return Opaque(f"{package.source.name}.{name}")
    where = f"'{package.source.name}' ({package.source.filename})"
    if not package.initialised:
        raise python_error(interp, "ImportError", f"cannot import name '{name}' from partially initialized module {where} "
                           "(most likely due to a circular import)", node,
                           hint="Python stops here too; import the module itself and use the name where it is needed")
    raise python_error(interp, "ImportError", f"cannot import name '{name}' from {where}", node,
                       hint=f"check that {package.source.filename} defines '{name}'")


def from_star(interp: Interpreter, module: ModuleValue, name: str) -> Any:
    """A name a project module has from `from torch.nn import *` (a module whose names paramwise does not
    list): the framework's meaning of it, else an unknown value; None when the module made no such import."""
    for source in module.star_sources:
        found = known_module(interp, f"{source}.{name}")
        if found is not None:
            return found
    return Opaque(f"{module.star_sources[0]}.{name}") if module.star_sources else None


def star_import(interp: Interpreter, package: ModuleValue, scope: Scope) -> None:
    names = package.scope.vars.get("__all__")
    if isinstance(names, (list, tuple)) and all(isinstance(n, str) for n in names):
        for name in names:
            if name in package.scope.vars:
                interp.set_name(name, package.scope.vars[name], scope)
        return
    for name, value in list(package.scope.vars.items()):
        if not name.startswith("_"):
            interp.set_name(name, value, scope)


def load(interp: Interpreter, name: str, level: int, node: ast.AST, scope: Scope,
         within: ModuleValue | None = None) -> list[ModuleValue] | None:
    """The project's modules `import name` runs (outermost package first), each run once; None when the
    module is not in the project."""
    loader = interp.loader
    if loader is None:
        return None
    if within is not None:
        sources = loader.find(name, 1, within.source.key) if within.source.is_package else None
    else:
        sources = loader.find(name, level, importer_of(interp, scope))
    if sources is None:
        return None
    chain: list[ModuleValue] = []
    parent = within
    for source in sources:
        module = interp.loaded.get(source.key)
        if module is None:
            module = run(interp, source, node)
        if parent is not None and parent.source.is_package:
            parent.scope.vars.setdefault(source.name.rpartition(".")[2], module)
        chain.append(module)
        parent = module
    return chain


def importer_of(interp: Interpreter, scope: Scope) -> str | None:
    """The key of the module whose code is running (None: the file being read)."""
    return interp.module_keys.get(id(scope.root()))


def run(interp: Interpreter, source: ModuleSource, node: ast.AST) -> ModuleValue:
    scope = Scope(None, "module")
    scope.vars.update({"__name__": source.name, "__file__": source.filename,
                       "__package__": source.name if source.is_package else source.name.rpartition(".")[0]})
    module = ModuleValue(source, scope)
    interp.loaded[source.key] = module
    interp.module_keys[id(scope)] = source.key
    if source.tree is None:
        return module
    if len(interp.importing) >= MAX_IMPORT_DEPTH:
        raise interp.limit(f"imports nest more than {MAX_IMPORT_DEPTH} modules deep; stopped", node)
    interp.importing.append(source.key)
    current, guesses = interp.current, interp.opaque_tests
    try:
        interp.run_in(source.tree, scope)
    finally:
        interp.importing.pop()
        interp.current = current
    module.initialised = True
    module.guessed = interp.opaque_tests > guesses
    return module


__all__ = ["ModuleLoader", "ModuleSource", "ModuleValue", "import_stmt", "import_from"]
