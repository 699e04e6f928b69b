"""`itertools` as model code uses it (LeViT's attention offsets over `product(range(r), range(r))`, `chain`
of layer lists, `combinations` of scales), made whole as lists like `zip` and `enumerate` are here. The size of
what each would make is worked out first and refused over the limits before anything is made; an iterable
paramwise does not read makes an unknown result (never an empty one); the endless ones (count, cycle, repeat
without times) are unknown too."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

from .values import Context, HostValue, Opaque

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

FINITE = ("product", "chain", "combinations", "combinations_with_replacement", "permutations", "repeat", "accumulate",
          "islice", "zip_longest", "starmap", "pairwise", "compress", "takewhile", "dropwhile", "filterfalse", "batched")
ENDLESS = ("count", "cycle")


class ItertoolsFunction(HostValue):
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<function itertools.{self.name}>"

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if self.name == "chain" and name == "from_iterable":
            return ChainFromIterable()
        return Opaque(f"itertools.{self.name}.{name}")

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        if self.name in ENDLESS or self.name == "repeat" and len(args) < 2 and "times" not in kwargs:
            return Opaque(f"itertools.{self.name}(...)")  # endless: what a loop over it does is not read
        interp, node = ctx.interp, ctx.node
        if node is None:
            return Opaque(f"itertools.{self.name}(...)")
        if self.name == "repeat":
            times = args[1] if len(args) > 1 else kwargs["times"]
            if not isinstance(times, int):
                return Opaque("itertools.repeat(...)")
            interp.check_size(max(times, 0), node)
            return [args[0]] * max(times, 0)
        held = [a for a in [*args, *kwargs.values()] if isinstance(a, Opaque)]
        if held:
            return Opaque(f"itertools.{self.name}({held[0].what})")
        function: Any = None
        if self.name in ("starmap", "takewhile", "dropwhile", "filterfalse"):
            function, args = args[0], args[1:]
        elif self.name == "accumulate" and (len(args) > 1 or kwargs.get("func") is not None):
            function = args[1] if len(args) > 1 else kwargs["func"]
            args, kwargs = args[:1], {k: v for k, v in kwargs.items() if k != "func"}
        iterable_args = args if self.name not in ("combinations", "combinations_with_replacement", "permutations",
                                                  "islice", "batched") else args[:1]
        lists = [interp.items(a, node) for a in iterable_args]
        rest = args[len(iterable_args):]
        interp.check_size(self.size(lists, rest, kwargs), node)
        call: Callable[..., Any] | None = None
        if function is not None:
            def call(*values: Any) -> Any:
                return ctx.call(function, list(values))
        made = self.make(lists, rest, kwargs, call)
        interp.tick(node, len(made) // 16)
        return interp.check(made, node)

    def size(self, lists: list[list[Any]], rest: list[Any], kwargs: dict[str, Any]) -> int:
        """How many items the result would have (an upper bound where it filters)."""
        n = [len(x) for x in lists]
        r = rest[0] if rest and isinstance(rest[0], int) else kwargs.get("r")
        if self.name == "product":
            repeat = kwargs.get("repeat", 1)
            return math.prod(n) ** repeat if isinstance(repeat, int) and repeat >= 0 else 0
        if self.name == "chain":
            return sum(n)
        if self.name == "combinations":
            return math.comb(n[0], r) if isinstance(r, int) and r >= 0 else 0
        if self.name == "combinations_with_replacement":
            return math.comb(n[0] + r - 1, r) if isinstance(r, int) and r >= 0 and n[0] else 0
        if self.name == "permutations":
            r = n[0] if r is None else r
            return math.perm(n[0], r) if isinstance(r, int) and r >= 0 else 0
        return max(n, default=0)  # zip_longest, accumulate, islice, starmap, pairwise, the filters: at most this

    def make(self, lists: list[list[Any]], rest: list[Any], kwargs: dict[str, Any], call: Callable[..., Any] | None) -> list[Any]:
        if self.name == "starmap" and call is not None:
            return [call(*x) for x in lists[0]]
        if self.name in ("takewhile", "dropwhile", "filterfalse") and call is not None:
            return list(getattr(itertools, self.name)(call, lists[0]))
        if self.name == "accumulate" and call is not None:
            return list(itertools.accumulate(lists[0], call, **kwargs))
        made: list[Any] = list(getattr(itertools, self.name)(*lists, *rest, **kwargs))
        return made


class ChainFromIterable(HostValue):
    def __repr__(self) -> str:
        return "<function itertools.chain.from_iterable>"

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        if not args or isinstance(args[0], Opaque) or ctx.node is None:
            return Opaque("itertools.chain.from_iterable(...)")
        return ItertoolsFunction("chain").py_call(ctx.interp.items(args[0], ctx.node), {}, ctx)


def resolve(name: str) -> Any:
    return ItertoolsFunction(name) if name in FINITE or name in ENDLESS else None
