"""infer/keys.py: layers share a row's parts and a call's products only when their keys are equal, and keys are
equal only for kinds that compute the same thing."""

from __future__ import annotations

from paramwise import kinds
from paramwise.infer.keys import kind_key
from paramwise.kinds.rows import Untracked


def made(framework: str, name: str, *args: object, **kwargs: object) -> kinds.Kind:
    return kinds.make(framework, name, list(args), dict(kwargs))[0]


def test_equal_kinds_on_equal_shapes_have_equal_keys() -> None:
    a, b = made("torch", "Linear", 8, 4), made("torch", "Linear", 8, 4)
    assert kind_key(a, [(None, 8)]) == kind_key(b, [(None, 8)]) is not None
    assert kind_key(a, [(None, 8)]) != kind_key(b, [(None, 9)])
    assert kind_key(a, [(None, 8)]) != kind_key(made("torch", "Linear", 8, 5), [(None, 8)])


def test_values_python_calls_equal_but_a_kind_may_not_differ() -> None:
    """1, True and 1.0 are equal (and hash alike) in Python; in a key each carries its type."""
    keys = {kind_key(made("torch", "Linear", 8, 4, bias=value), [(None, 8)]) for value in (True, 1, 1.0)}
    assert len(keys) == 3


def test_a_kind_with_state_besides_its_attributes_has_no_key() -> None:
    assert kind_key(Untracked(made("torch", "Linear", 8, 4)), [(None, 8)]) is None
    odd = made("torch", "Linear", 8, 4)
    odd.attrs["note"] = object()  # not plain data
    assert kind_key(odd, [(None, 8)]) is None
