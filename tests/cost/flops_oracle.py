"""torch's own FlopCounterMode as the oracle for multiply-accumulates: one forward of the real model, per module
and in total (FlopCounterMode counts 2 FLOPs per multiply-accumulate of mm, addmm, bmm, baddbmm, convolution and
scaled-dot-product attention, nothing else, which is what paramwise's MACs count)."""

from __future__ import annotations

from typing import Any


def counted(model: Any, x: Any) -> Any:
    """One forward of `model` on `x` under FlopCounterMode. Two CPU kernels FlopCounterMode has no formula for
    are turned off, so that torch runs the matrix products they fuse: oneDNN's LSTM, and the flash kernel of
    scaled_dot_product_attention (the math kernel's bmm are counted, as the GPU kernels would be)."""
    import warnings

    import torch
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.utils.flop_counter import FlopCounterMode

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.backends.mkldnn.flags(enabled=False), sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
            model(x)
    return counter


def measure(model: Any, input_shape: tuple[int, ...], dtype: Any = None) -> tuple[int, dict[str, int]]:
    """(total FLOPs, FLOPs per module under every name named_modules() gives it; a module absent did none).
    A module registered under two names (a shared layer) is one module: FlopCounterMode names it once."""
    import torch

    counter = counted(model, torch.zeros(input_shape, dtype=dtype or torch.float32))
    root = type(model).__name__
    by_name: dict[str, int] = {}
    for name, ops in counter.get_flop_counts().items():
        if name != "Global":
            by_name[name[len(root) + 1:] if name.startswith(root + ".") else ("" if name == root else name)] = int(sum(ops.values()))
    names: dict[int, list[str]] = {}
    for name, module in model.named_modules(remove_duplicate=False):
        names.setdefault(id(module), []).append(name)
    per_module = {}
    for aliases in names.values():
        flops = max((by_name.get(a, 0) for a in aliases), default=0)
        per_module.update({a: flops for a in aliases})
    return int(counter.get_total_flops()), per_module


def measure_keras(model: Any, batch: int, seq_len: int) -> int:
    """Total FLOPs of a Keras model (torch backend) on zeros: open axes are `batch` first, `seq_len` elsewhere;
    integer inputs (token ids) stay integers."""
    import torch

    xs = []
    for t in model.inputs:
        shape = [(batch if i == 0 else seq_len) if d is None else d for i, d in enumerate(t.shape)]
        xs.append(torch.zeros(shape, dtype=torch.int64 if "int" in str(t.dtype) else torch.float32))
    with torch.no_grad():
        return int(counted(model, xs[0] if len(xs) == 1 else xs).get_total_flops())
