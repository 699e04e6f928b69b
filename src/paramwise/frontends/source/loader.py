"""The project a source file lives in: where its imports are found, parsed once, never run by Python.

A file's imports of modules beside it are read with the same static interpreter (python/imports.py runs what
this loader finds). Relative imports are found from the importing file's folder; absolute ones under the
file's folder, its parents up to the project root (the nearest folder holding pyproject.toml, setup.py,
setup.cfg or .git; with none, the folder above the outermost package), each `--path DIR`, then the current
folder: nearest first, as `python file.py` looks beside the script and `python -m pkg.module` in the current
folder. A package is a folder with `__init__.py` (or, without one,
a folder of .py files: a namespace package). What is not found stays unknown to the reader.

Bounded: at most MAX_FILES project files per read, each at most MAX_FILE_BYTES; each file is parsed once
(the parses are kept between reads of the same project while the file is unchanged).
"""

from __future__ import annotations

import ast
import os
from collections import OrderedDict
from collections.abc import Sequence

from ...errors import InputError, LimitError, Location
from .python.imports import SOURCE_ATTRIBUTE, ModuleSource, mark_source
from .python.interpreter import LIMIT_HINT
from .python.repair import parse_source

PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
MAX_FILES = 256  # project modules one read may load
MAX_FILE_BYTES = 4 * 1024 * 1024  # one module's source
MAX_PARENTS = 32  # folders looked at above the file for the project root
CACHE_SIZE = 512  # parsed files kept between reads

_PARSED: OrderedDict[tuple[str, int, int, str], tuple[ast.Module, list[str]]] = OrderedDict()


def project_root(folder: str) -> str | None:
    """The nearest folder at or above `folder` that holds a project marker (None: none within MAX_PARENTS)."""
    current = os.path.abspath(folder)
    for _ in range(MAX_PARENTS):
        if any(os.path.exists(os.path.join(current, m)) for m in PROJECT_MARKERS):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
    return None


def package_top(folder: str) -> tuple[str, list[str]]:
    """The folder above the outermost package holding `folder`, and the package names down to `folder`."""
    names: list[str] = []
    current = os.path.abspath(folder)
    while os.path.isfile(os.path.join(current, "__init__.py")) and len(names) < MAX_PARENTS:
        names.insert(0, os.path.basename(current))
        current = os.path.dirname(current)
    return current, names


def search_path(path: str, extra: Sequence[str] = ()) -> list[str]:
    """Where absolute imports of `path`'s code are looked for, nearest first."""
    folder = os.path.dirname(os.path.abspath(path))
    top = project_root(folder) or package_top(folder)[0]
    out = [folder]
    current = folder
    while current != top and os.path.dirname(current) != current and len(out) < MAX_PARENTS:
        current = os.path.dirname(current)
        out.append(current)
    for more in (*extra, os.curdir):  # --path DIRs, then the current folder (as `python -m` looks there)
        full = os.path.abspath(more)
        if full not in out:
            out.append(full)
    return out


def has_python(folder: str) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(e.name.endswith(".py") or (e.is_dir() and not e.name.startswith((".", "__"))) for e in entries)
    except OSError:
        return False


class ProjectLoader:
    """Finds and parses the project's modules for one read (python/imports.py's ModuleLoader)."""

    def __init__(self, path: str, extra: Sequence[str] = ()) -> None:
        self.path = path
        self.main = os.path.realpath(path)
        self.search = search_path(path, extra)
        self.absolute_names = os.path.isabs(path)
        self.sources: dict[str, ModuleSource] = {}
        self.files = 0

    def main_name(self) -> str:
        return ".".join(package_top(os.path.dirname(self.main))[1])

    def find(self, name: str, level: int, importer: str | None) -> list[ModuleSource] | None:
        parts = name.split(".") if name else []
        if level:
            key = importer or self.main
            base = key if os.path.isdir(key) else os.path.dirname(key)
            owner = self.sources.get(key)
            if owner is None:
                package = self.main_name()
            else:
                package = owner.name if owner.is_package else owner.name.rpartition(".")[0]
            prefix = package.split(".") if package else []
            for _ in range(level - 1):
                base = os.path.dirname(base)
                prefix = prefix[:-1]
            if not any(base == top or base.startswith(top.rstrip(os.sep) + os.sep) for top in self.search):
                return None  # above every folder of the project: Python's "beyond top-level package"
            if not parts:
                return [self.package(base, ".".join(prefix) or os.path.basename(base))]
            found = self.chain(base, parts, prefix)
            return found or None
        for folder in self.search:
            found = self.chain(folder, parts, [])
            if found:
                return found
        return None

    def chain(self, folder: str, parts: list[str], prefix: list[str]) -> list[ModuleSource]:
        out: list[ModuleSource] = []
        current: str | None = folder
        for i, part in enumerate(parts):
            if current is None:
                break
            name = ".".join(prefix + parts[: i + 1])
            package = os.path.join(current, part)
            module = package + ".py"
            if os.path.isfile(os.path.join(package, "__init__.py")):
                out.append(self.package(package, name))
                current = package
            elif os.path.isfile(module):
                out.append(self.source(module, name, is_package=False))
                current = None
            elif os.path.isdir(package) and has_python(package):
                out.append(self.package(package, name))
                current = package
            else:
                break
        return out

    def package(self, folder: str, name: str) -> ModuleSource:
        init = os.path.join(folder, "__init__.py")
        if os.path.isfile(init):
            return self.source(init, name, is_package=True)
        key = os.path.realpath(folder)
        if key not in self.sources:
            self.sources[key] = ModuleSource(key, name, self.shown(folder), None, is_package=True)
        return self.sources[key]

    def source(self, filename: str, name: str, is_package: bool) -> ModuleSource:
        key = os.path.realpath(filename)
        if key in self.sources:
            return self.sources[key]
        self.files += 1
        shown = self.shown(filename)
        if self.files > MAX_FILES:
            raise LimitError(f"the code imports more than {MAX_FILES} files of its project; stopped",
                             hint=LIMIT_HINT, location=Location(shown))
        tree, lines = parse_file(filename, shown)
        self.sources[key] = ModuleSource(key, name, shown, tree, is_package, lines)
        return self.sources[key]

    def shown(self, filename: str) -> str:
        """A project file as messages name it: relative to the current folder when the file read was given so."""
        full = os.path.abspath(filename)
        if self.absolute_names:
            return full
        relative = os.path.relpath(full)
        return relative if not relative.startswith(".." + os.sep + "..") else full


def parse_file(filename: str, shown: str) -> tuple[ast.Module, list[str]]:
    """A project file, parsed (once while it is unchanged) and tagged with its name for messages."""
    try:
        info = os.stat(filename)
        if info.st_size > MAX_FILE_BYTES:
            raise LimitError(f"{shown}: a module of {info.st_size:,} bytes is larger than a model's source would be; "
                             "stopped", hint=LIMIT_HINT, location=Location(shown))
        cache_key = (os.path.realpath(filename), info.st_mtime_ns, info.st_size, shown)
        cached = _PARSED.get(cache_key)
        if cached is not None:
            _PARSED.move_to_end(cache_key)
            return cached
        with open(filename, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise InputError(f"{shown}: cannot be read ({e.strerror or e})", location=Location(shown)) from e
    text = data.decode("utf-8", "replace")
    tree, text, _ = parse_source(shown, text)
    lines = text.splitlines()
    mark_source(tree, shown, lines)
    _PARSED[cache_key] = (tree, lines)
    if len(_PARSED) > CACHE_SIZE:
        _PARSED.popitem(last=False)
    return tree, lines


def defined_here(node: ast.AST) -> bool:
    """Whether a class or function is defined in the file being read (not in a module it imports)."""
    return not hasattr(node, SOURCE_ATTRIBUTE)


def loader_for(path: str, extra: Sequence[str] = ()) -> ProjectLoader | None:
    """The loader for a file read from disk (None for standard input: it has no folder)."""
    if path == "-" or not os.path.isfile(path):
        return None
    return ProjectLoader(path, extra)
