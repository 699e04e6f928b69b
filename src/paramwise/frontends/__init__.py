"""Frontends: each reads one kind of input and produces Graphs. Each module has `sniff(path, head)` and
`read(path, text_or_bytes, options) -> (found models, index of the one to show)`."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import InputError
from ..ir import Graph

# tried in order; the first whose sniff() says yes reads the input
FRONTENDS = ["keras_source"]
FRONTENDS[:0] = ["keras_archive", "keras_h5", "keras_json"]  # .keras zip, legacy .h5, to_json() (before .py sniffing: stdin)
FRONTENDS[:0] = ["checkpoint"]  # .safetensors (header only), *.safetensors.index.json, .pt/.pth/.bin state dicts
FRONTENDS += ["torch_source"]  # .py files that import torch


@dataclass(frozen=True)
class ReadOptions:
    model: str | None = None  # --model NAME
    bindings: dict[str, Any] = field(default_factory=dict)  # --set NAME=VALUE
    input_shape: tuple[Any, ...] | None = None  # --input-shape 1,3,224,224
    class_name: str | None = None  # --class Net
    class_args: tuple[Any, ...] = ()  # --args ...
    framework: str | None = None  # --framework keras|torch (skip sniffing)


@dataclass(frozen=True)
class Found:
    """One model found in an input: the name it is bound to, and its graph (or why it has none)."""

    name: str
    graph: Graph | None
    error: InputError | None = None

    def require(self) -> Graph:
        """The graph, or the error that says why this model has none (e.g. no input shape)."""
        if self.graph is None:
            raise self.error or InputError(f"model '{self.name}' could not be read")
        return self.graph


def register(name: str) -> None:
    """Add a frontend module (by its name in this package) to the ones tried."""
    if name not in FRONTENDS:
        FRONTENDS.append(name)


def load(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}")


def pick(path: str, head: bytes, options: ReadOptions) -> ModuleType:
    if options.framework:
        wanted = {"keras": "keras_source", "torch": "torch_source"}.get(options.framework, options.framework)
        return load(wanted)
    for name in FRONTENDS:
        try:
            module = load(name)
        except ImportError:
            continue
        if module.sniff(path, head):
            return module
    raise InputError(
        f"{path}: paramwise does not recognise this input",
        hint="give a Keras or PyTorch .py file, a .keras/.json/.h5 Keras file, a .safetensors/.pt checkpoint, "
        "an .onnx file or a Hugging Face config.json",
    )


def read_path(path: str, options: ReadOptions, stdin_text: str | None = None) -> tuple[list[Found], int]:
    """Read a file (or `-` with `stdin_text`) with the frontend that recognises it."""
    if path == "-":
        data = (stdin_text or "").encode()
        name = "<stdin>"
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: no such file", hint="check the path")
        if p.is_dir():
            raise InputError(f"{path}: is a directory", hint="give the model file itself")
        with p.open("rb") as f:
            head = f.read(65536)
        module = pick(path, head, options)
        if getattr(module, "READS_PATH", False):  # reads only what it needs (a 100 GB checkpoint's header)
            found: tuple[list[Found], int] = module.read_file(path, options)
            return found
        data = p.read_bytes()
        name = path
    module = pick(path if path != "-" else "-", data[:65536], options)
    if getattr(module, "BINARY", False):
        result: tuple[list[Found], int] = module.read(name, data, options)
    else:
        result = module.read(name, data.decode("utf-8", "replace"), options)
    return result
