"""Output shapes of a live torch module from a forward pass of a copy of it on the meta device: no data, no
memory, and the user's module is never moved, changed or left with hooks."""

from __future__ import annotations

import copy

from ...errors import InputError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def describe(e: BaseException) -> str:
    try:
        text = str(e)
    except Exception:  # noqa: BLE001 -- an exception whose __str__ raises
        text = ""
    text = " ".join(text.split())
    return f"{type(e).__name__}: {text[:200]}{'...' if len(text) > 200 else ''}" if text else type(e).__name__


HOOK_DICTS = (
    "_forward_hooks", "_forward_hooks_with_kwargs", "_forward_hooks_always_called", "_forward_pre_hooks",
    "_forward_pre_hooks_with_kwargs", "_backward_hooks", "_backward_pre_hooks", "_state_dict_hooks",
    "_state_dict_pre_hooks", "_load_state_dict_pre_hooks", "_load_state_dict_post_hooks",
)


def meta_twin(torch: Any, module: Any) -> tuple[Any, str]:
    """A copy of the module whose every tensor is an empty one of the same shape and dtype on the meta device,
    and which carries none of the user's hooks. No tensor's data is read or copied: parameters and buffers are
    replaced up front, and any other tensor the copy meets (a plain attribute, a tensor in a list) is replaced
    as it is met. Lazy modules get their own shape-inferring hook back."""
    from torch.nn.modules.lazy import LazyModuleMixin

    memo: dict[int, Any] = {}
    originals: set[int] = set()
    try:
        for _, m in module.named_modules(remove_duplicate=False):
            originals.add(id(m))
            for t in [*m._parameters.values(), *m._buffers.values()]:
                if t is not None and id(t) not in memo:
                    memo[id(t)] = meta_like(torch, t)
            for attr in HOOK_DICTS:
                hooks = m.__dict__.get(attr)
                if isinstance(hooks, dict):
                    memo[id(hooks)] = type(hooks)()
            stub_arrays(m, memo)
        with torch.device("meta"), MetaCopies(torch):
            twin = copy.deepcopy(module, memo)
        if not separate(torch, twin, originals):
            return None, ("the module's copy is not a separate module on the meta device (a __deepcopy__ that "
                          "returns the module itself?)")
        lazy: list[Any] = [m for m in twin.modules() if isinstance(m, LazyModuleMixin)]
        for sub in lazy:
            if sub.has_uninitialized_params():
                sub._load_hook = sub._register_load_state_dict_pre_hook(sub._lazy_load_hook)
                sub._initialize_hook = sub.register_forward_pre_hook(sub._infer_parameters, with_kwargs=True)
    except Exception as e:  # noqa: BLE001 -- a module that cannot be copied keeps its counts
        return None, f"the module could not be copied: {describe(e)}"
    return twin, ""


def separate(torch: Any, twin: Any, originals: set[int]) -> bool:
    """The twin shares no module with the user's and holds only meta tensors: hooks put on it and its forward
    cannot reach the user's module."""
    if not isinstance(twin, torch.nn.Module):
        return False
    mods = list(twin.modules())
    if any(id(m) in originals for m in mods):
        return False
    return all(t is None or t.device.type == "meta" for m in mods for t in [*m._parameters.values(),
                                                                          *m._buffers.values()])


def meta_like(torch: Any, t: Any) -> Any:
    from torch.nn.parameter import is_lazy

    if is_lazy(t):
        if isinstance(t, torch.nn.Parameter):
            return torch.nn.UninitializedParameter(requires_grad=t.requires_grad, device="meta", dtype=t.dtype)
        return torch.nn.UninitializedBuffer(requires_grad=t.requires_grad, device="meta", dtype=t.dtype)
    meta = torch.empty_like(t, device="meta")
    return torch.nn.Parameter(meta, requires_grad=t.requires_grad) if isinstance(t, torch.nn.Parameter) else meta


def stub_arrays(module: Any, memo: dict[int, Any]) -> None:
    """NumPy arrays held as a module's attributes become read-only views of one zero (same shape and dtype)."""
    import sys

    np = sys.modules.get("numpy")
    if np is None:
        return
    values = list(module.__dict__.values())
    for v in list(values):
        if isinstance(v, (list, tuple)):
            values.extend(v)
        elif isinstance(v, dict):
            values.extend(v.values())
    for v in values:
        if isinstance(v, np.ndarray) and id(v) not in memo:
            memo[id(v)] = np.broadcast_to(np.zeros((), dtype=v.dtype), v.shape)


class MetaCopies:
    """While the twin is copied, every tensor copy (`copy.deepcopy` of a tensor, `clone`) makes an empty meta
    tensor of the same shape and dtype instead of copying data."""

    def __init__(self, torch: Any) -> None:
        from torch.overrides import TorchFunctionMode

        copies = {torch.Tensor.__deepcopy__, torch.Tensor.clone, torch.clone}

        class Mode(TorchFunctionMode):
            def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
                kwargs = kwargs or {}
                if func in copies and args and isinstance(args[0], torch.Tensor):
                    source = args[0]
                    memo = args[1] if func is torch.Tensor.__deepcopy__ and len(args) > 1 else None
                    if isinstance(memo, dict) and id(source) in memo:
                        return memo[id(source)]
                    with torch._C.DisableTorchFunction():
                        out = meta_like(torch, source)
                    if isinstance(memo, dict):
                        memo[id(source)] = out
                    return out
                return func(*args, **kwargs)

        self.mode: Any = Mode()

    def __enter__(self) -> None:
        self.mode.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self.mode.__exit__(*exc)


class NoGlobalHooks:
    """torch's global module hooks (register_module_forward_hook ...) are set aside while the twin runs."""

    def __init__(self, torch: Any) -> None:
        import torch.nn.modules.module as where

        self.dicts = [v for k, v in vars(where).items() if k.startswith("_global_") and isinstance(v, dict)]
        self.saved: list[list[tuple[Any, Any]]] = []

    def __enter__(self) -> None:
        self.saved = [list(d.items()) for d in self.dicts]
        for d in self.dicts:
            d.clear()

    def __exit__(self, *exc: Any) -> None:
        for d, items in zip(self.dicts, self.saved):
            d.clear()
            d.update(items)


def meta_forward(torch: Any, twin: Any, inputs: list[Any]) -> tuple[dict[str, Any], str]:
    """Output shapes of each module's first call in the twin, and the forward's error if it failed."""
    seen: dict[str, Any] = {}

    def record(name: str) -> Any:
        def hook(mod: Any, args: Any, out: Any) -> None:  # returns None: the output is left as it is
            seen.setdefault(name, shapes_of(out))
        return hook

    handles: list[Any] = []
    try:
        for name, sub in twin.named_modules():
            handles.append(sub.register_forward_hook(record(name)))
            if type(sub) in (torch.nn.RNN, torch.nn.LSTM, torch.nn.GRU):
                sub.forward = recurrent_on_one_step(torch, sub)  # on the twin only
        with NoGlobalHooks(torch), torch.device("meta"), torch.no_grad():
            twin.eval()
            twin(*inputs)
    except (Exception, SystemExit) as e:  # noqa: BLE001 - the forward is the user's code
        return seen, describe(e)
    finally:
        for h in handles:
            h.remove()
    return seen, ""


SHORT = 8  # sequences up to this long run through torch's own meta forward


def recurrent_on_one_step(torch: Any, rnn: Any) -> Any:
    """The forward of a built-in RNN, LSTM or GRU of the twin, run on the first step of the sequence only, with
    the output's time axis then set to the sequence's length. On the meta device torch works through the
    sequence one step at a time in Python (a 1,000-step GRU took 12 s); every output shape but the time axis is
    the same for one step, and torch's own checks (input width, hx, dtype) still run on that step."""
    own = type(rnn).forward

    def forward(input: Any, hx: Any = None) -> Any:
        if not isinstance(input, torch.Tensor) or input.dim() not in (2, 3):
            return own(rnn, input, hx)  # a PackedSequence, or a shape torch refuses with its own message
        axis = 1 if rnn.batch_first and input.dim() == 3 else 0
        length = input.shape[axis]
        if length <= SHORT:
            return own(rnn, input, hx)
        output, state = own(rnn, input.narrow(axis, 0, 1), hx)
        shape = list(output.shape)
        shape[axis] = length
        return torch.empty(shape, dtype=output.dtype, device=output.device), state

    return forward


def meta_inputs(torch: Any, input_size: Any, input_data: Any, dtypes: Any) -> list[Any]:
    """Empty meta tensors for `input_size` (one shape or a list of shapes) or like the tensors of `input_data`."""
    if input_data is not None:
        data = input_data if isinstance(input_data, (list, tuple)) else [input_data]
        return [torch.empty_like(d, device="meta") if isinstance(d, torch.Tensor) else d for d in data]
    if is_shape(input_size):
        sizes = [input_size]
    elif isinstance(input_size, (list, tuple)) and input_size and all(is_shape(s) for s in input_size):
        sizes = list(input_size)
    else:
        raise InputError(f"input_size must be a shape such as (1, 3, 224, 224), or a list of shapes for a model "
                         f"with several inputs; got {short_repr(input_size)}",
                         hint="give whole numbers >= 0, batch dimension first")
    kinds_of = dtypes if isinstance(dtypes, (list, tuple)) else [dtypes] * len(sizes)
    if len(kinds_of) != len(sizes):
        raise InputError(f"{len(kinds_of)} input dtypes for {len(sizes)} inputs",
                         hint="give one dtype, or one per shape in input_size")
    for k in kinds_of:
        if k is not None and not isinstance(k, torch.dtype):
            raise InputError(f"an input dtype must be a torch.dtype such as torch.long; got {short_repr(k)}",
                             hint="e.g. input_dtype=torch.long for token ids")
    return [torch.empty(tuple(s), device="meta", dtype=k or torch.float32) for s, k in zip(sizes, kinds_of)]


def is_shape(value: Any) -> bool:
    return (isinstance(value, (list, tuple)) and
            all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2**62 for d in value))


def short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 -- a value whose __repr__ raises
        text = f"a {type(value).__name__}"
    return text if len(text) <= 80 else text[:77] + "..."


def shapes_of(out: Any) -> Any:
    import torch

    if isinstance(out, torch.Tensor):
        return tuple(out.shape)
    if isinstance(out, (tuple, list)):
        flat = []
        for item in out:
            sub = shapes_of(item)
            if sub is not None:
                flat.extend(sub if isinstance(sub, list) else [sub])
        return flat if len(flat) != 1 else flat[0]
    if isinstance(out, dict):
        return shapes_of(list(out.values()))
    return None
