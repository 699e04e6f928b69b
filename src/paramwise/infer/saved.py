"""The activations a PyTorch model's training forward keeps for backward, in all: each tensor autograd saves
counted once, however many layers keep it (a ReLU's output is also the next Linear's input; a Flatten, an
Identity or an in-place activation hands on the same storage), as torch.autograd.graph.saved_tensors_hooks sees
them. What each call keeps is its kind's `saved` (see Kind.saved and rows.with_saved, which gives it per row).

The total is exact only where every operation of the forward is known: a layer whose kind does not say what it
keeps, a tensor operation of forward code that is not a view (`a * b`, `x @ w`), or a model or block with a
forward of its own (whose F.relu or torch.tanh calls the source reader follows for their shapes without
recording them) make it a lower bound, and say which."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import KindError
from ..ir import Call, Graph, Layer, Shape, TensorRef
from ..kinds.base import INPUT
from ..report import Row

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

CONTAINERS = {"Sequential", "ModuleList", "ModuleDict"}  # torch's containers: no forward code of the model's own
SAME_STORAGE = {"Flatten", "Unflatten", "Identity"}  # modules whose output is a view of their input (or it; and
# Dropout(p=0), an in-place activation)
VIEW_OPS = {"view", "reshape", "flatten", "unflatten", "permute", "transpose", "squeeze", "unsqueeze", "view_as",
            "reshape_as", "expand", "expand_as", "t", "movedim", "contiguous", "size", "dim"}  # keep nothing
PRODUCTS = ("Dense", "Conv", "ConvTranspose", "Embedding", "LazyDense", "LazyConv")  # keep the input for the weight


# torch's AlphaDropout and FeatureAlphaDropout take `inplace` and ignore it: their output is a new tensor
NEW_DESPITE_INPLACE = frozenset({"AlphaDropout", "FeatureAlphaDropout"})
# a dropout with p=0 hands back its input itself (measured with torch 2.13 for each)
DROPOUTS = frozenset({"Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"})


class TrainingForward:
    """A PyTorch model's forward as autograd records it in training, worked out once for the rows (rows.with_saved)
    and for the total (saved_total): its calls in order (autograd_calls), and what each keeps (call_saved, made when
    first asked). `trains`: the layers with weights that get gradients."""

    def __init__(self, graph: Graph, rows: list[Row], shapes: dict[TensorRef, Shape]) -> None:
        self.shapes = shapes
        self.trains = {r.name for r in rows if r.trainable_params}
        # a PyTorch model whose forward was followed from an input: what the rows and the total are worked out for
        self.followed = graph.framework == "torch" and bool(graph.calls) and bool(shapes)
        self.calls = list(autograd_calls(graph, self.trains)) if self.followed else []
        self._kept: dict[int, Any] = {}

    def kept(self, index: int, call: Call, layer: Layer, outs: list[TensorRef]) -> Any:
        """What call number `index` keeps for backward: call_saved's answer."""
        if index not in self._kept:
            shapes = self.shapes
            self._kept[index] = call_saved(layer, [shapes.get(r) for r in call.inputs], [shapes.get(r) for r in outs])
        return self._kept[index]


def saved_total(graph: Graph, forward: TrainingForward) -> dict[str, Any] | None:
    """`{"bytes": total, "tensors": how many, "complete": bool, "missing": [what is not known]}`, or
    `{"unknown": why}`; None for a model whose forward was not followed (no calls)."""
    if not forward.followed:
        return None
    shapes = forward.shapes
    if any(not isinstance(d, int) for s in shapes.values() if isinstance(s, tuple) for d in s):
        return {"unknown": "an axis of the input is open: give --batch (and --seq-len) to size the activations"}
    trains = forward.trains
    storage: dict[TensorRef, TensorRef] = {}  # a view's tensor -> the tensor whose storage it shares
    kept: dict[Any, int] = {}
    missing: list[str] = []
    own_forward = [] if str(graph.meta.get("model_type", graph.name)) in CONTAINERS else [graph.name]
    for index, call, layer, outs, needed in forward.calls:
        if getattr(type(layer.kind), "sums_children", False):  # a container's call: what its forward returned
            for ref, returned in zip(outs, call.inputs):
                storage[ref] = storage.get(returned, returned)
            if layer.type not in CONTAINERS and layer.type not in own_forward:
                own_forward.append(layer.type)
            continue
        op = str(layer.kind.attrs.get("op", "")) if layer.hidden else ""
        if call.inputs and (layer.type in SAME_STORAGE and not layer.hidden or op in VIEW_OPS
                            or layer.kind.attrs.get("inplace") is True and layer.type not in NEW_DESPITE_INPLACE
                            or layer.type in DROPOUTS and layer.kind.attrs.get("p", 0.5) == 0):
            storage[outs[0]] = storage.get(call.inputs[0], call.inputs[0])
        if not needed and layer.name not in trains:
            continue  # autograd records nothing
        if op in VIEW_OPS and op:
            continue
        found = forward.kept(index, call, layer, outs)
        if found is None:
            missing.append(f"{layer.name} ({layer.type})" if not layer.hidden else f"'{op or layer.name}' in forward")
            continue
        if layer.name not in trains and found[:1] == INPUT and layer.kind.kind_name in PRODUCTS:
            found = found[1:]  # a product keeps its input only for its weight's gradient
        for k, (what, which, size) in enumerate(found):
            if what == "new":
                kept[("new", index, k)] = int(which) * size
                continue
            ref = call.inputs[which] if what == "input" else TensorRef(index, which)
            root = storage.get(ref, ref)
            values = count(shapes.get(root))
            if values is None:
                missing.append(f"{layer.name} ({layer.type})")
                break
            kept[root] = max(kept.get(root, 0), values * size)
    out: dict[str, Any] = {"bytes": sum(kept.values()), "tensors": len(kept), "complete": not missing and not own_forward,
                           "missing": missing}
    if own_forward:
        out["own_forward"] = own_forward
    return out


def autograd_calls(graph: Graph, trains: set[str]) -> Iterator[tuple[int, Call, Layer, list[TensorRef], bool]]:
    """Each call of a forward, in order, with its output tensors and whether an input needs a gradient (a tensor
    made from a trained weight, the layers in `trains`, or from such a tensor)."""
    grads: set[TensorRef] = set()
    layers = graph.layers
    for index, call in enumerate(graph.calls):
        layer = layers[call.layer]
        n = call.n_outputs  # one output (0 counts as one): no comprehension (0.6 % of a PyTorch layer)
        outs = [TensorRef(index, 0)] if n <= 1 else [TensorRef(index, k) for k in range(n)]
        needed = not grads.isdisjoint(call.inputs)
        if needed or layer.name in trains:
            grads.update(outs)
        yield index, call, layer, outs, needed


def call_saved(layer: Any, ins: list[Shape | None], outs: list[Shape | None]) -> Any:
    """What one call keeps for backward (its kind's saved()), None when its shapes are not whole numbers or its kind
    does not say."""
    known = [s for s in ins if s is not None]
    shaped = [s for s in outs if s is not None]
    if len(known) < len(ins) or len(shaped) < len(outs) or any(not isinstance(d, int) for s in known for d in s):
        return None
    try:
        return layer.kind.saved(known, shaped[0] if len(shaped) == 1 else shaped)
    except (KindError, TypeError, ValueError, ArithmeticError, IndexError, AttributeError):
        return None


def count(shape: Any) -> int | None:
    if not isinstance(shape, tuple):
        return None
    n = 1
    for d in shape:
        if not isinstance(d, int):
            return None
        n *= d
    return n
