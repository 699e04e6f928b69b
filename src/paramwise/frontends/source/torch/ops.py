"""Shape rules of the tensor operations a PyTorch `forward` uses (view, permute, cat, indexing, reductions ...),
as PyTorch documents them. Each rule takes the input shape and the call's arguments and returns the result
shape, `SAME` (an element-wise operation), a list of shapes (chunk/split) or a `Pair` (values, indices)."""

from __future__ import annotations

import ast
from collections.abc import Callable

from ....formula import simplify
from ....frozen import frozen

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, TypeAlias

Shape: TypeAlias = "tuple[Any, ...]"


class OpError(Exception):
    pass


class _Same:
    pass


SAME: Any = _Same()


@frozen
class Pair:
    first: Shape
    second: Shape


def tensor_shape(value: Any) -> Shape | None:
    shape = getattr(value, "shape", None)
    return tuple(shape) if isinstance(shape, (tuple, list)) else None


def norm_dim(d: Any, n: int) -> int:
    if not isinstance(d, int):
        raise OpError(f"dim must be a known int; got {d!r}")
    if not -max(n, 1) <= d < max(n, 1):
        raise OpError(f"dim {d} is out of range for {n} dimensions")
    return d % max(n, 1)


def product(dims: Any) -> Any:
    n: Any = 1
    for d in dims:
        n = n * d
    return simplify(n)


def sizes(args: list[Any], kwargs: dict[str, Any], key: str = "size") -> Shape:
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    if not args and key in kwargs:
        value = kwargs[key]
        return tuple(value) if isinstance(value, (tuple, list)) else (value,)
    return tuple(args)


def arg(args: list[Any], kwargs: dict[str, Any], i: int, name: str, default: Any = None) -> Any:
    return args[i] if len(args) > i else kwargs.get(name, default)


def view(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    target = sizes(args, kwargs, "shape")
    if any(not isinstance(d, int) and not hasattr(d, "free_symbols") for d in target):
        raise OpError(f"the new shape {target} is not known")
    if sum(1 for d in target if d == -1) > 1:
        raise OpError("only one dimension can be -1")
    if -1 in target:
        known = product(d for d in target if d != -1)
        total = product(shape)
        missing = simplify(total // known) if isinstance(total, int) and isinstance(known, int) else simplify(total / known)
        if isinstance(total, int) and isinstance(known, int) and (known == 0 or total % known):
            raise OpError(f"shape {target} is invalid for an input of size {total}")
        target = tuple(missing if d == -1 else d for d in target)
    elif isinstance(product(shape), int) and isinstance(product(target), int) and product(shape) != product(target):
        raise OpError(f"shape {target} is invalid for an input of size {product(shape)}")
    return target


def flatten(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    if not shape:
        return (1,)
    start = norm_dim(arg(args, kwargs, 0, "start_dim", 0), len(shape))
    end = norm_dim(arg(args, kwargs, 1, "end_dim", -1), len(shape))
    return shape[:start] + (product(shape[start : end + 1]),) + shape[end + 1 :]


def unflatten(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    d = norm_dim(arg(args, kwargs, 0, "dim"), len(shape))
    parts = view((shape[d],), [tuple(arg(args, kwargs, 1, "sizes"))], {})
    return shape[:d] + parts + shape[d + 1 :]


def permute(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    dims = [norm_dim(d, len(shape)) for d in sizes(args, kwargs, "dims")]
    if sorted(dims) != list(range(len(shape))):
        raise OpError(f"permute needs each of the {len(shape)} dims once; got {tuple(dims)}")
    return tuple(shape[d] for d in dims)


def transpose(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    a = norm_dim(arg(args, kwargs, 0, "dim0"), len(shape))
    b = norm_dim(arg(args, kwargs, 1, "dim1"), len(shape))
    out = list(shape)
    out[a], out[b] = out[b], out[a]
    return tuple(out)


def t(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    return shape[::-1] if len(shape) == 2 else shape


def unsqueeze(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    d = norm_dim(arg(args, kwargs, 0, "dim"), len(shape) + 1)
    return shape[:d] + (1,) + shape[d:]


def squeeze(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    d = arg(args, kwargs, 0, "dim")
    if d is None:
        return tuple(s for s in shape if s != 1)
    dims = {norm_dim(x, len(shape)) for x in (d if isinstance(d, (tuple, list)) else (d,))}
    return tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))


def size(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Any:
    d = arg(args, kwargs, 0, "dim")
    return TorchSize(shape) if d is None else shape[norm_dim(d, len(shape))]


def reduce(shape: Shape, args: list[Any], kwargs: dict[str, Any], first: int = 0) -> Shape:
    d = arg(args, kwargs, first, "dim")
    keep = bool(arg(args, kwargs, first + 1, "keepdim", False))
    if d is None:
        return tuple(1 for _ in shape) if keep else ()
    dims = {norm_dim(x, len(shape)) for x in (d if isinstance(d, (tuple, list)) else (d,))}
    return tuple((1 if i in dims else s) for i, s in enumerate(shape) if keep or i not in dims)


def extreme(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """`x.max()`, `x.max(dim)` -> (values, indices), `x.max(other)`."""
    other = tensor_shape(args[0]) if args else None
    if other is not None:
        return broadcast(shape, other)
    if arg(args, kwargs, 0, "dim") is None:
        return ()
    out = reduce(shape, args, kwargs)
    return Pair(out, out)


def expand(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    target = sizes(args, kwargs)
    lead = len(target) - len(shape)
    if lead < 0:
        raise OpError(f"expand to {target} has fewer dims than the input {shape}")
    return tuple(shape[i - lead] if d == -1 else d for i, d in enumerate(target))


def repeat(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    reps = sizes(args, kwargs, "repeats")
    padded = (1,) * (len(reps) - len(shape)) + tuple(shape)
    return tuple(simplify(a * b) for a, b in zip(padded, reps))


def chunk(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> list[Shape]:
    n = arg(args, kwargs, 0, "chunks")
    d = norm_dim(arg(args, kwargs, 1, "dim", 0), len(shape))
    if not isinstance(shape[d], int) or not isinstance(n, int):
        raise OpError("chunk of an unknown size")
    step = -(-shape[d] // n)
    return pieces(shape, d, [min(step, shape[d] - i) for i in range(0, shape[d], step)])


def split(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> list[Shape]:
    how = arg(args, kwargs, 0, "split_size_or_sections", kwargs.get("split_size"))
    d = norm_dim(arg(args, kwargs, 1, "dim", 0), len(shape))
    if isinstance(how, (list, tuple)):
        return pieces(shape, d, list(how))
    if not isinstance(shape[d], int) or not isinstance(how, int):
        raise OpError("split of an unknown size")
    return pieces(shape, d, [min(how, shape[d] - i) for i in range(0, shape[d], how)])


def pieces(shape: Shape, d: int, lengths: list[Any]) -> list[Shape]:
    return [shape[:d] + (n,) + shape[d + 1 :] for n in lengths]


def unbind(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> list[Shape]:
    d = norm_dim(arg(args, kwargs, 0, "dim", 0), len(shape))
    if not isinstance(shape[d], int):
        raise OpError("unbind of an unknown size")
    return [shape[:d] + shape[d + 1 :]] * shape[d]


def narrow(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    d = norm_dim(arg(args, kwargs, 0, "dim"), len(shape))
    return shape[:d] + (arg(args, kwargs, 2, "length"),) + shape[d + 1 :]


def topk(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Pair:
    d = norm_dim(arg(args, kwargs, 1, "dim", -1), len(shape))
    out = shape[:d] + (arg(args, kwargs, 0, "k"),) + shape[d + 1 :]
    return Pair(out, out)


def like_other(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    other = tensor_shape(args[0]) if args else None
    if other is None:
        raise OpError("needs another tensor")
    return other


def gather(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    """`t.gather(dim, index)`: the index's shape (of the input's rank)."""
    index = tensor_shape(args[1] if len(args) > 1 else kwargs.get("index"))
    if index is None:
        raise OpError("needs an index tensor")
    if len(index) != len(shape):
        raise OpError(f"gather needs an index of the input's rank {len(shape)}; got shape {tuple(index)}")
    return tuple(index)


def new_tensor(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    return sizes(args[:1] if args and isinstance(args[0], (tuple, list)) else args, kwargs)


def new_data(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    return data_shape(args, kwargs)


def glu(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    d = norm_dim(arg(args, kwargs, 0, "dim", -1), len(shape))
    return shape[:d] + (simplify(shape[d] // 2),) + shape[d + 1 :]


def pad(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    """F.pad(x, (left, right, top, bottom ...)): pairs from the last dim backwards."""
    amounts = tuple(arg(args, kwargs, 0, "pad"))
    out = list(shape)
    for i in range(len(amounts) // 2):
        out[-1 - i] = simplify(out[-1 - i] + amounts[2 * i] + amounts[2 * i + 1])
    return tuple(out)


def same(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Any:
    return SAME


def view_as_complex(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    """`torch.view_as_complex(t)`: the last axis (real, imaginary) is one complex value."""
    if not shape or shape[-1] != 2:
        raise OpError(f"view_as_complex needs a last axis of size 2; got shape {tuple(shape)}")
    return tuple(shape[:-1])


def reduction(first: int) -> Callable[[Shape, list[Any], dict[str, Any]], Shape]:
    return lambda shape, args, kwargs: reduce(shape, args, kwargs, first)


ELEMENTWISE = (
    "relu relu_ relu6 sigmoid sigmoid_ tanh tanh_ exp log log1p abs sqrt rsqrt neg sin cos clamp clamp_ clamp_min "
    "clamp_max clip floor ceil round sign square reciprocal erf softmax log_softmax gelu silu elu selu celu "
    "leaky_relu softplus softsign hardtanh hardswish hardsigmoid mish logsigmoid tanhshrink dropout dropout1d "
    "dropout2d dropout3d alpha_dropout feature_alpha_dropout normalize layer_norm batch_norm group_norm "
    "instance_norm local_response_norm rms_norm contiguous clone detach float half double long int bool to type "
    "cuda cpu requires_grad_ masked_fill masked_fill_ fill_ zero_ normal_ uniform_ add_ mul_ sub_ div_ "
    "tril triu flip roll cumsum cumprod nan_to_num logit pow sigmoid_ exp_ abs_ cos_ sin_ "
    "softmin threshold rrelu prelu selu_ elu_ leaky_relu_ hardtanh_ relu6_ dropout_ type_as copy_ kaiming_normal_ "
    "xavier_uniform_ trunc_normal_ fill_diagonal_ clamp_ sqrt_ float_ detach_ "
    "expm1 log2 log10 exp2 sinh cosh tan asin acos atan arcsin arccos arctan trunc frac square_ logical_not "
    "bitwise_not isnan isinf isfinite sgn positive negative rad2deg deg2rad real imag conj log_ neg_ reciprocal_ "
    "uniform normal bernoulli_ exponential_ geometric_ log_normal_ cauchy_ random_ orthogonal_ kaiming_uniform_ "
    "xavier_normal_ zeros_ ones_ constant_ eye_ dirac_ sparse_ lerp lerp_ addcmul addcdiv erfinv erfinv_ sinc "
    "nan_to_num_ bool_ byte short char numpy astype triu_ tril_"
).split()
RULES: dict[str, Callable[[Shape, list[Any], dict[str, Any]], Any]] = {
    **{name: same for name in ELEMENTWISE},
    "view": view, "reshape": view, "flatten": flatten, "unflatten": unflatten, "permute": permute,
    "transpose": transpose, "t": t, "unsqueeze": unsqueeze, "squeeze": squeeze, "size": size,
    "dim": lambda s, a, k: len(s), "numel": lambda s, a, k: product(s),
    **{name: reduction(0) for name in ("mean", "sum", "prod", "std", "var", "amax", "amin", "logsumexp",
                                       "all", "any", "argmax", "argmin", "count_nonzero", "nansum", "nanmean")},
    "norm": reduction(1), "max": extreme, "min": extreme, "expand": expand, "repeat": repeat, "chunk": chunk,
    "split": split, "unbind": unbind, "narrow": narrow, "topk": topk, "view_as": like_other,
    "reshape_as": like_other, "expand_as": like_other, "new_zeros": new_tensor, "new_ones": new_tensor,
    "new_empty": new_tensor, "new_full": new_tensor, "new": new_tensor, "new_tensor": new_data, "glu": glu, "pad": pad,
    "view_as_real": lambda s, a, k: (*s, 2), "view_as_complex": view_as_complex, "gather": gather,
    "take_along_dim": gather,
}
METHOD_ALIASES = {"swapaxes": "transpose", "swapdims": "transpose", "movedim": "transpose", "nelement": "numel",
                  "ndimension": "dim", "clip_": "clamp", "absolute": "abs", "concat": "cat"}
VALUES = {"size", "dim", "numel"}


def broadcast(*shapes: Shape) -> Shape:
    """NumPy/PyTorch broadcasting of shapes, aligned from the right."""
    n = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(n):
        dims = {s[len(s) - n + i] for s in shapes if len(s) - n + i >= 0} - {1}
        if len(dims) > 1:
            known = {d for d in dims if isinstance(d, int)}
            if len(known) > 1 or len(dims - known) > 1:
                raise OpError(f"shapes {' and '.join(str(tuple(s)) for s in shapes)} cannot be broadcast together")
            dims = known or dims
        out.append(next(iter(dims)) if dims else 1)
    return tuple(out)


def matmul_shape(a: Shape, b: Shape) -> Shape:
    if not a or not b:
        raise OpError("matmul needs tensors with at least one dimension")
    a2 = (1,) + a if len(a) == 1 else a
    b2 = b + (1,) if len(b) == 1 else b
    if isinstance(a2[-1], int) and isinstance(b2[-2], int) and a2[-1] != b2[-2]:
        raise OpError(f"matmul of shapes {a} and {b}: inner sizes {a2[-1]} and {b2[-2]} differ")
    batch = broadcast(a2[:-2], b2[:-2])
    out = batch + (a2[-2], b2[-1])
    if len(a) == 1:
        out = out[:-2] + out[-1:]
    if len(b) == 1:
        out = out[:-1]
    return out


def cat_shape(name: str, shapes: list[Shape], dim: Any) -> Shape:
    if name in ("stack",):
        d = norm_dim(dim, len(shapes[0]) + 1)
        return shapes[0][:d] + (len(shapes),) + shapes[0][d:]
    if name == "hstack":
        dim = 0 if len(shapes[0]) == 1 else 1
    if name == "vstack":
        dim = 0
    d = norm_dim(dim, len(shapes[0]))
    for s in shapes[1:]:
        if len(s) != len(shapes[0]):
            raise OpError(f"tensors must have the same number of dims; got {shapes[0]} and {s}")
    total = simplify(sum((s[d] for s in shapes), 0))
    return shapes[0][:d] + (total,) + shapes[0][d + 1 :]


def index_shape(shape: Shape, key: Any) -> Shape:
    """Basic indexing: ints, slices, None and `...`."""
    keys = list(key) if isinstance(key, tuple) else [key]
    used = sum(1 for k in keys if k is not None and k is not Ellipsis)
    if used > len(shape):
        raise OpError(f"too many indices for a tensor of shape {shape}")
    if Ellipsis in keys:
        i = keys.index(Ellipsis)
        keys = keys[:i] + [slice(None)] * (len(shape) - used) + keys[i + 1 :]
    keys += [slice(None)] * (len(shape) - sum(1 for k in keys if k is not None))
    out: list[Any] = []
    axis = 0
    lone_list = sum(1 for k in keys if isinstance(k, (int, list))) == 1  # x[:, [-1], :]: the axis stays in place
    for k in keys:
        if k is None:
            out.append(1)
            continue
        n = shape[axis]
        axis += 1
        if isinstance(k, int):
            continue
        if lone_list and isinstance(k, list) and k and all(type(i) is int for i in k):
            if isinstance(n, int) and not all(-n <= i < n for i in k):
                raise OpError(f"index {k!r} is out of range for a dimension of size {n}")
            out.append(len(k))
            continue
        if not isinstance(k, slice):
            raise OpError(f"index {k!r} is not followed")
        out.append(slice_length(n, k))
    return tuple(out)


def slice_length(n: Any, k: slice) -> Any:
    if k == slice(None):
        return n
    if isinstance(n, int) and all(isinstance(v, int) or v is None for v in (k.start, k.stop, k.step)):
        return len(range(n)[k])
    if k.start is None and k.step is None and isinstance(k.stop, int) and k.stop >= 0:
        return k.stop
    raise OpError(f"slice {k} of an unknown size is not followed")


class TorchSize(tuple):  # type: ignore[type-arg]
    """`x.shape`, `x.size()`: a tuple, as torch.Size is, that the legacy constructors read as sizes."""


def creator(args: list[Any], kwargs: dict[str, Any]) -> Shape:
    return sizes([a for a in args if not isinstance(a, float)], kwargs)


def legacy(args: list[Any], kwargs: dict[str, Any]) -> Shape:
    """`torch.Tensor(2, 3)` and `torch.Tensor(x.shape)` are sizes; `torch.Tensor([1, 2, 3])` is data."""
    if len(args) == 1 and (isinstance(args[0], (list, tuple)) and not isinstance(args[0], TorchSize)
                           or isinstance(getattr(args[0], "shape", None), tuple)):  # torch.Tensor(ndarray or tensor): data
        return data_shape(args, kwargs)
    return creator(args, kwargs)


def data_shape(args: list[Any], kwargs: dict[str, Any]) -> Shape:
    """The shape of `torch.tensor(data)`: nested lists give their lengths; a tensor (or a NumPy array read as one)
    gives its own shape; inside a list, only one-element tensors are taken (as numbers), as torch does."""
    data = args[0] if args else kwargs.get("data")
    shape: list[Any] = []
    while isinstance(data, (list, tuple)):
        shape.append(len(data))
        data = data[0] if data else None
    if isinstance(data, (int, float, bool, complex)) or hasattr(data, "free_symbols") or data is None and shape:
        return tuple(shape)
    inner = getattr(data, "shape", None)
    if isinstance(inner, tuple):
        if not shape:
            return tuple(inner)
        if not all(d == 1 for d in inner):  # torch refuses a list of tensors with more than one element each
            shape.append(None)
        return tuple(shape)
    shape.append(None)  # data paramwise cannot read (`torch.tensor(load())`): its shape is not known, not a number's
    return tuple(shape)


def arange_bounds(args: list[Any], kwargs: dict[str, Any]) -> tuple[Any, Any, Any]:
    """torch.arange(end) / arange(start, end, step=1), positional or by keyword: (start, end, step)."""
    nums = [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)] or [
        a for a in args if not isinstance(a, (str, bool)) and a is not None][:3]
    start: Any = 0
    end: Any = None
    step: Any = 1
    if len(nums) == 1 and "end" not in kwargs:
        end = nums[0]
    elif nums:
        start, end, step = (nums + [0, None, 1][len(nums):])[:3]
    return kwargs.get("start", start), kwargs.get("end", end), kwargs.get("step", step)


def arange(args: list[Any], kwargs: dict[str, Any]) -> Shape:
    start, end, step = arange_bounds(args, kwargs)
    end = 0 if end is None else end
    return (len(range(int(start), int(end), int(step))) if all(isinstance(v, int) for v in (start, end, step))
            else -(-(end - start) // step),)


CREATORS: dict[str, Callable[[list[Any], dict[str, Any]], Shape]] = {
    **{n: creator for n in ("zeros", "ones", "empty", "randn", "rand")},
    **{n: legacy for n in ("Tensor", "FloatTensor", "LongTensor", "BoolTensor", "HalfTensor", "DoubleTensor",
                           "IntTensor", "ByteTensor")},
    "full": lambda a, k: sizes(a[:1], k), "tensor": data_shape, "as_tensor": data_shape, "arange": arange,
    "eye": lambda a, k: (a[0], a[1] if len(a) > 1 else a[0]), "linspace": lambda a, k: (arg(a, k, 2, "steps"),),
    "logspace": lambda a, k: (arg(a, k, 2, "steps"),),
    "randint": lambda a, k: tuple(arg(a[-1:], k, 0, "size")), "randperm": lambda a, k: (a[0],),
}
LIKE = {"zeros_like", "ones_like", "randn_like", "rand_like", "empty_like", "full_like"}
BINARY = {"add": ast.Add, "sub": ast.Sub, "subtract": ast.Sub, "mul": ast.Mult, "multiply": ast.Mult,
          "div": ast.Div, "divide": ast.Div, "true_divide": ast.Div, "matmul": ast.MatMult, "bmm": ast.MatMult,
          "mm": ast.MatMult, "maximum": ast.Add, "minimum": ast.Add, "atan2": ast.Add,
          **{n: ast.Add for n in ("eq", "ne", "lt", "le", "gt", "ge", "greater", "less", "greater_equal",
                                  "less_equal", "not_equal", "logical_and", "logical_or", "logical_xor",
                                  "bitwise_and", "bitwise_or", "fmod", "remainder", "hypot", "fmax", "fmin")}}
ARITHMETIC = {"add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide"}
POOL_ARGS = ["kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"]
AVG_ARGS = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"]
FUNCTIONAL_MODULES: dict[str, tuple[str, list[str]]] = {
    **{f"max_pool{r}d": (f"MaxPool{r}d", POOL_ARGS) for r in (1, 2, 3)},
    **{f"avg_pool{r}d": (f"AvgPool{r}d", AVG_ARGS) for r in (1, 2, 3)},
    **{f"adaptive_avg_pool{r}d": (f"AdaptiveAvgPool{r}d", ["output_size"]) for r in (1, 2, 3)},
    **{f"adaptive_max_pool{r}d": (f"AdaptiveMaxPool{r}d", ["output_size", "return_indices"]) for r in (1, 2, 3)},
    "interpolate": ("Upsample", ["size", "scale_factor", "mode", "align_corners"]),
    "upsample": ("Upsample", ["size", "scale_factor", "mode", "align_corners"]),
    "pixel_shuffle": ("PixelShuffle", ["upscale_factor"]),
    "pixel_unshuffle": ("PixelUnshuffle", ["downscale_factor"]),
}
LOSSES = {"cross_entropy", "mse_loss", "nll_loss", "l1_loss", "binary_cross_entropy", "kl_div",
          "binary_cross_entropy_with_logits", "smooth_l1_loss", "huber_loss", "cosine_embedding_loss"}
RETURNS: dict[str, Callable[[list[Any]], Any]] = {
    "LSTM": lambda m: (m[0], (m[1], m[2])) if len(m) == 3 else tuple(m),
}


def structure(type_name: str, made: list[Any]) -> Any:
    """The Python structure a built-in module returns: LSTM gives (output, (h_n, c_n))."""
    if type_name in RETURNS:
        return RETURNS[type_name](made)
    return made[0] if len(made) == 1 else tuple(made)
