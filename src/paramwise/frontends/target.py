"""What the user named on the command line: a file, a folder, or one class or object in a file or module.

    model.py                 a file (or `-`: standard input)
    models/                  a project folder
    models/net.py:ViT        the name ViT defined in models/net.py
    models.net:ViT           the name ViT in the module models.net (found under the current folder or --path)

Like uvicorn's `module:app` and pytest's node ids. A name that exists as a path is always a path, so a file
whose name holds a colon still reads as itself.
"""

from __future__ import annotations

import os

from ..errors import InputError
from ..frozen import frozen


def dotted_name(text: str) -> bool:
    """ASCII identifiers joined by dots (`ViT`, `Outer.Inner`, `models.net`)."""
    return text.isascii() and all(part.isidentifier() for part in text.split("."))


@frozen
class Target:
    """What a `file.py:Name` or `pkg.module:Name` argument names."""

    path: str | None  # a file or folder (None when a module name was given)
    module: str | None = None  # dotted module name (`models.net:ViT`)
    attr: str | None = None  # the class or object to use (`ViT`, `Outer.Inner`)

    @property
    def shown(self) -> str:
        where = self.path if self.path is not None else self.module
        return f"{where}:{self.attr}" if self.attr else str(where)


def parse_target(text: str) -> Target:
    """Split `file.py:Name` / `pkg.module:Name`; anything else is a path, as before."""
    if text == "-" or os.path.exists(text) or ":" not in text:
        return Target(text)
    where, _, attr = text.rpartition(":")
    if not where or (len(where) == 1 and where.isalpha() and attr.startswith(("\\", "/"))):
        return Target(text)  # a drive letter (C:\model.py), not a selection
    if not dotted_name(attr):
        raise InputError(
            f"{text}: {attr!r} is not a Python name",
            hint="name a class or object after the colon: models/net.py:ViT or models.net:ViT",
        )
    if where.endswith(".py") or os.sep in where or "/" in where or os.path.exists(where):
        return Target(where, attr=attr)
    if dotted_name(where):
        return Target(None, module=where, attr=attr)
    raise InputError(
        f"{text}: {where!r} is neither a file nor a module name",
        hint="write a path to a .py file (models/net.py:ViT) or a dotted module name (models.net:ViT)",
    )


MAX_MODULE_PARTS = 32


def module_file(module: str, paths: tuple[str, ...] = ()) -> str:
    """The file of the module `pkg.module`, looked for under the current folder, then each --path DIR
    (`models.net` -> models/net.py or models/net/__init__.py)."""
    parts = module.split(".")[:MAX_MODULE_PARTS]
    for folder in (".", *paths):
        base = os.path.join(folder, *parts)
        for candidate in (base + ".py", os.path.join(base, "__init__.py")):
            if os.path.isfile(candidate):
                return os.path.normpath(candidate)
    where = ", ".join(["the current folder", *paths])
    raise InputError(
        f"no module named '{module}' under {where}",
        hint="run paramwise from the folder above the package, or give it with --path DIR",
    )


def resolve_target(target: Target, paths: tuple[str, ...] = ()) -> tuple[str, str | None]:
    """The file (or folder) to read and the name to select in it."""
    if target.path is not None:
        return target.path, target.attr
    return module_file(target.module or "", paths), target.attr
