"""torch's own FlopCounterMode as the oracle for multiply-accumulates: one forward of the real model, per module
and in total (FlopCounterMode counts 2 FLOPs per multiply-accumulate of mm, addmm, bmm, baddbmm, convolution and
scaled-dot-product attention, nothing else, which is what paramwise's MACs count)."""

from __future__ import annotations

from typing import Any


def measure(model: Any, input_shape: tuple[int, ...], dtype: Any = None) -> tuple[int, dict[str, int]]:
    """(total FLOPs, FLOPs per module under every name named_modules() gives it; a module absent did none).
    A module registered under two names (a shared layer) is one module: FlopCounterMode names it once."""
    import warnings

    import torch
    from torch.utils.flop_counter import FlopCounterMode

    x = torch.zeros(input_shape, dtype=dtype or torch.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # oneDNN's fused LSTM kernel is one aten op FlopCounterMode does not know: off, torch runs the matmuls
        with torch.backends.mkldnn.flags(enabled=False), FlopCounterMode(display=False) as counter:
            model(x)
    root = type(model).__name__
    counted: dict[str, int] = {}
    for name, ops in counter.get_flop_counts().items():
        if name != "Global":
            counted[name[len(root) + 1:] if name.startswith(root + ".") else ("" if name == root else name)] = int(sum(ops.values()))
    names: dict[int, list[str]] = {}
    for name, module in model.named_modules(remove_duplicate=False):
        names.setdefault(id(module), []).append(name)
    per_module = {}
    for aliases in names.values():
        flops = max((counted.get(a, 0) for a in aliases), default=0)
        per_module.update({a: flops for a in aliases})
    return int(counter.get_total_flops()), per_module
