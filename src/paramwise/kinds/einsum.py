"""EinsumDense: a dense layer whose kernel's axes are written as an einsum equation (Keras)."""

from __future__ import annotations

import re

from ..errors import BadValue, KindError
from ..formula import Dim, Expr, Factor, prod
from ..ir import Shape, Weight
from .base import REQUIRED, Kind, factor
from .values import describe, is_whole

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar

EQUATION_FORMS = (  # (pattern after `...` -> "0", ellipsis on the left), as keras' _analyze_einsum_string
    (re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)"), False),
    (re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)"), True),
    (re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0"), False),
)


class EinsumDense(Kind):
    """A dense layer written as an einsum: `EinsumDense("abc,cde->abde", output_shape=(None, 8, 16))`.

    Each letter of the kernel's spec takes its size from the output (where the letter is an output axis) or
    from the input; the bias has the sizes of the `bias_axes` letters, from the first of them to the end of the
    output spec (1 for the others). kernel = product of those sizes, bias likewise.
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:EinsumDense": {}}
    signatures = {
        "keras": (("equation", REQUIRED), ("output_shape", REQUIRED), ("activation", None), ("bias_axes", None),
                  ("kernel_initializer", "glorot_uniform"), ("bias_initializer", "zeros"), ("kernel_regularizer", None),
                  ("bias_regularizer", None), ("kernel_constraint", None), ("bias_constraint", None),
                  ("lora_rank", None), ("lora_alpha", None), ("gptq_unpacked_column_size", None),
                  ("quantization_config", None)),
    }

    equation: str
    bias_axes: str | None

    def setup(self) -> None:
        if not isinstance(self.equation, str):
            raise KindError(f"equation must be a string such as 'ab,bc->ac'; got {self.equation!r}")
        if self.attrs.get("lora_rank"):
            raise KindError("EinsumDense with lora_rank is not read", hint="count it without lora_rank")
        partial = self.attrs["output_shape"]
        sizes = (partial,) if not isinstance(partial, (tuple, list)) else tuple(partial)
        sizes = tuple(int(v) if isinstance(v, bool) else v for v in sizes)  # Keras takes True as the int it is
        if not all(v is None or is_whole(v, 0) for v in sizes):
            raise BadValue("output_shape", "a whole number ≥ 0 or a tuple of them (None: the size of the input's axis)",
                           partial, describe(partial))
        self.attrs["partial_output_shape"] = sizes
        self.analyze((None,) * 8)  # the equation's form, checked when the layer is made (as Keras does at build)

    def analyze(self, input_shape: Shape) -> tuple[list[Any], list[Any] | None, list[Any]]:
        """(kernel shape, bias shape or None, full output shape), as keras' _analyze_split_string."""
        text = re.sub(r"\.\.\.", "0", self.equation)
        found = next(((m, left) for pattern, left in EQUATION_FORMS if (m := pattern.match(text))), None)
        if found is None:
            raise KindError(f"invalid einsum equation {self.equation!r}",
                            hint="write it as [X],[Y]->[Z], ...[X],[Y]->...[Z] or [X]...,[Y]->[Z]...")
        match, left_elided = found
        input_spec, weight_spec, output_spec = match.groups()
        elided = len(input_shape) - len(input_spec)
        output_shape: list[Any] = [input_shape[0], *self.attrs["partial_output_shape"]]
        if elided > 0 and left_elided:
            for i in range(1, elided):
                output_shape.insert(1, input_shape[i])
        elif elided > 0:
            output_shape.extend(input_shape[len(input_shape) - elided:])
        if left_elided:
            input_at = {d: (i + elided) - len(input_shape) for i, d in enumerate(input_spec)}
            output_at = {d: i + elided for i, d in enumerate(output_spec)}
        else:
            input_at = {d: i for i, d in enumerate(input_spec)}
            output_at = {d: i for i, d in enumerate(output_spec)}
        try:
            for d in input_spec:
                if d in output_at:
                    size = output_shape[output_at[d]]
                    if size is not None and input_shape[input_at[d]] is not None and size != input_shape[input_at[d]]:
                        raise KindError(f"input and output sizes differ on the shared axis '{d}': "
                                        f"{input_shape[input_at[d]]} and {size}")
            for d in output_spec:
                if d not in input_spec and d not in weight_spec:
                    raise KindError(f"output axis '{d}' is in neither the input spec nor the kernel spec")
            kernel: list[Any] = []
            for d in weight_spec:
                if d in output_at:
                    kernel.append(output_shape[output_at[d]])
                elif d in input_at:
                    kernel.append(input_shape[input_at[d]])
                else:
                    raise KindError(f"kernel axis '{d}' is in neither the input spec nor the output spec")
            bias: list[Any] | None = None
            if self.bias_axes is not None:
                left = elided if left_elided else 0
                sizes = {c: output_shape[i + left] for i, c in enumerate(output_spec)}
                for c in self.bias_axes:
                    if c not in output_spec:
                        raise KindError(f"bias axis '{c}' is not in the output spec '{output_spec}'")
                first = min(output_spec.find(c) for c in self.bias_axes)
                bias = [sizes[c] if c in self.bias_axes else 1 for c in output_spec[first:]]
                if not left_elided:
                    bias += [1] * max(elided, 0)
        except IndexError as e:
            raise KindError(f"the equation {self.equation!r} does not fit the input's rank {len(input_shape)}") from e
        return kernel, bias, output_shape

    def check(self, inputs: list[Shape]) -> None:
        kernel, bias, _ = self.analyze(inputs[0])
        if any(not isinstance(n, int) for n in [*kernel, *(bias or [])]):
            raise KindError(f"the kernel's sizes {tuple(kernel)} are not all known",
                            hint="give the input shape and every output size the kernel takes")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        return tuple(self.analyze(inputs[0])[2])

    def weights(self, inputs: list[Shape] | None) -> list[Weight]:
        if not inputs:
            raise KindError("needs an input shape to know the kernel's sizes", hint="give the model an input shape")
        kernel, bias, _ = self.analyze(inputs[0])
        spec = re.sub(r"\.\.\.", "0", self.equation).split(",")[1].split("->")[0]  # the kernel's letters
        out = [Weight("kernel", tuple(factor(n, d) for n, d in zip(kernel, spec)))]
        if bias is not None:
            out.append(Weight("bias", tuple(factor(n, "1" if n == 1 else "b") for n in bias)))
        return out

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> Expr | None:
        """(output size)·(sizes of the letters summed over: in the input and the kernel, not the output)."""
        kernel, _, full = self.analyze(inputs[0])
        text = re.sub(r"\.\.\.", "0", self.equation)
        left, out_spec = text.split("->")
        in_spec, spec = left.split(",")
        if any(d is None for d in full):  # an output size given as None is the input's size on that letter
            if "0" in text or len(full) != len(out_spec):
                return None
            sizes = dict(zip(in_spec, inputs[0]))
            full = [sizes.get(letter) if d is None else d for d, letter in zip(full, out_spec)]
            if any(d is None for d in full):
                return None
        n: Dim = 1
        for d in full:
            n = n * d
        summed = [factor(size, d) for size, d in zip(kernel, spec) if d in in_spec and d not in out_spec]
        return prod(Factor(n, "out"), *summed)
