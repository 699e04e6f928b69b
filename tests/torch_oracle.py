"""Real PyTorch as the oracle: run a (trusted) case file, then compare its model with paramwise's report."""

from __future__ import annotations

import runpy
import sys
import warnings
from pathlib import Path
from typing import Any


def build(path: Path) -> dict[str, Any]:
    """Run the case file with real torch; returns its namespace (`model`, optional `input_shape`)."""
    import torch

    torch.manual_seed(0)
    # The Keras tests' stand-in `tensorflow` module (keras_oracle.install_tensorflow_alias) is hidden while torch code
    # runs: libraries that look for TensorFlow by module name (einops) would take it for the real one.
    alias = getattr(sys.modules.get("tensorflow"), "_paramwise_alias", False)
    names = [name for name in sys.modules if name.split(".")[0] == "tensorflow"] if alias else []
    hidden = {name: sys.modules.pop(name) for name in names}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return runpy.run_path(str(path), run_name="__case__")
    finally:
        sys.modules.update(hidden)


def owned(model: Any) -> dict[str, Any]:
    """Parameter tensor id -> the name `named_parameters()` gives it (the first name of a shared tensor)."""
    return {id(p): name for name, p in model.named_parameters()}


def owned_buffers(model: Any) -> dict[int, str]:
    """Buffer tensor id -> the name `named_buffers()` gives it (the first name of a shared buffer)."""
    return {id(b): name for name, b in model.named_buffers()}


def module_counts(model: Any, prefix: str, module: Any, owners: dict[int, str],
                  buffer_owners: dict[int, str]) -> tuple[int, int, int]:
    """(params, trainable, buffers) a row for `module` should show: shared tensors count where first named (a
    BatchNorm held as `self.bn` and again inside `self.block`: its buffers in the row of `bn`, as its weights)."""
    params = trainable = 0
    for name, p in module.named_parameters(prefix=prefix):
        if owners.get(id(p)) == name:
            params += p.numel()
            trainable += p.numel() if p.requires_grad else 0
    buffers = sum(b.numel() for name, b in module.named_buffers(prefix=prefix) if buffer_owners.get(id(b), name) == name)
    return params, trainable, buffers


def compare(report: Any, model: Any) -> list[str]:
    """Totals, per-module counts and module names against named_modules() (empty when they agree)."""
    problems = []
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    buffers = sum(b.numel() for b in model.buffers())
    for what, ours, theirs in (("total", report.total, total), ("trainable", report.trainable, trainable),
                               ("buffers", report.buffers or 0, buffers)):
        if ours != theirs:
            problems.append(f"{what}: paramwise {ours}, torch {theirs}")
    rows = {r.name: r for r in report.rows}
    owners, buffer_owners = owned(model), owned_buffers(model)
    for name, module in model.named_modules():
        if not name:
            continue
        if name not in rows:
            problems.append(f"{name}: a module torch lists but paramwise does not")
            continue
        row = rows[name]
        want = module_counts(model, name, module, owners, buffer_owners)
        got = (row.params, row.trainable_params, row.buffers or 0)
        if got != want:
            problems.append(f"{name}: (params, trainable, buffers) paramwise {got}, torch {want}")
    names = dict(model.named_modules())
    tensors = dict(model.named_parameters(remove_duplicate=False)) | dict(model.named_buffers(remove_duplicate=False))
    for r in report.rows:
        if r.name not in names and r.name not in tensors and r.depth >= 0 and r.name != report.model:
            problems.append(f"{r.name}: a row paramwise shows but torch has no such module or tensor")
    return problems


def output_shapes(model: Any, input_shape: tuple[int, ...], dtype: Any = None) -> dict[str, list[Any]]:
    """Output shapes of every module's first call, from forward hooks on a copy of the model."""
    import copy

    import torch

    model = copy.deepcopy(model).eval()
    seen: dict[str, list[Any]] = {}
    handles = []
    for name, module in model.named_modules():
        def hook(mod: Any, args: Any, out: Any, name: str = name) -> None:
            seen.setdefault(name, [shapes_of(out)])
        handles.append(module.register_forward_hook(hook))
    x = torch.zeros(input_shape, dtype=dtype or torch.float32)
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return seen


def shapes_of(out: Any) -> Any:
    import torch

    if isinstance(out, torch.Tensor):
        return tuple(out.shape)
    if out is None:
        return None  # e.g. MultiheadAttention(need_weights=False) returns (output, None)
    flat: list[Any] = []
    for item in out if isinstance(out, (tuple, list)) else []:
        sub = shapes_of(item)
        flat.extend(sub if isinstance(sub, list) else [sub])
    return flat


def compare_shapes(report: Any, seen: dict[str, list[Any]]) -> list[str]:
    problems = []
    for r in report.rows:
        if r.name not in seen or r.calls != 1:
            continue
        want = seen[r.name][0]
        got = [tuple(s) for s in r.output_shape] if isinstance(r.output_shape, list) else (
            tuple(r.output_shape) if r.output_shape is not None else None)
        if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
            got = [g if w is not None else None for g, w in zip(got, want)]
        if isinstance(want, list) and len(want) == 1:
            want = want[0]
        if got != want:
            problems.append(f"{r.name}: output shape paramwise {got}, torch {want}")
    return problems


def autograd_saved(module: Any, x: Any) -> int:
    """The bytes of the storages autograd keeps from one call of `module` on `x`, each once (the module's weights and
    buffers aside): the oracle of the activation bytes."""
    import torch

    own = {t.untyped_storage().data_ptr() for t in [*module.parameters(), *module.buffers()]}
    seen: dict[int, int] = {}

    def pack(t: Any) -> Any:
        storage = t.untyped_storage()
        if storage.data_ptr() not in own:
            seen[storage.data_ptr()] = storage.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        module(x)
    return sum(seen.values())
