"""einops patterns against einops itself: for any valid `rearrange` pattern (axes grouped and reordered, an
ellipsis bare or grouped as `(...)`, anonymous `1` and `()` axes, sizes given or not), the shape paramwise works out
is the shape einops gives. `(...)` was read as `...` itself: (3, 3, 2, 1, 2) where einops gives (9, 2, 1, 2)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paramwise.frontends.source.torch.einops import PatternError, output_shape

einops = pytest.importorskip("einops")
np = pytest.importorskip("numpy")


def _render(group: list[str], bracket: bool) -> str:
    return group[0] if len(group) == 1 and not bracket else "(" + " ".join(group) + ")"


@st.composite
def patterns(draw: st.DrawFn) -> tuple[str, tuple[int, ...], dict[str, int]]:
    names = draw(st.permutations(["a", "b", "c", "d"]))[: draw(st.integers(1, 4))]
    sizes = {n: draw(st.integers(1, 4)) for n in names}
    cuts = sorted(draw(st.sets(st.integers(1, max(len(names) - 1, 1)), max_size=len(names) - 1)))
    left = [names[i:j] for i, j in zip([0, *cuts], [*cuts, len(names)]) if names[i:j]]
    ellipsis = draw(st.lists(st.integers(2, 3), max_size=2)) if draw(st.booleans()) else None
    at = draw(st.integers(0, len(left)))
    tokens, shape = [], []
    for i, group in enumerate([*left, None]):
        if ellipsis is not None and i == at:
            tokens.append("...")
            shape.extend(ellipsis)
        if group is not None:
            tokens.append(_render(group, False))
            shape.append(math.prod(sizes[n] for n in group))
    items = [[n] for n in draw(st.permutations(names))]
    if ellipsis is not None:
        items.insert(draw(st.integers(0, len(items))), ["..."])
    right: list[list[str]] = []
    while items:
        k = draw(st.integers(1, len(items)))
        right.append(sum(items[:k], []))
        items = items[k:]
    if draw(st.booleans()):
        right.insert(draw(st.integers(0, len(right))), draw(st.sampled_from([["1"], []])))
    out = " ".join(_render(g, draw(st.booleans())) if g else "()" for g in right)
    given_sizes = {n: sizes[n] for n in names if draw(st.booleans())}
    return f"{' '.join(tokens)} -> {out}", tuple(shape), given_sizes


@given(patterns())
def test_rearrange_shapes_are_einops_shapes(case: tuple[str, tuple[int, ...], dict[str, int]]) -> None:
    pattern, shape, sizes = case
    try:
        expected = einops.rearrange(np.zeros(shape), pattern, **sizes).shape
    except einops.EinopsError:
        with pytest.raises(PatternError):  # einops refuses it (a size it cannot infer): never a guessed shape
            output_shape(pattern, shape, dict(sizes), "rearrange")
        return
    assert output_shape(pattern, shape, dict(sizes), "rearrange") == tuple(expected), pattern
