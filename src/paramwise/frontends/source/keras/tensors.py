"""Tensor shapes inside Keras code: indexing (`x[..., :n]`), broadcasting, `@`, and the shape functions of
`keras.ops`, `tf.*` and NumPy (`ops.shape`, `ops.reshape`, `ops.arange`, `tf.concat`, `np.zeros` ...).

Each function works on shapes only; a tensor it makes is recorded as a hidden, parameter-free operation whose
output shape is the one worked out here. A function paramwise does not model gives an opaque value, so a
`call()` that returns it is a located error, never a guessed shape.
"""

from __future__ import annotations

from ....errors import InputError
from ....ir import Shape

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, TypeAlias

Dim: TypeAlias = "Any"

# functions that act value by value (with broadcasting): the output has the inputs' broadcast shape
ELEMENTWISE = {
    "relu", "sigmoid", "tanh", "softmax", "gelu", "silu", "swish", "elu", "selu", "leaky_relu", "relu6", "softplus",
    "softsign", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "abs", "square", "dropout", "identity", "cast",
    "stop_gradient", "l2_normalize", "normalize", "log_softmax", "hard_sigmoid", "hard_swish", "mish", "sin", "cos",
    "tan", "sinh", "cosh", "asin", "acos", "atan", "arcsin", "arccos", "arctan", "erf", "sign", "floor", "ceil",
    "round", "negative", "reciprocal", "clip", "clip_by_value", "add", "subtract", "multiply", "divide",
    "true_divide", "floor_divide", "maximum", "minimum", "power", "pow", "mod", "where", "convert_to_tensor",
    "zeros_like", "ones_like", "full_like", "astype", "logical_not", "logical_and", "logical_or", "greater",
    "less", "equal", "not_equal", "greater_equal", "less_equal", "isnan", "nan_to_num", "real", "imag",
    "conj", "sigmoid_cross_entropy", "softmax_v2", "log_sigmoid",
}
REDUCTIONS = {"sum", "mean", "max", "min", "prod", "std", "var", "reduce_sum", "reduce_mean", "reduce_max",
              "reduce_min", "reduce_prod", "reduce_std", "reduce_variance", "amax", "amin", "logsumexp",
              "reduce_logsumexp", "norm", "argmax", "argmin", "any", "all", "reduce_any", "reduce_all"}
SHAPE_FUNCTIONS = {"shape", "reshape", "arange", "range", "broadcast_to", "concatenate", "concat", "stack",
                   "expand_dims", "squeeze", "transpose", "matmul", "dot", "split", "one_hot", "tile", "repeat",
                   "flatten", "einsum", "linspace", "unstack", "permute_dims", "swapaxes", "moveaxis", "rfft",
                   "stft", "istft"}
IMAGE_FUNCTIONS = {"resize", "extract_patches"}  # keras.ops.image / tf.image, named "image.<name>"
ALL_FUNCTIONS = ELEMENTWISE | REDUCTIONS | SHAPE_FUNCTIONS | {"tensordot"}
MAX_PARTS = 4096  # a split or unstack into more tensors than this is not followed


class ShapeError(Exception):
    """The shapes do not fit the operation (e.g. `reshape` to another number of values)."""


def known(d: Dim) -> bool:
    return isinstance(d, int) and not isinstance(d, bool)


def axis_of(axis: Any, rank: int) -> int:
    if not known(axis) or not -rank <= axis < rank:
        raise ShapeError(f"axis {axis!r} is out of range for rank {rank}")
    return int(axis) % rank


def index_shape(shape: Shape, key: Any) -> Shape:
    """The shape of `x[key]`: ints drop an axis, slices keep it (sized when known), `...` fills, None adds one."""
    items = list(key) if isinstance(key, tuple) else [key]
    if any(not (known(k) or isinstance(k, slice) or k is Ellipsis or k is None) for k in items):
        raise ShapeError("the index is not made of numbers, slices, ... and None")
    used = sum(1 for k in items if k is not None and k is not Ellipsis)
    if sum(1 for k in items if k is Ellipsis) > 1 or used > len(shape):
        raise ShapeError(f"too many indices for a tensor of rank {len(shape)}")
    out: list[Dim] = []
    pos = 0
    for k in items:
        if k is None:
            out.append(1)
        elif k is Ellipsis:
            skip = len(shape) - used
            out.extend(shape[pos : pos + skip])
            pos += skip
        elif isinstance(k, slice):
            out.append(slice_length(shape[pos], k))
            pos += 1
        else:
            pos += 1
    out.extend(shape[pos:])
    return tuple(out)


def slice_length(size: Dim, s: slice) -> Dim:
    parts = (s.start, s.stop, s.step)
    if any(p is not None and not known(p) for p in parts):
        return None
    if known(size):
        return len(range(*s.indices(size)))
    step = s.step or 1
    start, stop = s.start or 0, s.stop  # an axis of unknown size: known only for x[:n] and x[a:b] with a, b >= 0
    if step > 0 and start >= 0 and stop is not None and stop >= 0:
        return None if stop > start else 0  # the axis may be shorter than stop
    return None


def broadcast(shapes: list[Shape]) -> Shape:
    rank = max(len(s) for s in shapes)
    out: list[Dim] = []
    for i in range(rank):
        dims = [s[len(s) - rank + i] for s in shapes if len(s) - rank + i >= 0]
        sizes = {d for d in dims if d != 1}
        if len(sizes) > 1 and all(d is not None for d in sizes):
            raise ShapeError(f"shapes {', '.join(map(str, shapes))} do not broadcast")
        out.append(next(iter(sizes)) if len(sizes) == 1 else (None if sizes else 1))
    return tuple(out)


def matmul(a: Shape, b: Shape) -> Shape:
    if not a or not b:
        raise ShapeError("matmul needs tensors of rank 1 or more")
    left = (1, *a) if len(a) == 1 else a
    right = (*b, 1) if len(b) == 1 else b
    inner_a, inner_b = left[-1], right[-2]
    if known(inner_a) and known(inner_b) and inner_a != inner_b:
        raise ShapeError(f"matmul of {a} and {b}: {inner_a} != {inner_b}")
    batch = broadcast([left[:-2], right[:-2]]) if left[:-2] or right[:-2] else ()
    out = (*batch, left[-2], right[-1])
    if len(a) == 1:
        out = out[:-2] + out[-1:]
    if len(b) == 1:
        out = out[:-1]
    return out


def reshape(shape: Shape, target: Any) -> Shape:
    dims = list(target) if isinstance(target, (list, tuple)) else [target]
    if any(not (known(d) or d is None) for d in dims):
        raise ShapeError("the new shape is not made of whole numbers")
    holes = [i for i, d in enumerate(dims) if d == -1]
    if len(holes) > 1:
        raise ShapeError("reshape can infer only one axis (-1)")
    if holes:
        total = size(shape)
        rest = size(tuple(d for d in dims if d != -1))
        dims[holes[0]] = total // rest if known(total) and known(rest) and rest else None
    return tuple(dims)


def size(shape: Shape) -> Dim:
    n = 1
    for d in shape:
        if not known(d):
            return None
        n *= d
    return n


def reduce(shape: Shape, axis: Any, keepdims: bool) -> Shape:
    if axis is None:
        return tuple(1 for _ in shape) if keepdims else ()
    axes = {axis_of(a, len(shape)) for a in (axis if isinstance(axis, (list, tuple)) else [axis])}
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def concat(shapes: list[Shape], axis: int) -> Shape:
    if not shapes or len({len(s) for s in shapes}) != 1:
        raise ShapeError("concatenate needs tensors of the same rank")
    a = axis_of(axis, len(shapes[0]))
    sizes = [s[a] for s in shapes]
    out = list(shapes[0])
    out[a] = sum(sizes) if all(known(d) for d in sizes) else None
    return tuple(out)


def arange_length(args: list[Any], kwargs: dict[str, Any]) -> Dim:
    start: Any = 0
    stop: Any = None
    step: Any = 1
    values = list(args) + [kwargs[k] for k in ("start", "stop", "limit", "delta", "step") if k in kwargs]
    if len(values) == 1:
        stop = values[0]
    elif len(values) >= 2:
        start, stop = values[0], values[1]
        step = values[2] if len(values) > 2 else 1
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (start, stop, step)) or not step:
        return None
    import math

    return max(0, math.ceil((stop - start) / step))


def shape_result(name: str, shapes: list[Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    """The output shape(s) of function `name`; `shapes` holds the shape of each tensor argument, in order
    (`args[i]` a tensor where `shapes[i]` is not None). ShapeError when it cannot be known."""
    tensors = [s for s in shapes if s is not None]
    first = tensors[0] if tensors else None

    def arg(i: int, key: str, default: Any = None) -> Any:
        return args[i] if len(args) > i else kwargs.get(key, default)

    if name in ELEMENTWISE:
        if not tensors:
            raise ShapeError("no tensor argument")
        return broadcast(tensors)
    if first is None:
        raise ShapeError("no tensor argument")
    if name in REDUCTIONS:
        axis = arg(1, "axis", kwargs.get("dim"))
        keep = bool(arg(2, "keepdims", kwargs.get("keep_dims", False)))
        return reduce(first, axis, keep)
    if name in ("reshape",):
        return reshape(first, arg(1, "shape", kwargs.get("newshape")))
    if name == "broadcast_to":
        return reshape(first, arg(1, "shape"))
    if name in ("expand_dims",):
        axis = arg(1, "axis")
        out = list(first)
        out.insert(axis_of(axis, len(first) + 1), 1)
        return tuple(out)
    if name == "squeeze":
        axis = arg(1, "axis")
        if axis is None:
            return tuple(d for d in first if d != 1)
        return reduce(first, axis, False)
    if name in ("transpose", "permute_dims"):
        perm = arg(1, "axes", kwargs.get("perm"))
        perm = list(range(len(first)))[::-1] if perm is None else list(perm)
        return tuple(first[axis_of(p, len(first))] for p in perm)
    if name in ("swapaxes", "moveaxis"):
        a, b = axis_of(arg(1, "axis1", kwargs.get("source")), len(first)), axis_of(arg(2, "axis2", kwargs.get("destination")), len(first))
        dims = list(first)
        if name == "swapaxes":
            dims[a], dims[b] = dims[b], dims[a]
        else:
            dims.insert(b, dims.pop(a))
        return tuple(dims)
    if name in ("matmul", "dot"):
        if len(tensors) != 2:
            raise ShapeError("matmul needs two tensors")
        return matmul(tensors[0], tensors[1])
    if name == "tensordot":
        if len(tensors) != 2:
            raise ShapeError("tensordot needs two tensors")
        a, b = tensors
        axes = arg(2, "axes", 2)
        if known(axes):
            if axes > min(len(a), len(b)):
                raise ShapeError(f"tensordot over {axes} axes of tensors of rank {len(a)} and {len(b)}")
            return (*a[: len(a) - axes], *b[axes:])
        if isinstance(axes, (list, tuple)) and len(axes) == 2:
            left = [axes[0]] if known(axes[0]) else list(axes[0])
            right = [axes[1]] if known(axes[1]) else list(axes[1])
            drop_a = {axis_of(x, len(a)) for x in left}
            drop_b = {axis_of(x, len(b)) for x in right}
            return (*(d for i, d in enumerate(a) if i not in drop_a), *(d for i, d in enumerate(b) if i not in drop_b))
        raise ShapeError("tensordot axes are not followed")
    if name == "image.resize":
        size_arg = arg(1, "size")
        if not isinstance(size_arg, (list, tuple)) or len(size_arg) != 2 or len(first) not in (3, 4):
            raise ShapeError("resize needs (height, width) and an image")
        return (*first[:-3], size_arg[0], size_arg[1], first[-1])
    if name == "image.extract_patches":
        return extract_patches(first, args, kwargs)
    if name == "tile":
        reps = arg(1, "repeats", kwargs.get("multiples"))
        reps = list(reps) if isinstance(reps, (list, tuple)) else [reps]
        if not all(known(r) or r is None for r in reps):
            raise ShapeError("tile needs whole numbers of repeats")
        dims = list(first)
        if len(reps) > len(dims):
            dims = [1] * (len(reps) - len(dims)) + dims
        reps = [1] * (len(dims) - len(reps)) + reps
        return tuple(d * r if known(d) and known(r) else None for d, r in zip(dims, reps))
    if name == "repeat":
        reps, axis = arg(1, "repeats"), arg(2, "axis")
        if not known(reps):
            raise ShapeError("repeat needs a whole number of repeats")
        if axis is None:
            total = size(first)
            return (total * reps if known(total) else None,)
        a = axis_of(axis, len(first))
        return tuple(d * reps if i == a and known(d) else None if i == a else d for i, d in enumerate(first))
    if name == "flatten":
        return (size(first),)
    if name == "one_hot":
        depth = arg(1, "num_classes", kwargs.get("depth"))
        if not known(depth):
            raise ShapeError("one_hot needs a known depth")
        return (*first, depth)
    raise ShapeError(f"{name}() is not followed")


def extract_patches(shape: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    """keras.ops.image.extract_patches(images, size, strides=None, padding="valid") and tf.image.extract_patches
    (images, sizes=[1, p, p, 1], strides=[1, s, s, 1], rates, padding="VALID"): (batch, h', w', p·p·c)."""
    if len(shape) != 4:
        raise ShapeError("extract_patches needs a batch of images")
    size = args[1] if len(args) > 1 else kwargs.get("size", kwargs.get("sizes"))
    strides = args[2] if len(args) > 2 else kwargs.get("strides")
    padding = str(args[4] if len(args) > 4 else kwargs.get("padding", "valid")).lower()
    if isinstance(size, (list, tuple)) and len(size) == 4:
        size = size[1:3]
    if isinstance(strides, (list, tuple)) and len(strides) == 4:
        strides = strides[1:3]
    sizes: tuple[Any, ...] = (size, size) if known(size) else tuple(size) if isinstance(size, (list, tuple)) else ()
    steps: tuple[Any, ...] = sizes if strides is None else (strides, strides) if known(strides) else tuple(strides)
    if len(sizes) != 2 or len(steps) != 2 or not all(known(d) for d in (*sizes, *steps)) or padding not in ("valid", "same"):
        raise ShapeError("extract_patches needs whole-number sizes and strides")
    size = sizes
    out: list[Dim] = []
    for d, k, s in zip(shape[1:3], sizes, steps):
        if not known(d):
            out.append(None)
        elif padding == "same":
            out.append(-(-d // s))
        else:
            out.append((d - k) // s + 1)
    c = shape[3]
    return (shape[0], out[0], out[1], size[0] * size[1] * c if known(c) else None)


def list_result(name: str, items: list[Shape], args: list[Any], kwargs: dict[str, Any]) -> Shape:
    """`concatenate([a, b], axis)`, `stack([a, b], axis)`: a list of tensors in, one tensor out."""
    axis = args[1] if len(args) > 1 else kwargs.get("axis", 0 if name == "stack" else -1)
    if name == "stack":
        if len({s for s in items}) != 1:
            raise ShapeError("stack needs tensors of one shape")
        out = list(items[0])
        out.insert(axis_of(axis, len(out) + 1), len(items))
        return tuple(out)
    return concat(items, axis)


def split_result(shape: Shape, args: list[Any], kwargs: dict[str, Any], sizes: bool = False) -> list[Shape]:
    """`split(x, n)` into n equal parts; `split(x, [i, j])` at indices i and j (keras.ops and NumPy), or into parts of
    sizes i and j where `sizes` (tf.split, and any `num_or_size_splits=`)."""
    parts: Any = args[1] if len(args) > 1 else kwargs.get("indices_or_sections", kwargs.get("num_or_size_splits"))
    sizes = sizes or "num_or_size_splits" in kwargs
    axis = axis_of(args[2] if len(args) > 2 else kwargs.get("axis", 0), len(shape))
    if isinstance(parts, (list, tuple)) and parts and all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
        return [(*shape[:axis], piece, *shape[axis + 1 :]) for piece in split_pieces(shape[axis], list(parts), sizes)]
    if known(parts):
        if not 0 < parts <= MAX_PARTS:
            raise ShapeError(f"split into {parts} parts is not followed (at most {MAX_PARTS})")
        if known(shape[axis]) and shape[axis] % parts:
            raise ShapeError(f"{shape[axis]} values do not split into {parts} equal parts")
        piece = shape[axis] // parts if known(shape[axis]) else None
        return [(*shape[:axis], piece, *shape[axis + 1 :]) for _ in range(parts)]
    raise ShapeError("split into parts of given sizes is not followed")


def split_pieces(total: Dim, parts: list[int], sizes: bool) -> list[Dim]:
    """The sizes of the pieces a split at these indices (or into pieces of these sizes) makes of `total` values."""
    if len(parts) >= MAX_PARTS:
        raise ShapeError(f"split into {len(parts) + 1} parts is not followed (at most {MAX_PARTS})")
    if sizes:
        if parts.count(-1) > 1 or any(p < -1 for p in parts):
            raise ShapeError("split sizes must be sizes (one of them may be -1)")
        if -1 in parts:
            rest = total - sum(p for p in parts if p != -1) if known(total) else None
            if rest is not None and rest < 0:
                raise ShapeError(f"split sizes {parts} add up to more than {total}")
            return [rest if p == -1 else p for p in parts]
        if known(total) and sum(parts) != total:
            raise ShapeError(f"split sizes {parts} do not add up to {total}")
        return list(parts)
    if not known(total):
        if any(p < 0 for p in parts) or parts != sorted(parts):
            raise ShapeError("split indices need a known size when negative or out of order")
        return [b - a for a, b in zip([0, *parts], parts)] + [None]
    points = [min(max(p + total if p < 0 else p, 0), total) for p in parts]
    # NumPy's rule: the piece from index a to b has max(b - a, 0) values (out-of-order indices give empty pieces)
    return [max(b - a, 0) for a, b in zip([0, *points], [*points, total])]


def shape_failed(name: str, error: ShapeError, location: Any) -> InputError:
    return InputError(f"{name}(): {error}", hint="check the shapes this code works on", location=location)
