"""`--symbolic NAME[,NAME]`: the model's count as a simplified formula in named hyperparameters.

Names a file leaves undefined are already sympy symbols (the frontends read them as unknown sizes).
A name the file defines as a whole-number constant (`H = 64`) is left out of the reading, so it too
becomes a symbol: the line is blanked in the text handed to the frontend (lines and columns stay put),
and nothing else changes. Sizes that appear in shapes but not in the count are shown not to matter.
"""

from __future__ import annotations

import re

from ..errors import Diagnostic, InputError
from ..frontends import Found, ReadOptions, pick, read_source
from ..frozen import frozen, replace
from ..infer import infer
from ..report import Report

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def free_constants(text: str, names: list[str]) -> tuple[str, list[str]]:
    """Blank the lines `NAME = <whole number>` for each name; returns the text and the names freed."""
    freed: list[str] = []
    lines = text.splitlines(keepends=True)
    for name in names:
        pattern = re.compile(rf"^\s*{re.escape(name)}\s*(:\s*int\s*)?=\s*[0-9][0-9_]*\s*(#.*)?$")
        for i, line in enumerate(lines):
            if pattern.match(line.rstrip("\r\n")):
                lines[i] = "\n"
                freed.append(name)
    return "".join(lines), sorted(set(freed))


def read_symbolic(path: str, names: list[str], options: ReadOptions, stdin_text: str | None = None) -> Report:
    """Read a source file with `names` left free; the Report's counts are formulas in them."""
    name, sniffed_as, text = read_source(path, options, stdin_text)  # read once, as every input is
    bindings = {k: v for k, v in options.bindings.items() if k not in names}
    options = replace(options, bindings=bindings)
    text, freed = free_constants(text, names)
    module = pick(sniffed_as, text.encode()[:65536], options, name)
    if getattr(module, "BINARY", False):
        raise InputError(f"{path}: --symbolic needs model source code", hint="give the .py file that builds the model")
    found, chosen = module.read(name, text, options)
    graph = _graph(found[chosen])
    expected = {f"'{n}' is not defined" for n in freed}
    kept = tuple(w for w in graph.warnings if not any(w.message.startswith(e) for e in expected))
    return infer(replace(graph, warnings=kept))


def _graph(found: Found) -> Any:
    if found.graph is None:
        assert found.error is not None
        raise found.error
    return found.graph


@frozen
class SymbolicCount:
    report: Report
    names: tuple[str, ...]  # the names asked for (or all free ones)
    irrelevant: tuple[str, ...]  # free names the count does not depend on


def symbols_of(value: Any) -> set[str]:
    return {str(s) for s in getattr(value, "free_symbols", ())}


def summarize(report: Report, names: list[str]) -> SymbolicCount:
    in_count = symbols_of(report.total)
    in_shapes: set[str] = set()
    for row in report.rows:
        for shape in [row.output_shape, *row.input_shapes]:
            for d in _dims(shape):
                in_shapes |= symbols_of(d)
    everything = sorted(in_count | in_shapes | set(names))
    return SymbolicCount(report, tuple(names or everything), tuple(n for n in everything if n not in in_count))


def _dims(shape: Any) -> list[Any]:
    if shape is None:
        return []
    if isinstance(shape, list):
        return [d for s in shape for d in _dims(s)]
    return list(shape)


def warnings_for(report: Report) -> list[Diagnostic]:
    return list(report.warnings)
