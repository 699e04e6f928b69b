"""Keras' categorical and text preprocessing layers: lookups, hashing, binning, encoding. No weights: a
vocabulary or a set of bin boundaries is a lookup table, not a parameter (`count_params()` is 0).

Their output shapes follow each layer's `compute_output_shape` in Keras: "int" output keeps the input's shape;
"one_hot", "multi_hot", "count" and "tf_idf" give an axis as long as the vocabulary (or the number of bins).
A vocabulary learned by `adapt()` has a size only the data knows: that axis is unknown (None).
Their arguments are bound with the constructors' signatures read from Keras (kinds/signatures/keras.json).
"""

from __future__ import annotations

from ..errors import KindError
from ..ir import Shape
from .base import Kind

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


def encoded(shape: Shape, mode: str, depth: Any) -> Shape:
    """The shape of an index lookup's output (keras IndexLookup.compute_output_shape)."""
    if mode == "int":
        return shape
    if mode == "one_hot":
        if len(shape) > 1 and shape[-1] == 1:
            return shape[:-1] + (depth,)
        return shape + (depth,)
    return shape[:-1] + (depth,)


def vocabulary_depth(attrs: dict[str, Any]) -> Any:
    """The encoded axis: max_tokens when padded to it; a vocabulary given in the code counts its terms, its OOV
    indices and the mask token (as `vocabulary_size()`); one learned by adapt(): unknown."""
    if attrs.get("pad_to_max_tokens") and attrs.get("max_tokens") is not None:
        return attrs["max_tokens"]
    vocabulary = attrs.get("vocabulary")
    if isinstance(vocabulary, (list, tuple)):
        mask = 1 if attrs.get("mask_token") is not None and attrs.get("output_mode") == "int" else 0
        return len(vocabulary) + int(attrs.get("num_oov_indices", 1) or 0) + mask
    return None


class IndexLookup(Kind):
    """StringLookup / IntegerLookup: maps each token to its index in a vocabulary. No weights."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:StringLookup": {}, "keras:IntegerLookup": {}}

    def output_shape(self, inputs: list[Shape]) -> Shape:
        mode = str(self.attrs.get("output_mode", "int"))
        return encoded(tuple(inputs[0]), mode, vocabulary_depth(self.attrs))


class TextVectorization(Kind):
    """TextVectorization: splits strings into tokens and looks them up. No weights.

    "int" output: (batch, output_sequence_length); the other modes: (batch, vocabulary size).
    """

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:TextVectorization": {}}

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = tuple(inputs[0])
        mode = str(self.attrs.get("output_mode", "int"))
        if mode == "int":
            return (shape[0] if shape else None, self.attrs.get("output_sequence_length"))
        if self.attrs.get("split", "whitespace") is None:
            shape = shape + (1,) if len(shape) <= 1 else shape
        else:
            shape = shape + (None,)
        return encoded(shape, mode, vocabulary_depth({**self.attrs, "num_oov_indices": 1, "mask_token": ""}))


class Hashing(Kind):
    """Hashing: each value to one of num_bins bins. No weights."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Hashing": {}}

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = tuple(inputs[0])
        if self.attrs.get("output_mode", "int") == "int":
            return shape
        return shape[:-1] + (self.attrs.get("num_bins"),)


class HashedCrossing(Kind):
    """HashedCrossing: the hash of two features crossed, into num_bins bins. No weights."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:HashedCrossing": {}}
    n_inputs = (2, 2)
    takes_list = True

    def check(self, inputs: list[Shape]) -> None:
        if inputs[0][-1:] != inputs[1][-1:]:
            raise KindError(f"expects two inputs of the same shape; got {inputs[0]} and {inputs[1]}")

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = tuple(inputs[0])
        mode = self.attrs.get("output_mode", "int")
        if mode == "int":
            return shape
        if mode == "one_hot" and shape[-1:] != (1,):
            return shape + (self.attrs.get("num_bins"),)
        return shape[:-1] + (self.attrs.get("num_bins"),)


class CategoryEncoding(Kind):
    """CategoryEncoding: integer categories to one-hot, multi-hot or count vectors of num_tokens. No weights."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:CategoryEncoding": {}}

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape, n = tuple(inputs[0]), self.attrs.get("num_tokens")
        if not shape:
            return (n,)
        if self.attrs.get("output_mode", "multi_hot") == "one_hot" and (shape[-1] != 1 or len(shape) == 1):
            return shape + (n,)
        return shape[:-1] + (n,)


class Discretization(Kind):
    """Discretization: each value to the index of its bin. No weights (the boundaries are not parameters)."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {"keras:Discretization": {}}

    def output_shape(self, inputs: list[Shape]) -> Shape:
        shape = tuple(inputs[0])
        mode = self.attrs.get("output_mode", "int")
        if mode == "int":
            return shape
        boundaries = self.attrs.get("bin_boundaries")
        depth = len(boundaries) + 1 if isinstance(boundaries, (list, tuple)) else self.attrs.get("num_bins")
        if mode == "one_hot":
            return shape[:-1] + (depth,) if shape and shape[-1] == 1 and len(shape) > 1 else shape + (depth,)
        if len(shape) >= 2:
            return (shape[0], *shape[2:], depth)
        return (depth,)
