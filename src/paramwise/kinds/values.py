"""What each constructor argument accepts, checked once for every kind when it is made.

Values come from code paramwise does not run and from files anybody can write, so a size must be
checked to be a size before any arithmetic uses it: `Dense(-5)`, `Conv2D(0, 3)`, `units: "abc"`,
`kernel_size: NaN` or a string handed to a scale factor are errors that name the argument, the value and
what was expected, never a count. The frameworks refuse the same values (Keras: "Received an invalid value
for `units`, expected a positive integer"; PyTorch: "empty(): argument 'size' must be tuple of ints").

Checks go by the argument's name, which means the same thing in every kind that takes it (the glossary
of STYLE.md). A sympy expression (an unknown size such as `img_size`) passes where a whole number does.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..errors import BadValue
from ..formula import is_symbolic

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, TypeAlias

Check: TypeAlias = "Callable[[Any], bool]"


def is_whole(value: Any, least: int) -> bool:
    """An int (not a bool) of at least `least` and below 2**63 (no tensor is larger), or an unknown size."""
    if is_symbolic(value):
        return True
    return isinstance(value, int) and not isinstance(value, bool) and least <= value < LARGEST


LARGEST = 2**63


def is_real(value: Any, least: float = -math.inf, more_than: float | None = None) -> bool:
    if is_symbolic(value):
        return True
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if not math.isfinite(value) or value < least:
        return False
    return more_than is None or value > more_than


def one_or_many(check: Check) -> Check:
    """`3` or `(3, 3)` or `[3, 3]`: one value or a flat tuple/list of them."""
    return lambda v: check(v) or (isinstance(v, (tuple, list)) and len(v) > 0 and all(check(x) for x in v))


def optional(check: Check) -> Check:
    return lambda v: v is None or check(v)


def amounts(value: Any) -> bool:
    """2, (1, 2) or ((1, 1), (2, 2)): whole numbers, nested once (ZeroPadding2D, Cropping2D; PyTorch pads by
    a negative amount to crop), checked against the input by the kind's shape rule."""
    whole = one_or_many(integer)
    return whole(value) or (isinstance(value, (tuple, list)) and len(value) > 0 and all(whole(x) for x in value))


def padding_value(value: Any) -> bool:
    """A convolution's padding: 'same', 'valid', 'causal' (any case, as Keras lower-cases it) or amounts."""
    return (isinstance(value, str) and value.lower() in PADDING_WORDS) or amounts(value)


def shape_value(value: Any) -> bool:
    """An input's or a tensor's shape: a tuple of whole numbers >= 0, None for an axis of any size."""
    return isinstance(value, (tuple, list)) and all(x is None or is_whole(x, 0) for x in value)


def target(value: Any) -> bool:
    """Reshape's target: whole numbers >= 1, and -1 for the axis that takes what is left."""
    return isinstance(value, (tuple, list)) and all(x == -1 or is_whole(x, 1) for x in value)


PADDING_WORDS = frozenset({"same", "valid", "causal"})


def integer(value: Any) -> bool:
    """An axis: any int, negative counting from the end."""
    return is_whole(value, -(2**63))


def axes(value: Any) -> bool:
    """None, an axis or a tuple of axes (empty where Keras stores `axis=None` of Normalization)."""
    return value is None or integer(value) or (isinstance(value, (tuple, list)) and all(integer(x) for x in value))


POSITIVE = "a whole number ≥ 1"
WINDOW = "a whole number ≥ 1 or a tuple of them"

# argument name -> (check, what it expects, for the message)
ACCEPTS: dict[str, tuple[Check, str]] = {
    **{
        name: (lambda v: is_whole(v, 1), POSITIVE)
        for name in (
            "units filters in_features out_features in1_features in2_features in_channels out_channels "
            "num_features num_channels num_groups num_heads nhead d_model dim_feedforward embed_dim "
            "embedding_dim num_embeddings input_dim output_dim hidden_size input_size key_dim projection_dim "
            "num_parameters num_layers depth_multiplier upscale_factor downscale_factor head_dim num_query_heads "
            "num_key_value_heads"
        ).split()
    },
    "groups": (lambda v: v == -1 or is_whole(v, 1), POSITIVE + " (or -1: one group per channel, in Keras)"),
    **{name: (lambda v: is_whole(v, 1), POSITIVE) for name in "height width n".split()},
    **{name: (optional(lambda v: is_whole(v, 1)), POSITIVE + " or None") for name in "kdim vdim value_dim lora_rank".split()},
    **{name: (lambda v: is_whole(v, 0), "a whole number ≥ 0") for name in "num_encoder_layers num_decoder_layers proj_size".split()},
    **{name: (one_or_many(lambda v: is_whole(v, 1)), WINDOW) for name in "kernel_size pool_size dilation_rate dilation".split()},
    **{name: (optional(one_or_many(lambda v: is_whole(v, 1))), WINDOW + ", or None") for name in "strides stride".split()},
    "size": (optional(one_or_many(lambda v: is_whole(v, 1))), WINDOW + ", or None"),
    "output_size": (one_or_many(optional(lambda v: is_whole(v, 1))), WINDOW + " (None keeps an axis)"),
    "output_padding": (optional(one_or_many(lambda v: is_whole(v, 0))), "a whole number ≥ 0 or a tuple of them"),
    "padding": (padding_value, "'same', 'valid', a whole number or a tuple of them"),
    "cropping": (amounts, "a whole number or a tuple of them"),
    "shape": (shape_value, "a tuple of whole numbers ≥ 0 (None for an axis of any size)"),
    **{name: (target, "a tuple of whole numbers ≥ 1 (one of them may be -1)") for name in "target_shape unflattened_size".split()},
    "shared_axes": (optional(one_or_many(lambda v: is_whole(v, 1))), "an axis ≥ 1 or a tuple of them, or None"),
    "dims": (lambda v: isinstance(v, (tuple, list)) and all(is_whole(x, 1) for x in v), "a tuple of axes ≥ 1"),
    "scale_factor": (optional(one_or_many(lambda v: is_real(v, more_than=0))), "a number > 0 or a tuple of them"),
    **{name: (optional(lambda v: is_real(v, 0.0)), "a number ≥ 0") for name in "eps epsilon layer_norm_eps".split()},
    **{name: (optional(lambda v: is_real(v)), "a number") for name in "dropout momentum alpha beta".split()},
    "axis": (axes, "an axis (a whole number) or a tuple of them"),
    "normalized_shape": (lambda v: is_whole(v, 0) or (isinstance(v, (tuple, list)) and all(is_whole(x, 0) for x in v)),
                         "a whole number ≥ 0 or a tuple of them (the trailing axes normalized)"),
    **{name: (integer, "an axis (a whole number)") for name in "start_dim end_dim".split()},  # torch's Flatten
}


def check_values(attrs: dict[str, Any], skip: frozenset[str] = frozenset()) -> None:
    """Raise a BadValue naming the first argument whose value the kind cannot take (`skip`: not these)."""
    for name, accepts, expected in _plan(tuple(attrs), skip):
        value = attrs[name]
        if not accepts(value):
            raise BadValue(name, expected, value, describe(value))


# The checks that apply to a set of attribute names, in their order, by (names, skip): most attributes have no
# rule (a layer's initializers, regularizers ...), and a model's layers of one kind have the same names.
# Bounded: the names of a file's configs are the input's text.
_PLANS: dict[tuple[tuple[str, ...], frozenset[str]], tuple[tuple[str, Check, str], ...]] = {}
MAX_PLANS = 4096


def _plan(names: tuple[str, ...], skip: frozenset[str]) -> tuple[tuple[str, Check, str], ...]:
    plan = _PLANS.get((names, skip))
    if plan is None:
        plan = tuple((name, *ACCEPTS[name]) for name in names if name in ACCEPTS and name not in skip)
        if len(_PLANS) < MAX_PLANS:
            _PLANS[(names, skip)] = plan
    return plan


PLAIN = (int, float, str, bool, type(None))
PLAIN_TYPES = frozenset(PLAIN)  # the same, for `type(v) in PLAIN_TYPES`: a value that holds nothing to look into


def describe(value: Any) -> str:
    """The value as the user wrote it, short: `-5`, `3.5`, `'abc'`, `nan`, `[3, 'x']` (at most 80 characters).
    Anything that is not plain data is described, never shown by its repr (which may show internals)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"a whole number of {value.bit_length():,} bits (larger than any tensor can be)"
    if is_symbolic(value):
        text = str(value)
    elif is_plain(value):
        text = repr(value)
    else:
        return "a value that is not a number"
    return text if len(text) <= 80 else text[:77] + "..."


def is_plain(value: Any, depth: int = 0) -> bool:
    if isinstance(value, PLAIN) or is_symbolic(value):
        return True
    if isinstance(value, (list, tuple)) and depth < 3:
        return all(is_plain(v, depth + 1) for v in value[:20])
    return False
