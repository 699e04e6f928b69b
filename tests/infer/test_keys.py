"""infer/keys.py: layers share a row's parts and a call's products only when their keys are equal, and keys are
equal only for kinds that compute the same thing."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from paramwise import kinds
from paramwise.infer import keys
from paramwise.infer.keys import kind_key
from paramwise.kinds.rows import Untracked


def made(framework: str, name: str, *args: object, **kwargs: object) -> kinds.Kind:
    return kinds.make(framework, name, list(args), dict(kwargs))[0]


def test_equal_kinds_on_equal_shapes_have_equal_keys() -> None:
    a, b = made("torch", "Linear", 8, 4), made("torch", "Linear", 8, 4)
    assert kind_key(a, [(None, 8)]) == kind_key(b, [(None, 8)]) is not None
    assert kind_key(a, [(None, 8)]) != kind_key(b, [(None, 9)])
    assert kind_key(a, [(None, 8)]) != kind_key(made("torch", "Linear", 8, 5), [(None, 8)])


def test_a_memo_gives_one_number_per_distinct_key() -> None:
    """With a walk's memo a key is a number: equal for kinds whose keys are equal, asked once or again, and
    different where the keys differ, as the keys themselves are."""
    memo = keys.KeyMemo()
    a, b, c = made("torch", "Linear", 8, 4), made("torch", "Linear", 8, 4), made("torch", "Linear", 8, 5)
    shape, other = [(None, 8)], [(None, 9)]
    numbers = [kind_key(a, shape, memo), kind_key(b, shape, memo), kind_key(a, shape, memo), kind_key(c, shape, memo),
               kind_key(a, other, memo), kind_key(b, other, memo)]
    plain = [kind_key(a, shape), kind_key(b, shape), kind_key(a, shape), kind_key(c, shape), kind_key(a, other),
             kind_key(b, other)]
    assert all(type(n) is int for n in numbers)
    assert [[m == n for n in numbers] for m in numbers] == [[p == q for q in plain] for p in plain]
    assert sorted(set(numbers)) == [0, 1, 2]
    odd = made("torch", "Linear", 8, 4)
    odd.attrs["note"] = object()
    assert kind_key(odd, shape, memo) is None


def test_a_kind_asked_again_gets_its_number_only_for_the_very_same_shapes() -> None:
    """The memo answers a kind asked again from what it kept only when the shapes are the same objects: an equal
    shape of other types (16.0 for 16) is keyed anew, and gets the number its own key has, with one input or two."""
    memo = keys.KeyMemo()
    a = made("torch", "Linear", 16, 4)
    shape = (None, 16)
    first = kind_key(a, [shape], memo)
    assert kind_key(a, [shape], memo) == first
    assert kind_key(a, [(None, 16.0)], memo) != first
    assert kind_key(a, [(None, 16)], memo) == first  # equal and of the same types: the same key
    b = made("torch", "Linear", 16, 4)
    two = kind_key(b, [shape, shape], memo)
    assert kind_key(b, [shape, shape], memo) == two != first
    assert kind_key(b, [shape, (None, 16.0)], memo) not in (first, two)


def test_values_python_calls_equal_but_a_kind_may_not_differ() -> None:
    """1, True and 1.0 are equal (and hash alike) in Python; in a key each carries its type."""
    keys = {kind_key(made("torch", "Linear", 8, 4, bias=value), [(None, 8)]) for value in (True, 1, 1.0)}
    assert len(keys) == 3


def test_a_kind_with_state_besides_its_attributes_has_no_key() -> None:
    assert kind_key(Untracked(made("torch", "Linear", 8, 4)), [(None, 8)]) is None
    odd = made("torch", "Linear", 8, 4)
    odd.attrs["note"] = object()  # not plain data
    assert kind_key(odd, [(None, 8)]) is None


# -- the key of plain data: the fast paths give what the general rule gives -----------------------------------
def reference(value: Any, depth: int = 4) -> Any:
    """The general rule, one item at a time: each scalar with its type, a tuple or list of ints as a shape, of
    scalars as their types and values, anything else item by item (4 levels and 64 items at most)."""
    kind = type(value)
    if kind in keys._SCALARS:
        return (kind, value)
    if not isinstance(value, (tuple, list, dict)):
        return keys._NOT_PLAIN
    if depth == 0 or len(value) > 64:
        return keys._NOT_PLAIN
    if not isinstance(value, dict):
        types = set(map(type, value))
        if types <= {int}:
            return (kind, int, tuple(value))
        if types <= set(keys._SCALARS):
            return (kind, tuple(map(type, value)), tuple(value))
    items = []
    for item in value.values() if isinstance(value, dict) else value:
        if type(item) is tuple and len(item) <= 64 and set(map(type, item)) <= {int}:
            items.append((tuple, int, item))  # a shape of sizes: as a shape at any depth
            continue
        made = reference(item, depth - 1)
        if made is keys._NOT_PLAIN:
            return keys._NOT_PLAIN
        items.append(made)
    return (dict, tuple(zip(value, items))) if isinstance(value, dict) else (kind, tuple(items))


SCALAR = st.none() | st.booleans() | st.integers(-3, 300) | st.floats(allow_nan=False) | st.text(max_size=3)
AXIS = st.none() | st.integers(0, 512)
PLAIN = st.recursive(
    SCALAR | st.tuples(AXIS, AXIS) | st.tuples(AXIS, AXIS, AXIS),
    lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple)
    | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)


@given(PLAIN)
def test_plain_data_is_keyed_as_the_general_rule_keys_it(value: Any) -> None:
    assert keys._plain(value) == reference(value)
    assert keys._plain([value]) == reference([value])  # a call's input shapes are a list of shapes


@given(PLAIN)
def test_input_shapes_are_keyed_as_the_general_rule_keys_them(value: Any) -> None:
    """kind_key's fast path for the usual input (one shape) gives what the general rule gives, for any value."""
    assert keys._plain_shapes([value]) == reference([value])
    assert keys._plain_shapes([value, value]) == reference([value, value])
