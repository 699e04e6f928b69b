"""Pitfalls: things in a model that are legal but rarely what was meant, found from the Report alone.

`find_pitfalls(report)` is a pure function: a Dense applied to an image-shaped tensor with no Flatten,
one layer holding most of the parameters, a layer that reads its input in another layout than the data.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from .. import kinds
from ..errors import Diagnostic
from ..formula import render_count
from ..frozen import replace
from ..ir import Shape
from ..report import Report, Row, counted_rows, shape_text

DOMINANT_SHARE = 0.8
LARGE_SHARE, LARGE_TOTAL, MIN_TOTAL = 0.95, 100_000, 1_000
IMAGE_SIDE = 8  # the spatial sides of an image worth a layout warning


def find_pitfalls(report: Report) -> list[Diagnostic]:
    rows = [r for r in report.rows if r.depth == 0]
    by_name = {r.name: r for r in rows}
    found = list(dense_on_feature_maps(report, rows, by_name))
    found += list(dominant_layer(report, rows, by_name))
    found += list(channels_in_wrong_place(rows, by_name))
    return found


def with_pitfalls(report: Report) -> Report:
    """The report with its pitfalls added to its warnings (for the summary's warnings and JSON)."""
    return replace(report, warnings=tuple(report.warnings) + tuple(find_pitfalls(report)))


def _trait(row: Row, name: str) -> bool:
    """A trait of the row's kind (Kind.is_spatial, Kind.flattens); False for rows of no known kind."""
    cls = kinds.by_name().get(row.kind)
    return bool(getattr(cls, name, False)) if cls is not None else False


def _input(row: Row) -> Shape | None:
    return row.input_shapes[0] if row.input_shapes else None


def _upstream(row: Row, by_name: dict[str, Row]) -> Iterator[Row]:
    """The rows that feed `row`, nearest first (first input at each step)."""
    seen: set[str] = set()
    current = row
    while current.connected_to and current.connected_to[0] in by_name and current.connected_to[0] not in seen:
        seen.add(current.connected_to[0])
        current = by_name[current.connected_to[0]]
        yield current


def _numeric(shape: Shape) -> bool:
    return all(isinstance(d, int) for d in shape[1:])


def dense_on_feature_maps(report: Report, rows: list[Row], by_name: dict[str, Row]) -> Iterator[Diagnostic]:
    """A Dense fed an image-shaped tensor acts on the last axis only (Keras) and keeps the others."""
    for row in rows:
        shape = _input(row)
        if row.kind != "Dense" or shape is None or len(shape) < 3:
            continue
        upstream = list(_upstream(row, by_name))
        spatial = len(shape) >= 4 or any(_trait(u, "is_spatial") for u in upstream)
        if not spatial or any(_trait(u, "flattens") for u in upstream):
            continue
        flat = _flat_count(row, shape)
        message = (
            f"{row.name} is applied to a {len(shape)}-D tensor {shape_text(shape)} with no Flatten before it: "
            f"{'Keras' if report.framework == 'keras' else 'PyTorch'} applies Dense to the last axis only "
            f"({render_count(shape[-1]) if isinstance(shape[-1], int) else shape[-1]} inputs per position) and "
            f"gives {shape_text(row.output_shape)}; the model has {render_count(report.total)} parameters, "
            f"not the count of a model with a Flatten"
        )
        hint = "add Flatten() (or GlobalAveragePooling2D()) before it if one output per image was meant"
        if flat is not None:
            hint += f"; with Flatten, {row.name} alone would have {flat}"
        yield Diagnostic("dense_on_feature_map", message, row.location, hint)
        return  # the first one explains the rest


def _flat_count(row: Row, shape: Shape) -> str | None:
    if not _numeric(shape) or not isinstance(row.params, int) or not isinstance(shape[-1], int) or not shape[-1]:
        return None
    units = row.output_shape[-1] if isinstance(row.output_shape, tuple) else None
    if not isinstance(units, int):
        return None
    flat = 1
    for d in shape[1:]:
        flat *= d
    per_unit = row.params // units - shape[-1]  # 1 with a bias, 0 without
    return f"({render_count(flat)} + {per_unit})·{units} = {render_count((flat + per_unit) * units)}"


def dominant_layer(report: Report, rows: list[Row], by_name: dict[str, Row]) -> Iterator[Diagnostic]:
    """One layer with most of the parameters. Said when something usually shrinks it: a layer fed by a
    Flatten of a feature map (80% or more), or a Dense layer with 95% or more of a large model. Embedding
    tables and recurrent layers that dominate are normal and not warned about."""
    counted = [r for r in counted_rows(report) if isinstance(r.params, int) and r.params > 0]
    total = report.total
    if len(counted) < 3 or not isinstance(total, int) or total < MIN_TOTAL:
        return
    top = max(counted, key=lambda r: r.params)
    share = top.params / total
    flatten = _flatten_before(top, by_name)
    large_dense = top.kind == "Dense" and share >= LARGE_SHARE and total >= LARGE_TOTAL
    if share < DOMINANT_SHARE or (flatten is None and not large_dense):
        return
    message = f"{top.name} holds {math.floor(share * 1000) / 10}% of the parameters ({render_count(top.params)} of {render_count(total)})"
    hint = "a smaller input to it (fewer features, a bottleneck layer) shrinks it most"
    flat = flatten.output_shape if flatten is not None else None
    if flatten is not None and flatten.input_shapes and isinstance(flat, tuple) and isinstance(flat[-1], int):
        message += f": it takes the {render_count(flat[-1])} values Flatten makes of {shape_text(flatten.input_shapes[0])}"
        hint = "pooling, a strided convolution or global pooling before Flatten shrinks it most"
    yield Diagnostic("dominant_layer", message, top.location, hint)


def _flatten_before(row: Row, by_name: dict[str, Row]) -> Row | None:
    """The Flatten of a feature map that feeds `row`, through layers without parameters (Dropout ...)."""
    for up in _upstream(row, by_name):
        if up.kind == "Flatten":
            before = up.input_shapes[0] if up.input_shapes else ()
            return up if len(before) >= 4 else None
        if up.params:
            return None
    return None


def channels_in_wrong_place(rows: list[Row], by_name: dict[str, Row]) -> Iterator[Diagnostic]:
    """A convolution reading (batch, 3, 32, 32) as 32 channels: data laid out channels-first given to a
    channels-last layer (or the reverse) is read without an error, with the wrong axis as channels."""
    for row in rows:
        shape = _input(row)
        if shape is None or len(shape) < 4:  # the usual row: no image, no search of its weights
            continue
        c_in = _channels(row)
        if c_in is None or not _numeric(shape) or not _reads_model_input(row, by_name):
            continue
        first, last = shape[1], shape[-1]
        if min(shape[2:-1]) < IMAGE_SIDE:
            continue
        if c_in == last and first in (1, 3, 4) and last >= IMAGE_SIDE:
            other = "channels-first"
            fix = f"keras.Input({shape_text((*shape[2:], first))}) or data_format='channels_first'"
        elif c_in == first and last in (1, 3, 4) and first > 4:
            other = "channels-last"
            fix = "a tensor laid out (batch, c, h, w), e.g. x.permute(0, 3, 1, 2)"
        else:
            continue
        message = (
            f"{row.name} reads {shape_text(shape)} as {c_in} channels; the data looks {other} "
            f"(an axis of {first if other == 'channels-first' else last}), so it is silently read in the other layout"
        )
        yield Diagnostic("channels_layout", message, row.location, f"if so, use {fix}")


def _reads_model_input(row: Row, by_name: dict[str, Row]) -> bool:
    """The layer reads the model's input directly (an image as it was given, not a feature map)."""
    sources = [by_name.get(name) for name in row.connected_to]
    return bool(sources) and all(s is None or s.kind == "Input" for s in sources)


def _channels(row: Row) -> int | None:
    for w in row.weight_objects:
        for d in w.dims:
            if d.letter.startswith("c_in") and isinstance(d.value, int) and d.letter == "c_in":
                return d.value
    return None
