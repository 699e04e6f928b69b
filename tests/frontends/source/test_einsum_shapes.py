"""torch.einsum equations against torch itself: for random valid equations (one to three operands, `...` in some of
them broadcast as torch broadcasts it, with or without `->`, with spaces), the shape the reader works out is the
shape torch gives. An equation with `...` was not followed (Nystromformer's `einsum('... i d, ... j d -> ... i j', q, k)`)."""

from __future__ import annotations

import random

import pytest

torch = pytest.importorskip("torch")

from paramwise.frontends.source.torch import tensors  # noqa: E402
from paramwise.frontends.source.torch.traced import TTensor  # noqa: E402


def _case(rng: random.Random) -> tuple[str, list[tuple[int, ...]]]:
    sizes = {c: rng.choice([1, 2, 3]) for c in "abcde"}
    dots = tuple(rng.choice([1, 2, 3]) for _ in range(rng.randint(0, 2)))
    terms, shapes = [], []
    for _ in range(rng.randint(1, 3)):
        term = "".join(rng.sample("abcde", rng.randint(0, 3)))
        shape = [sizes[c] for c in term]
        if rng.random() < 0.5:
            at = rng.randint(0, len(term))
            mine = tuple(1 if rng.random() < 0.2 else d for d in dots[len(dots) - rng.randint(0, len(dots)):])
            shape = shape[:at] + list(mine) + shape[at:]
            term = term[:at] + "..." + term[at:]
        terms.append(term)
        shapes.append(tuple(shape))
    equation = ",".join(terms)
    if rng.random() < 0.7:
        used = sorted({c for t in terms for c in t if c != "."})
        out = "".join(rng.sample(used, rng.randint(0, len(used))))
        if "..." in equation and rng.random() < 0.8:
            at = rng.randint(0, len(out))
            out = out[:at] + "..." + out[at:]
        equation += "->" + out
    if rng.random() < 0.3:
        equation = equation.replace(",", ", ").replace("->", " -> ")
    return equation, shapes


def test_einsum_shapes_are_torch_shapes() -> None:
    rng = random.Random(2026)
    checked = 0
    for _ in range(1500):
        equation, shapes = _case(rng)
        try:
            expected = tuple(torch.einsum(equation, *[torch.zeros(s) for s in shapes]).shape)
        except RuntimeError:
            continue  # torch refuses it
        got = tensors.einsum(equation, [TTensor(s) for s in shapes])
        assert got == expected, (equation, shapes)
        checked += 1
    assert checked > 500
