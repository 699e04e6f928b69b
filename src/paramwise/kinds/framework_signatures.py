"""The constructor signatures of torch.nn's modules and keras.layers' classes, read from data.

`signatures/torch.json` and `signatures/keras.json` are written by `scripts/signatures.py` from the
installed frameworks (`inspect.signature`) and committed; a test holds them equal to what the pinned
frameworks give. They say, for every class a framework exports, its parameters in positional order,
which are keyword-only, the defaults that are plain literals, and whether it takes `*args`/`**kwargs`:
enough to bind a call's arguments as the framework does and to name the real arguments when one is not
(`nn.Linear(4, 2, bais=False)`), without importing either framework.
"""

from __future__ import annotations

import json
import os
from functools import cache, cached_property

from ..frozen import frozen

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

FRAMEWORKS = ("torch", "keras")


@frozen
class Parameter:
    """One constructor argument of a framework class, as the framework declares it."""

    name: str
    kind: str  # "positional_only", "positional" (by position or keyword) or "keyword" (keyword-only)
    required: bool
    default: Any  # a literal (tuples for sequences), or None where the default is not one (see default_text)
    default_text: str | None = None  # `torch.nn.functional.relu`: a default that is not a literal, said


@frozen
class FrameworkSignature:
    """A framework class's constructor: its arguments, in order, and what **kwargs takes."""

    framework: str
    name: str  # as the framework exports it (keras's MaxPool2D, an alias of MaxPooling2D)
    class_path: str  # where the class is defined: keras.src.layers.pooling.max_pooling2d.MaxPooling2D
    parameters: tuple[Parameter, ...]
    var_positional: bool  # takes *args
    var_keyword: bool  # takes **kwargs
    # for **kwargs: the keywords the constructors up the class chain take or read from it (Keras's Layer:
    # name=, trainable=, input_shape= ...), and whether any other keyword is an error (Keras) or not (nn.Identity)
    kwargs_keywords: tuple[str, ...] = ()
    kwargs_checked: bool = False

    @cached_property  # asked on every constructor call (a 10,000-layer model asks 10,000 times)
    def names(self) -> tuple[str, ...]:
        """Every argument it takes by name, positional ones first."""
        return tuple(p.name for p in self.parameters if p.kind != "positional_only")

    @cached_property
    def positional(self) -> tuple[str, ...]:
        """The arguments it takes by position, in order."""
        return tuple(p.name for p in self.parameters if p.kind != "keyword")

    def takes(self, keyword: str) -> bool:
        """Whether the framework accepts `keyword` (by name, or through **kwargs)."""
        if keyword in self.names:
            return True
        return self.var_keyword and (not self.kwargs_checked or keyword in self.kwargs_keywords)

    def suggest(self, keyword: str) -> str:
        """The real argument a misspelled `keyword` most likely meant ('' when none is close)."""
        lowered = {n.lower(): n for n in self.names}
        if keyword.lower() in lowered:
            return lowered[keyword.lower()]
        import difflib  # only when a keyword is wrong

        close = difflib.get_close_matches(keyword, self.names, n=1, cutoff=0.75)
        return close[0] if close else ""


def _parameter(entry: dict[str, Any]) -> Parameter:
    default = entry.get("default")
    return Parameter(
        name=entry["name"],
        kind=entry["kind"],
        required=bool(entry.get("required", False)),
        default=_frozen(default),
        default_text=entry.get("default_text"),
    )


def _frozen(value: Any) -> Any:
    """JSON lists back to the tuples the frameworks write their sequence defaults as."""
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value


@cache
def _text(framework: str) -> str:
    if framework not in FRAMEWORKS:
        raise ValueError(f"no signatures for framework {framework!r}; known: {', '.join(FRAMEWORKS)}")
    # beside this module (importlib.resources would cost start-up time: the package is installed as files)
    with open(os.path.join(os.path.dirname(__file__), "signatures", f"{framework}.json"), encoding="utf-8") as f:
        return f.read()


@cache
def _data(framework: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_text(framework))
    return data


def _entry(framework: str, name: str) -> dict[str, Any] | None:
    """One class's entry, parsed alone: scripts/signatures.py writes each class as a block that opens with its
    quoted name at two spaces' indent and closes with `}` at the same indent (json.dumps(indent=1) under "classes"),
    so a reading that asks for a few classes does not parse (and keep) the data of hundreds."""
    text = _text(framework)
    start = text.find(f"\n  {json.dumps(name)}: {{\n")
    if start < 0:
        return None
    end = text.find("\n  }", start + 1)
    entry: dict[str, Any] = json.loads(text[text.index("{", start + 1) : end + 4])
    return entry


def load(framework: str) -> dict[str, FrameworkSignature]:
    """Every class of `framework` ("torch" or "keras") by its exported name."""
    return {name: signature for name in _data(framework)["classes"] if (signature := lookup(framework, name))}


@cache
def lookup(framework: str, name: str) -> FrameworkSignature | None:
    """The signature of `nn.<name>` / `keras.layers.<name>`, or None for a class the framework does not export.
    Made when first asked for (a reading asks for a few of the hundreds of classes)."""
    if framework not in FRAMEWORKS:
        return None
    entry = _entry(framework, name)
    if entry is None:
        return None
    return FrameworkSignature(
        framework=framework,
        name=name,
        class_path=entry["class"],
        parameters=tuple(_parameter(p) for p in entry["parameters"]),
        var_positional=bool(entry["var_positional"]),
        var_keyword=bool(entry["var_keyword"]),
        kwargs_keywords=tuple(entry.get("kwargs_keywords", ())),
        kwargs_checked=bool(entry.get("kwargs_checked", False)),
    )


def version(framework: str) -> str:
    """The framework release the data was generated from (`2.13.0`)."""
    return str(_data(framework)["version"])
