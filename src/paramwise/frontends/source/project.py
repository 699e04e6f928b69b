"""A Python project: the models its files can build, read statically like a single file.

`paramwise DIR` lists, file by file, the model classes each file defines (nn.Module / keras.Model
subclasses, built with their keyword defaults) and the models it builds at module level, as `--list` does;
`--model models/vit.py:ViT` (or `--model ViT`) shows one. `paramwise train.py`, a script that builds its model
from the project's modules without importing torch or keras itself, is read by the reader of the framework
its imports lead to. Nothing is executed: each file is read by the Keras or PyTorch source reader, which follows
the project's imports with the same interpreter (loader.py).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from itertools import islice
from types import ModuleType

from ...errors import InputError, LimitError
from ...frozen import replace
from .. import Found, ReadOptions
from . import imports_keras, torch_sniff
from .keras import source as keras_source
from .loader import MAX_FILE_BYTES, ProjectLoader
from .torch import source as torch_source

MAX_DIR_FILES = 64  # .py files a folder listing reads
MAX_SNIFF_DIR_FILES = 512  # .py files whose first bytes are looked at to recognise a project folder
MAX_DIR_MODELS = 128  # models a folder listing builds
MAX_SCAN_DEPTH = 6  # folders below the one given
MAX_COUNTED = 10_000  # files counted (not read) past the listing's limit
MAX_DIR_SECONDS = 15.0  # CPU seconds a listing spends before it stops (within the command's own time limit)
MAX_SNIFF_FILES = 16  # local modules followed to decide a script's framework
SKIPPED_DIRS = {"__pycache__", "build", "dist", "node_modules", "site-packages", "tests", "test", "docs", "venv", "env"}
IMPORTS = re.compile(r"^\s*(?:from\s+(\.*)([\w.]*)\s+import|import\s+([\w.]+))", re.M)
LISTED = "project"  # Graph.meta key of a model found by a folder listing (its entry: `models/vit.py:ViT`)


def framework_of(path: str, head: bytes) -> ModuleType | None:
    """The source reader for a .py file by its own imports (torch first where it imports both)."""
    if torch_sniff(path, head):
        return torch_source
    if imports_keras(head.decode("utf-8", "replace")):
        return keras_source
    return None


def sniff(path: str, head: bytes) -> bool:
    """A .py file that imports neither framework, but whose project modules do (a training script)."""
    return path.endswith(".py") and os.path.isfile(path) and followed_framework(path, head) is not None


def followed_framework(path: str, head: bytes) -> ModuleType | None:
    """The reader of the framework that `path`'s local imports reach (breadth first, a few files)."""
    loader = ProjectLoader(path)
    queue = [(path, head)]
    seen = {os.path.realpath(path)}
    while queue and len(seen) <= MAX_SNIFF_FILES:
        current, text = queue.pop(0)
        reader = framework_of(current, text)
        if reader is not None:
            return reader
        for dots, module, plain in IMPORTS.findall(text.decode("utf-8", "replace")):
            name, level = (module, len(dots)) if dots or module else (plain, 0)
            key = loader.main if current == path else os.path.realpath(current)
            for found in located(loader, name, level, key):
                if found not in seen:
                    seen.add(found)
                    queue.append((found, read_head(found)))
    return None


def located(loader: ProjectLoader, name: str, level: int, importer: str) -> list[str]:
    """The files of the project module `import name` names (without parsing them)."""
    parts = name.split(".") if name else []
    if level:
        base = os.path.dirname(importer)
        for _ in range(level - 1):
            base = os.path.dirname(base)
        folders = [base]
    else:
        folders = loader.search
    for folder in folders:
        out = []
        current = folder
        for part in parts:
            package, module = os.path.join(current, part), os.path.join(current, part + ".py")
            if os.path.isfile(module):
                out.append(module)
                break
            if not os.path.isdir(package):
                break
            init = os.path.join(package, "__init__.py")
            if os.path.isfile(init):
                out.append(init)
            current = package
        if out:
            return [os.path.realpath(f) for f in out]
    return []


def read_head(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(65536)
    except OSError:
        return b""


def read(path: str, text: str, options: ReadOptions) -> tuple[list[Found], int]:
    reader = followed_framework(path, text.encode("utf-8", "replace"))
    if reader is None:
        raise InputError(f"{path}: its imports lead to no Keras or PyTorch code", hint="give the file that defines the model")
    result: tuple[list[Found], int] = reader.read(path, text, options)
    return result


# -- a folder ---------------------------------------------------------------------------------------------


def python_files(folder: str) -> Iterator[str]:
    """The folder's .py files, sorted, outside tests, build output and hidden folders."""
    base = folder.rstrip(os.sep) or os.sep
    for current, dirs, files in os.walk(base):
        depth = os.path.relpath(current, base).count(os.sep) + (current != base)
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")) and d not in SKIPPED_DIRS
                         and not d.endswith(".egg-info") and depth < MAX_SCAN_DEPTH)
        for name in sorted(files):
            if name.endswith(".py") and not name.startswith(("test_", "conftest", "setup.py")):
                yield os.path.normpath(os.path.join(current, name))


def sniff_dir(path: str) -> bool:
    """A folder with Python files that import PyTorch or Keras."""
    for i, file in enumerate(python_files(path)):
        if i >= MAX_SNIFF_DIR_FILES:
            return False
        if framework_of(file, read_head(file)) is not None:
            return True
    return False


def read_dir(path: str, options: ReadOptions) -> tuple[list[Found], int]:
    """Every model the folder's files can build: model classes (with their keyword defaults) and models
    built at module level, each named `file.py:Name` relative to the folder."""
    found: list[Found] = []
    files = python_files(path)
    started = time.process_time()
    for i, file in enumerate(files):
        spent = i > 0 and time.process_time() - started > MAX_DIR_SECONDS  # the first file is read whatever the time
        if i >= MAX_DIR_FILES or len(found) >= MAX_DIR_MODELS or spent:
            more = 1 + sum(1 for _ in islice(files, MAX_COUNTED))
            shown = f"{more:,}" if more <= MAX_COUNTED else f"more than {MAX_COUNTED:,}"
            limit = f"stops after {MAX_DIR_SECONDS:g} s of reading" if spent else \
                f"reads at most {MAX_DIR_FILES} files and builds at most {MAX_DIR_MODELS} models"
            found.append(Found("...", None, InputError(
                f"{shown} more .py file{'s' if more != 1 else ''} not read (a folder listing {limit}); "
                "give a subfolder, or FILE.py")))
            break
        try:
            with open(file, "rb") as f:
                data = f.read(MAX_FILE_BYTES + 1)
        except OSError:
            continue
        if len(data) > MAX_FILE_BYTES:
            continue  # larger than a model's source: not listed (naming it gives the error)
        reader = framework_of(file, data[:65536]) or followed_framework(file, data[:65536])
        if reader is None:
            continue
        found.extend(file_models(path, file, data.decode("utf-8", "replace"), reader, options))
    models = [f for f in found if f.name != "..."]
    if not models:
        left = f" ({found[0].error.message})" if found and found[0].error else ""
        raise InputError(f"{path}: no model class or model found in its Python files{left}",
                         hint="give the file that builds the model, or FILE.py:ClassName")
    if all(f.graph is None for f in models) and options.model is None and options.class_name is None:
        reasons = "; ".join(f"{f.name}: {f.error.message if f.error else 'not built'}" for f in models[:5])
        raise InputError(f"{path}: no model its files define can be built without arguments ({reasons}"
                         f"{'; ...' if len(models) > 5 else ''})",
                         hint=f"give one its arguments: paramwise {os.path.normpath(os.path.join(path, models[0].name))} "
                         "--args ...")
    return found, chosen(found, options)


def file_models(folder: str, file: str, text: str, reader: ModuleType, options: ReadOptions) -> list[Found]:
    """The models one file of the folder can build (nothing when the file cannot be read: it is skipped)."""
    shown = os.path.relpath(file, folder)
    plain = replace(options, class_name=None, class_args=(), model=None)
    try:
        classes, models = reader.listing(file, text, plain)
    except (InputError, LimitError):
        return []
    out: list[Found] = []
    wanted = [m for m in models if options.class_name in (None, m)]
    if wanted:
        try:
            built, _ = reader.read(file, text, plain)
        except (InputError, LimitError):
            built = []
        out += [entry(shown, f) for f in built if f.name in wanted]
    for name in classes:
        if options.class_name not in (None, name):
            continue  # `DIR:Name`: only that class is built (with --args)
        arguments = options.class_args if options.class_name == name else ((), {})
        try:
            result, _ = reader.read(file, text, replace(plain, class_name=name, class_args=arguments))
            out += [entry(shown, f, name) for f in result[:1]]
        except (InputError, LimitError) as e:
            out.append(Found(f"{shown}:{name}", None, e))
    if not classes and not models and reader is keras_source and options.class_name is None:
        try:  # a Keras file of builder functions: the model the reader builds from it (`build_model()`)
            built, _ = reader.read(file, text, plain)
        except (InputError, LimitError):
            built = []
        out += [entry(shown, f) for f in built if re.search(rf"^(async\s+)?def\s+{re.escape(f.name)}\b", text, re.M)]
    return out


def entry(shown: str, found: Found, name: str | None = None) -> Found:
    where = f"{shown}:{name or found.name}"
    graph = found.graph
    if graph is not None:
        graph = replace(graph, meta={**graph.meta, LISTED: where})
    return Found(where, graph, found.error)


def chosen(found: list[Found], options: ReadOptions) -> int:
    """`--model models/vit.py:ViT`, `--model ViT` or `DIR:ViT`; the first otherwise."""
    wanted = options.model or options.class_name
    if wanted is None:
        return next((i for i, f in enumerate(found) if f.graph is not None), 0)
    for i, f in enumerate(found):
        if wanted in (f.name, f.name.rpartition(":")[2]):
            return i
    raise InputError(f"no model named '{wanted}'", hint=f"models found: {', '.join(f.name for f in found)}")
