"""`keras.ops`, `tf.*` and NumPy functions on tensors and arrays, followed by shape only.

NumPy arrays made in the file (`np.zeros((100, 28, 28))`, `np.random.rand(1, 2)`) are tensors of that shape,
so `x_train.shape[1:]` is known and a model called on one is built for it. Data the file loads (`np.load`,
`np.unique(y)`) stays opaque: a size taken from it is never a silent 0.
"""

from __future__ import annotations

import math

from ....ir import Shape
from ..python.values import Context, HostValue, Opaque
from . import tensors as shapes
from .arith import UnknownDim, known_dims, shape_of_value
from .layers import KTensor, Session

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

NUMPY_DTYPES = {"float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool_", "complex64"}
NUMBER_FUNCTIONS = {"prod", "sqrt", "ceil", "floor", "log", "log2", "log10", "exp", "round", "abs", "maximum",
                    "minimum", "sum", "max", "min", "power", "floor_divide", "mod"}
MAKERS = {"zeros", "ones", "empty", "full", "rand", "randn", "random", "random_sample", "normal", "uniform", "randint",
          "standard_normal", "integers", "array", "asarray", "constant", "convert_to_tensor", "linspace", "arange",
          "range", "eye", "identity", "zeros_like", "ones_like", "empty_like", "full_like"}
ARRAY_FUNCTIONS = {"unique", "hstack", "vstack", "column_stack"}
MAX_ITEMS = 1 << 16  # an array literal is walked item by item up to this many


def stft_shape(signal: Shape, args: list[Any], kwargs: dict[str, Any]) -> Shape:
    """`ops.stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True)`: real and imaginary
    parts of shape (..., frames, fft_length // 2 + 1); centring pads fft_length // 2 on each side."""
    stride, fft = (args[i] if len(args) > i else kwargs.get(key) for i, key in ((2, "sequence_stride"), (3, "fft_length")))
    center = args[5] if len(args) > 5 else kwargs.get("center", True)
    if not signal or not all(isinstance(v, int) and v > 0 for v in (stride, fft)) or not isinstance(center, bool):
        raise shapes.ShapeError("needs a signal and sizes it can read")
    stride, fft = int(stride), int(fft)  # type: ignore[arg-type]
    samples = signal[-1]
    frames = None
    if shapes.known(samples):
        padded = samples + (2 * (fft // 2) if center else 0)
        if padded < fft:
            raise shapes.ShapeError(f"a signal of {samples} samples is shorter than fft_length {fft}")
        frames = 1 + (padded - fft) // stride
    return (*signal[:-1], frames, fft // 2 + 1)


class OpsFunction(HostValue):
    """One function of `keras.ops`, `tf`, `tf.math`, `K` (the Keras backend) or NumPy."""

    def __init__(self, session: Session, name: str, module: str = "") -> None:
        self.session = session
        self.name = name
        self.module = module

    def __repr__(self) -> str:
        return f"<function {self.name}>"

    def batch_reshape(self, args: list[Any]) -> list[Any]:
        """`ops.reshape(x, (B, -1, c))` with `B = ops.shape(x)[0]` inside a layer's call(): Keras (torch backend)
        runs call() on a batch of known size, so the -1 is the number of values per sample over the other sizes.
        The batch size (or `B * k`, `B // k` of it) at axis 0 is taken so; elsewhere an unknown size stays unknown."""
        if self.session.tracing <= 0 or len(args) < 2 or not isinstance(args[1], (list, tuple)) or not args[1]:
            return args
        shape = shape_of_value(args[0])
        target = list(args[1])
        if (shape and shape[0] is None and all(isinstance(d, int) for d in shape[1:]) and target.count(-1) == 1
                and isinstance(target[0], UnknownDim) and target[0].factor is not None
                and all(isinstance(d, int) and d > 0 or d == -1 for d in target[1:])):
            from fractions import Fraction  # exact; only for a reshape of the batch

            per_sample = 1
            for d in shape[1:]:
                per_sample *= d
            rest = 1
            for d in target[1:]:
                rest *= d if d != -1 else 1
            inferred = Fraction(per_sample, rest) / target[0].factor  # the same for every batch size
            if inferred.denominator == 1 and inferred > 0:
                target[target.index(-1)] = int(inferred)
                return [args[0], type(args[1])(target), *args[2:]]
        return args

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        name = self.name
        if name in ("shape", "int_shape"):
            shape = shape_of_value(args[0]) if args else None
            if shape is None:
                return Opaque(f"{name}()")
            return tuple(UnknownDim() if d is None and name == "shape" else d for d in shape)
        if name == "reshape":
            args = self.batch_reshape(args)
        args = [known_dims(a) for a in args]
        kwargs = {k: known_dims(v) for k, v in kwargs.items()}
        if name in MAKERS:
            return make_array(self.session, name, args, kwargs, ctx)
        if name == "unique":
            return self.unique(args, ctx)
        if name in ("hstack", "vstack", "column_stack") and args and isinstance(args[0], (list, tuple)):
            items = [shape_of_value(a) for a in args[0]]
            if not items or any(s is None or not s for s in items):
                return Opaque(f"{name}()")
            rank = len(items[0])  # type: ignore[arg-type]
            if name == "vstack" and rank == 1:
                args = [[OpsFunction(self.session, "reshape").py_call([a, (1, -1)], {}, ctx) for a in args[0]]]
            axis = 0 if name == "vstack" or rank == 1 and name == "hstack" else 1
            return OpsFunction(self.session, "concatenate").py_call([list(args[0])], {"axis": axis}, ctx)
        if name in ("concatenate", "concat", "stack") and args and isinstance(args[0], (list, tuple)):
            items = [shape_of_value(a) for a in args[0]]
            if not items or any(s is None for s in items):
                return Opaque(f"{name}()")
            try:
                shape = shapes.list_result(name, [s for s in items if s is not None], list(args), kwargs)
            except shapes.ShapeError as e:
                raise shapes.shape_failed(name, e, ctx.location) from e
            return self.session.op(name, [t for t in args[0] if isinstance(t, KTensor)], shape, ctx)
        if name == "istft" and args and isinstance(args[0], (list, tuple)) and len(args[0]) == 2:
            return self.istft(args, kwargs, ctx)
        arg_shapes = [shape_of_value(a) for a in args]
        if not any(s is not None for s in arg_shapes):
            return numbers(name, args, kwargs, integral=self.module == "math")
        if any(isinstance(a, Opaque) for a in args):
            return Opaque(f"{name}()")
        tensors = [a for a in args if isinstance(a, KTensor)]
        try:
            signal = arg_shapes[0]
            if name == "rfft" and signal is not None:  # keras.ops.rfft: (real, imag), n // 2 + 1 each
                n = kwargs.get("fft_length", args[1] if len(args) > 1 else None) or signal[-1]
                half = (*signal[:-1], n // 2 + 1 if shapes.known(n) else None)
                return self.session.op(name, tensors, [half, half], ctx)
            if name == "stft" and signal is not None:
                return self.session.op(name, tensors, [stft_shape(signal, args, kwargs)] * 2, ctx)
            if name in ("split", "unstack"):
                first = arg_shapes[0]
                if first is None:
                    raise shapes.ShapeError("the first argument is not a tensor")
                if name == "unstack":
                    axis = shapes.axis_of(kwargs.get("axis", args[1] if len(args) > 1 else 0), len(first))
                    if not shapes.known(first[axis]) or not 0 < first[axis] <= shapes.MAX_PARTS:
                        raise shapes.ShapeError("unstack needs a known size on its axis")
                    parts = [first[:axis] + first[axis + 1 :]] * first[axis]
                else:
                    parts = shapes.split_result(first, list(args), kwargs, sizes=self.module == "tf")
                return self.session.op(name, tensors, parts, ctx)
            shape = shapes.shape_result(name, arg_shapes, list(args), kwargs)
        except shapes.ShapeError as e:
            raise shapes.shape_failed(name, e, ctx.location) from e
        if name in ("convert_to_tensor", "identity", "stop_gradient") and len(tensors) == 1:
            return tensors[0]
        return self.session.op(name, tensors, shape, ctx)


    def istft(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        """`ops.istft((real, imag), sequence_length, sequence_stride, fft_length, length=None, window, center=True)`:
        (..., frames, bins) twice in, (..., samples) out."""
        real, imag = args[0]
        parts = [shape_of_value(real), shape_of_value(imag)]
        if not isinstance(real, KTensor) or not isinstance(imag, KTensor) or parts[0] is None or parts[0] != parts[1]:
            return Opaque("istft()")
        shape = parts[0]
        stride, fft, length = (args[i] if len(args) > i else kwargs.get(key) for i, key in
                               ((2, "sequence_stride"), (3, "fft_length"), (4, "length")))
        center = args[6] if len(args) > 6 else kwargs.get("center", True)
        if len(shape) < 2 or not all(isinstance(v, int) and v > 0 for v in (stride, fft)) or not isinstance(center, bool):
            raise shapes.shape_failed(self.name, shapes.ShapeError("needs (real, imag) tensors and sizes it can read"),
                                      ctx.location)
        stride, fft = int(stride), int(fft)  # type: ignore[arg-type]
        frames = shape[-2]
        if isinstance(length, int):
            samples: Any = length
        elif length is None and shapes.known(frames):
            samples = (frames - 1) * stride + fft - (2 * (fft // 2) if center else 0)
        else:
            samples = None
        return self.session.op(self.name, [real, imag], (*shape[:-2], samples), ctx)

    def unique(self, args: list[Any], ctx: Context) -> Any:
        """`np.unique(a)` of an array whose values the file gives: those values, sorted, once each."""
        values = self.session.values.get(args[0].ref.call) if args and isinstance(args[0], KTensor) else None
        if values is None or len({type(v) for v in values}) > 1:
            return Opaque("unique()")
        distinct = sorted(set(values))
        tensor = self.session.make_input((len(distinct),), "data", ctx, hidden=True)
        self.session.values[tensor.ref.call] = distinct
        return tensor


def numbers(name: str, args: list[Any], kwargs: dict[str, Any], integral: bool = False) -> Any:
    """`np.prod(img_shape)`, `np.sqrt(d)`, `tf.maximum(a, b)` on plain numbers."""
    flat = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
    plain = all(isinstance(a, (int, float)) and not isinstance(a, bool) for a in flat)
    if name not in NUMBER_FUNCTIONS or not flat or not plain or kwargs:
        return Opaque(f"{name}()")
    if name == "prod":
        if sum(abs(int(a)).bit_length() for a in flat) > 4096:
            return Opaque("prod()")
        return math.prod(flat)
    if name in ("sum", "max", "min"):
        return sum(flat) if name == "sum" else max(flat) if name == "max" else min(flat)
    if name in ("maximum", "minimum") and len(flat) == 2:
        return max(flat) if name == "maximum" else min(flat)
    if name in ("ceil", "floor"):
        whole = getattr(math, name)(flat[0])
        return whole if integral else float(whole)  # math.ceil gives an int, np.ceil a float
    if name == "round":
        return round(flat[0])
    if name == "abs":
        return abs(flat[0])
    if name in ("power", "floor_divide", "mod") and len(flat) == 2:
        a, b = flat
        if not b and name != "power":
            return Opaque(f"{name}()")
        if name == "power" and (abs(b) > 256 or abs(a) > 1 << 64):
            return Opaque("power()")
        return a**b if name == "power" else a // b if name == "floor_divide" else a % b
    try:
        return float(getattr(math, name)(flat[0]))
    except (ValueError, OverflowError, AttributeError):
        return Opaque(f"{name}()")


def make_array(session: Session, name: str, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
    """An array or tensor the file makes: a tensor of the shape its arguments give, or opaque."""
    shape: Any
    if name in ("zeros", "ones", "empty", "full", "normal", "uniform", "random", "random_sample", "standard_normal"):
        shape = kwargs.get("shape", kwargs.get("size", args[0] if args and name in ("zeros", "ones", "empty", "full", "random", "random_sample", "standard_normal") else None))
        if shape is None and name in ("normal", "uniform") and len(args) == 3:
            shape = args[2]
    elif name in ("rand", "randn"):
        shape = tuple(args)
    elif name in ("randint", "integers"):
        shape = kwargs.get("size", args[2] if len(args) > 2 else None)
    elif name in ("arange", "range"):
        shape = (shapes.arange_length(list(args), kwargs),)
    elif name == "linspace":
        shape = (kwargs.get("num", args[2] if len(args) > 2 else 50),)
    elif name in ("eye", "identity"):
        n = args[0] if args else kwargs.get("N", kwargs.get("num_rows"))
        shape = (n, n)
    elif name.endswith("_like"):
        return args[0] if args and shape_of_value(args[0]) is not None else Opaque(f"{name}()")
    else:  # array, asarray, constant, convert_to_tensor: of a value
        value = args[0] if args else kwargs.get("value")
        if shape_of_value(value) is not None:
            return value
        if isinstance(value, (list, tuple)) and value and all(shape_of_value(v) is not None for v in value):
            return OpsFunction(session, "stack").py_call([list(value)], {"axis": 0}, ctx)  # an array of arrays
        shape = literal_shape(value)
        if isinstance(value, (list, tuple)) and shape is not None and len(shape) == 1:
            tensor = session.make_input(tuple(shape), "data", ctx, hidden=True)
            session.values[tensor.ref.call] = list(value)
            return tensor
    if isinstance(shape, (int, float)) and not isinstance(shape, bool) or hasattr(shape, "is_Symbol"):
        shape = (shape,)
    if not isinstance(shape, (list, tuple)) or not all(shapes.known(d) or hasattr(d, "free_symbols") or d is None and name in ("arange", "range", "linspace") for d in shape):
        return Opaque(f"{name}()")
    tensor = session.make_input(tuple(shape), "data", ctx, hidden=True)
    values = range_values(name, args, kwargs, shape)
    if values is not None:
        session.values[tensor.ref.call] = values
    return tensor


def range_values(name: str, args: list[Any], kwargs: dict[str, Any], shape: Any) -> list[Any] | None:
    """The values of a short `np.linspace(0, 0.1, 12)` or `np.arange(4)`, which code may loop over."""
    if name not in ("linspace", "arange", "range") or len(shape) != 1 or not shapes.known(shape[0]) or shape[0] > 4096:
        return None
    n = shape[0]
    if name == "linspace":
        start, stop = (list(args[:2]) + [kwargs.get("start"), kwargs.get("stop")][len(args[:2]):])[:2]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (start, stop)):
            return None
        return [float(start + (stop - start) * i / (n - 1)) if n > 1 else float(start) for i in range(n)]
    numbers = [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]
    if len(numbers) != len(args) or kwargs or not numbers:
        return None
    start, step = (0, 1) if len(numbers) == 1 else (numbers[0], numbers[2] if len(numbers) > 2 else 1)
    return [start + step * i for i in range(n)]


def literal_shape(value: Any, depth: int = 0) -> Any:
    """The shape of a nested list of numbers (`[[1, 2], [3, 4]]` is (2, 2)); None when it is not regular."""
    if isinstance(value, (int, float, bool, str)):
        return ()
    if not isinstance(value, (list, tuple)) or len(value) > MAX_ITEMS or depth > 32:
        return None
    inner = [literal_shape(v, depth + 1) for v in value]
    if any(s is None for s in inner) or len({s for s in inner}) > 1:
        return None
    return (len(value), *(inner[0] if inner else ()))


class NumpyModule(HostValue):
    """`numpy` (and `numpy.random`): arrays of known shapes, arithmetic on numbers; anything else opaque."""

    def __init__(self, session: Session, path: str) -> None:
        self.session = session
        self.path = path

    def __repr__(self) -> str:
        return f"<module {self.path}>"

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name in ("random", "linalg") and "." not in self.path:
            return NumpyModule(self.session, f"{self.path}.{name}")
        if name in ("pi", "e", "inf"):
            return float(getattr(math, name))
        if name == "newaxis":
            return None
        if name in NUMPY_DTYPES or name in ("float_", "int_"):
            return name.rstrip("_") if name != "bool_" else "bool"
        if name == "default_rng":
            return NumpyRng(self.session)
        if name in MAKERS or name in shapes.ALL_FUNCTIONS or name in NUMBER_FUNCTIONS or name in ARRAY_FUNCTIONS:
            return OpsFunction(self.session, name, self.path)
        return Opaque(f"{self.path}.{name}")


class NumpyRng(HostValue):
    """`np.random.default_rng(seed)`: a generator whose `normal`, `random`, `integers` ... make arrays."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return NumpyModule(self.session, "numpy.random")


def tensor_shape(args: list[Any], kwargs: dict[str, Any]) -> Any:
    """`tf.TensorShape([None, 28])`: the shape itself."""
    dims = args[0] if args else kwargs.get("dims")
    if isinstance(dims, (list, tuple)):
        return tuple(dims)
    return Opaque("TensorShape")
