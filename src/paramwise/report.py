"""The Report: what `infer` found, ready for any renderer. Versioned JSON lives here too."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property

from .errors import INCOMPLETE, WARNINGS, Diagnostic, Location
from .formula import Dim, json_count, render_count
from .frozen import field, frozen
from .ir import Shape, Weight

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

SCHEMA = "paramwise/2"  # 2: macs, cost and the layers' macs added (schema.json)


@frozen
class Row:
    """One layer (or module) of the summary."""

    name: str
    type: str
    kind: str
    output_shape: Shape | list[Shape] | None
    params: Dim  # None when unknown
    trainable_params: Dim
    non_trainable_params: Dim
    buffers: Dim
    weight_objects: Sequence[Weight]  # a tuple; a container's made when read (infer/rows.py WeightsBelow)
    formula: str  # numbers: (3*3*3 + 1)*32
    formula_letters: str  # (k_h*k_w*c_in + 1)*filters
    explanation: str
    why: str
    note: str = ""
    location: Location | None = None
    depth: int = 0
    parent: str | None = None
    connected_to: tuple[str, ...] = ()
    shared: tuple[tuple[str, str], ...] = ()  # (weight, owner) counted in another row
    calls: int = 1
    input_shapes: tuple[Shape, ...] = ()  # the shapes of its first call's inputs
    macs: Dim = None  # multiply-accumulates of its calls (cost.py says what counts); None: not counted
    macs_formula: str = ""  # B·H_out·W_out·k_h·k_w·c_in·filters with numbers, or why it is not counted
    macs_letters: str = ""
    saved_bytes: Dim = None  # activation bytes autograd keeps from its calls for backward (PyTorch); None: not known

    def to_json(self, weights: dict[int, tuple[Weight, dict[str, Any]]] | None = None) -> dict[str, Any]:
        """The row as the JSON holds it. `weights`: the weights already converted in this conversion, by id (the
        rows of identical layers share their Weight objects: each is converted once)."""
        return {**self.json_head(), **self.json_counts(weights), **self.json_tail()}

    # The row's JSON in three parts, in the schema's order: what names and places the layer (head), what its weights
    # count (counts: identical layers share these values, and render/json.py writes their text once), and the rest.
    def json_head(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "kind": self.kind, "output_shape": shape_json(self.output_shape)}

    def json_counts(self, weights: dict[int, tuple[Weight, dict[str, Any]]] | None = None) -> dict[str, Any]:
        return {
            "params": json_or_none(self.params),
            "trainable_params": json_or_none(self.trainable_params),
            "non_trainable_params": json_or_none(self.non_trainable_params),
            "buffers": json_or_none(self.buffers),
            "weights": [weight_json(w, self.shared) if self.shared or weights is None else _weight_json_once(w, weights)
                        for w in self.weight_objects],
            "formula": self.formula,
            "formula_letters": self.formula_letters,
            "explanation": self.explanation,
        }

    def json_tail(self) -> dict[str, Any]:
        return {
            "note": self.note or None,
            "location": {"line": self.location.line, "col": self.location.col} if self.location and self.location.line else None,
            "depth": self.depth,
            "parent": self.parent,
            "connected_to": list(self.connected_to),
            "macs": json_or_none(self.macs),
            "macs_formula": self.macs_formula or None,
            "saved_bytes": json_or_none(self.saved_bytes),
        }

    def counts_key(self) -> tuple[Any, ...]:
        """What json_counts() is made of: rows with equal keys have the same counts text (the weights by identity:
        the rows of identical layers share their Weight objects; a row with shared weights names its owners)."""
        counts = (self.params, self.trainable_params, self.non_trainable_params, self.buffers)
        return (id(self.weight_objects), self.shared, counts, tuple(map(type, counts)),  # 272 and a symbolic 272
                self.formula, self.formula_letters, self.explanation)                   # are written apart


@frozen
class Unread:
    """One thing a reading did not count: `what` (the reader's message), `where`, `why` (the code's meaning)."""

    code: str
    what: str
    location: Location | None
    why: str

    @property
    def where(self) -> str:
        return str(self.location) if self.location else ""

    def to_json(self) -> dict[str, Any]:
        loc = self.location
        return {
            "code": self.code,
            "what": self.what,
            "why": self.why,
            "line": loc.line if loc and loc.line else None,
            "col": loc.col if loc and loc.line else None,
            "path": loc.path if loc and loc.path else None,
        }


@frozen
class Report:
    """What paramwise says of a model: its rows, totals, warnings and what it could not read."""

    framework: str
    model: str
    source: str
    rows: tuple[Row, ...]
    total: Dim
    trainable: Dim
    non_trainable: Dim
    buffers: Dim
    total_bytes: Dim
    warnings: tuple[Diagnostic, ...] = ()
    output_shapes: list[Shape] = field(default_factory=list)
    input_shapes: list[Shape] = field(default_factory=list)
    symbols: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    macs: Dim = None  # one forward pass; None when no input shape is known or a layer's is not counted
    macs_missing: tuple[str, ...] = ()  # what was not counted (empty when macs is known)

    @property
    def layers(self) -> tuple[Row, ...]:
        return self.rows

    @cached_property  # asked by every total a renderer prints; a report is frozen, so it is worked out once
    def unread(self) -> tuple[Unread, ...]:
        """What the reading dropped, guessed or skipped that can change the count (empty: the count is complete).
        Every warning whose code is in errors.INCOMPLETE, and any counted row whose count is unknown."""
        found = [Unread(w.code, w.message, w.location, WARNINGS.get(w.code, "")) for w in self.warnings if w.code in INCOMPLETE]
        named = {w.message for w in self.warnings if w.code in INCOMPLETE}
        for r in counted_rows(self):
            if r.params is None and not any(f"'{r.name}'" in m for m in named):
                found.append(Unread("count_unknown", f"{r.type} '{r.name}': its count is unknown", r.location, WARNINGS["count_unknown"]))
        return tuple(found)

    @property
    def active(self) -> Dim:
        """Mixture-of-experts models: the parameters one token uses (None where the reader does not say)."""
        inactive = self.meta.get("counting", {}).get("inactive")
        return None if inactive is None or self.total is None else self.total - inactive

    @property
    def counting(self) -> dict[str, Any]:
        """How a Hugging Face config was counted: the class, the policy, and the active parameters of an MoE."""
        out = {k: v for k, v in self.meta.get("counting", {}).items() if k != "inactive"}
        return {**out, "active": json_or_none(self.active)}

    @property
    def complete(self) -> bool:
        """True when nothing that can change the count was left unread: the total is the framework's."""
        return not self.unread

    def to_json(self, rows: list[Row] | None = None) -> dict[str, Any]:
        """The JSON form; `rows`: only these layers (a view's depth), the others never converted."""
        return {
            "schema": SCHEMA,
            "framework": self.framework,
            "model": self.model,
            "source": self.source,
            "total": json_or_none(self.total),
            "trainable": json_or_none(self.trainable),
            "non_trainable": json_or_none(self.non_trainable),
            "buffers": json_or_none(self.buffers),
            "total_bytes": json_or_none(self.total_bytes),
            "symbols": list(self.symbols),
            "complete": self.complete,
            "unread": [u.to_json() for u in self.unread],
            **({"dtypes": self.meta["dtypes"]} if "dtypes" in self.meta else {}),  # checkpoints: per dtype
            **({"counting": self.counting} if "counting" in self.meta else {}),  # Hugging Face configs: the policy
            **{key: self.meta[key] for key in ("storage", "shard", "onnx", "vocabulary") if key in self.meta},  # file readers
            "macs": json_or_none(self.macs),  # one forward; null: no input shape, or a layer's not counted
            **({"cost": json_cost(self.meta["cost"])} if "cost" in self.meta else {}),  # MACs, FLOPs, memory (cost.py)
            "layers": self.layers_json(self.rows if rows is None else rows),
            "warnings": [w.to_json() for w in self.warnings],
        }

    @staticmethod
    def layers_json(rows: Any) -> list[dict[str, Any]]:
        return list(Report.each_layer_json(rows))

    @staticmethod
    def each_layer_json(rows: Any) -> Iterator[dict[str, Any]]:
        """Each row's JSON in turn (a writer keeps only what it made of the last one); each Weight object is
        converted once."""
        weights: dict[int, tuple[Weight, dict[str, Any]]] = {}
        return (r.to_json(weights) for r in rows)

    # Display in a REPL or notebook: the one sanctioned upward import (report -> render), made where a Report
    # is shown, so that render can import the Report it draws (.importlinter lists these two edges).
    def __str__(self) -> str:
        from .render.table import render_text

        return render_text(self)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from .render.table import console_renderables

        yield from console_renderables(self, options.max_width)  # laid out in the console's width

    def _repr_html_(self) -> str:
        from .render.html import render_html

        return render_html(self)


def counted_rows(report: Report) -> list[Row]:
    """The rows a person counts (what `check`, `--as` and the pitfalls compare), without input placeholders: Keras' top-level layers (a nested model is
    one row), PyTorch's leaf modules (containers only add up their children)."""
    if report.framework == "torch":
        parents = {r.parent for r in report.rows}
        return [r for r in report.rows if r.name not in parents and r.kind != "Input"]
    return [r for r in report.rows if r.depth == 0 and r.kind != "Input"]


def json_cost(cost: dict[str, Any]) -> dict[str, Any]:
    """The cost as the JSON holds it: its figures and memory terms, without the table's lines."""
    return {key: value for key, value in cost.items() if key not in ("lines", "units")}


def json_or_none(value: Dim) -> int | str | None:
    return None if value is None else json_count(value)


def shape_json(shape: Shape | list[Shape] | None) -> Any:
    if shape is None:
        return None
    if isinstance(shape, list):
        return [shape_json(s) for s in shape]
    return [d if d is None or isinstance(d, int) else str(d) for d in shape]


def _weight_json_once(w: Weight, done: dict[int, tuple[Weight, dict[str, Any]]]) -> dict[str, Any]:
    """`weight_json(w, ())`, worked out once per Weight object (kept with it, so that its id is not reused);
    each row gets its own copy of the dict, as if converted anew."""
    found = done.get(id(w))
    if found is None:
        found = done[id(w)] = (w, weight_json(w, ()))
    made = found[1]
    return {**made, "shape": list(made["shape"])}


def weight_json(w: Weight, shared: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    owner = dict(shared).get(w.name) if shared else None
    return {
        "name": w.name,
        "shape": shape_json(w.shape),
        "count": json_count(w.count),
        "trainable": w.trainable,
        "buffer": w.is_buffer,
        "shared_with": owner,
    }


def shape_text(shape: Shape | list[Shape] | None) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return ", ".join(shape_text(s) for s in shape)
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def bytes_text(n: Dim) -> str:
    """Keras' own rounding in powers of 1024, named as they are: 3.50 KiB, 2.07 MiB (Keras prints "KB", "MB")."""
    if not isinstance(n, int):
        return f"{n} B"
    if n >= 1024**4 * 2**64:  # past what a float divides exactly (and past 1e308 it cannot hold it at all)
        return f"{n // 1024**4:,} TiB"
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.2f} {unit}" if unit != "B" else f"{n} B"
        size /= 1024
    return f"{n} B"


__all__ = ["Report", "Row", "SCHEMA", "render_count", "shape_text", "bytes_text"]
