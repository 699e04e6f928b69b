"""Keys that are equal only for layers that compute the same thing: a kind's class, spelling and attributes
and its input shapes, as plain data. infer shares a row's weights and formula between layers with equal keys,
and rows.py one call's products (the blocks of a deep model are worked out once)."""

from __future__ import annotations

from ..formula import is_symbolic
from ..ir import Shape
from ..kinds.values import PLAIN_TYPES

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


class KeyMemo:
    """What kind_key remembers for one walk. `kinds`: each kind's parts by kind object (the kind is kept with them,
    so that its id is not reused; a kind's attributes do not change once it is made). `numbers`: one number for each
    distinct key, given in the order the keys are first seen. With a memo, kind_key gives that number instead of the
    key itself: the walk's dicts then hash and compare an int, where a key is a nested tuple that Python hashes anew
    and compares item by item at every lookup (about 14 K instructions a Dense layer, four lookups)."""

    __slots__ = ("kinds", "numbers")

    def __init__(self) -> None:
        self.kinds: dict[int, tuple[Any, ...]] = {}
        self.numbers: dict[Any, int] = {}


def kind_key(kind: Any, ins: list[Shape] | None, memo: KeyMemo | None = None) -> Any:
    """(class, framework, spelling, attributes, input shapes), each value with its type (True, 1 and 1.0 are
    equal in Python, not to a kind); None when the kind holds state besides its spelling and attributes
    (Untracked holds the kind it wraps), or anything in them is not plain data, or the key is not hashable.
    With a `memo` (one walk asks more than once for one kind): the key's number in that memo, equal for equal keys."""
    if vars(kind).keys() != _KIND_STATE:
        return None
    found = memo.kinds.get(id(kind)) if memo is not None else None
    if found is not None:
        attrs = found[1]
        if len(found) == 4:  # the same shapes again (infer, then the MACs): the number given then
            kept = found[2]
            if kept is not None and ins is not None and len(kept) == len(ins) == 1:  # one input: no loop
                if kept[0] is ins[0]:
                    return found[3]
            elif _same_objects(kept, ins):
                return found[3]
    else:
        attrs = _plain_attrs(kind.attrs)
    shapes = None if ins is None or attrs is _NOT_PLAIN else _plain_shapes(ins)
    key = None if attrs is _NOT_PLAIN or shapes is _NOT_PLAIN else (type(kind), kind.framework, kind.type_name, attrs, shapes)
    number = 0
    if key is not None:
        try:
            number = hash(key) if memo is None else memo.numbers.setdefault(key, len(memo.numbers))  # one hash
        except TypeError:  # not hashable
            key = None
    if memo is None or key is None:
        if memo is not None:
            memo.kinds[id(kind)] = (kind, attrs)
        return key
    memo.kinds[id(kind)] = (kind, attrs, None if ins is None else tuple(ins), number)  # the shapes kept: ids stay theirs
    return number


def _same_objects(kept: tuple[Any, ...] | None, ins: list[Shape] | None) -> bool:
    """The very shape objects a key was made of (identity, not ==: 16 and 16.0 are equal and not the same key)."""
    if kept is None or ins is None:
        return kept is None and ins is None
    return len(kept) == len(ins) and all(a is b for a, b in zip(kept, ins))


def _plain_shapes(ins: list[Shape]) -> Any:
    """`_plain(ins)` with the usual input, one shape of sizes and open axes, keyed without a loop or a call."""
    if type(ins) is list and len(ins) == 1 and type(ins[0]) is tuple and len(ins[0]) <= 64:
        shape = ins[0]
        types = tuple(map(type, shape))
        if _SCALARS.issuperset(types):
            return (list, ((tuple, int, shape),)) if types.count(int) == len(types) else (list, ((tuple, types, shape),))
    return _plain(ins)


def _plain_attrs(attrs: dict[str, Any]) -> Any:
    """`_plain(attrs)` with the usual attributes (scalars, shapes) handled inline: one call per layer."""
    if type(attrs) is not dict or len(attrs) > 64:
        return _plain(attrs)
    values = tuple(attrs.values())
    types = tuple(map(type, values))
    if _SCALARS.issuperset(types):  # the usual layer (Dense(16): 13 scalars), keyed without a loop
        return (dict, tuple(attrs), types, values)
    frozen: list[Any] = []
    for value in attrs.values():
        kind = type(value)
        if kind in _SCALARS:
            frozen.append((kind, value))
        elif kind is tuple and len(value) <= 64 and set(map(type, value)) <= _INT:
            frozen.append((tuple, int, value))
        else:
            item = _plain(value, 3)
            if item is _NOT_PLAIN:
                return _NOT_PLAIN
            frozen.append(item)
    return (dict, tuple(zip(attrs, frozen)))


_KIND_STATE = frozenset({"framework", "type_name", "attrs"})  # a kind that holds nothing else
_NOT_PLAIN = object()
_SCALARS = PLAIN_TYPES  # None, bool, int, float, str: kinds/values.py's plain values


def _plain(value: Any, depth: int = 4) -> Any:
    """`value` as a hashable key, with each scalar's type, when it is plain data (numbers, strings, sizes,
    and small tuples, lists and dicts of them); `_NOT_PLAIN` for anything else (objects, kinds, graphs).
    Called for every layer of a walk: the common cases (scalars, shapes) take no recursion."""
    kind = type(value)
    if kind in _SCALARS:
        return (kind, value)
    if kind is tuple or kind is list or kind is dict:
        return _plain_container(kind, value, depth)
    if is_symbolic(value):
        return (kind, value)
    if isinstance(value, (tuple, list, dict)):
        return _plain_container(kind, value, depth)
    return _NOT_PLAIN


_INT = {int}


def _plain_container(kind: type, value: Any, depth: int) -> Any:
    if depth == 0 or len(value) > 64:
        return _NOT_PLAIN
    is_dict = isinstance(value, dict)
    if not is_dict:
        types = set(map(type, value))
        if types <= _INT:  # a shape (or nothing)
            return (kind, int, tuple(value))
        if types <= _SCALARS:  # scalars: their types, then their values
            return (kind, tuple(map(type, value)), tuple(value))
    frozen: list[Any] = []
    for item in value.values() if is_dict else value:
        item_type = type(item)
        if item_type in _SCALARS:
            frozen.append((item_type, item))
            continue
        if item_type is tuple and len(item) <= 64:
            axes = set(map(type, item))
            if axes <= _INT:
                frozen.append((tuple, int, item))
                continue
            if depth > 1 and axes <= _SCALARS:  # a shape with an open axis, (None, 16): as _plain makes it
                frozen.append((tuple, tuple(map(type, item)), item))
                continue
        item = _plain(item, depth - 1)
        if item is _NOT_PLAIN:
            return _NOT_PLAIN
        frozen.append(item)
    return (dict, tuple(zip(value, frozen))) if is_dict else (kind, tuple(frozen))
