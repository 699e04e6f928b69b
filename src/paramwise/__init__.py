"""paramwise: count, explain and check the parameters of neural networks, layer by layer."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import Diagnostic, InputError, Location, ParamwiseError  # noqa: E402
from .frontends import ReadOptions, read_path  # noqa: E402
from .frozen import fields  # noqa: E402
from .infer import infer  # noqa: E402
from .ir import Graph, Layer, Weight  # noqa: E402
from .report import Report, Row  # noqa: E402

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "Diagnostic", "Graph", "InputError", "Layer", "Location", "ParamwiseError", "ReadOptions", "Report", "Row",
    "Weight", "infer", "read", "summary", "__version__",
]


VIEW_OPTIONS = ("depth", "expand", "explain")  # how the report shows itself (str, notebooks), not how it is read
LIVE_OPTIONS = {
    "torch": ("input_size", "input_data", "input_dtype", "dtypes"),
    "keras": tuple(f.name for f in fields(ReadOptions) if f.name not in ("paths", "as_module")),
}


def read(path: str, *, model: str | None = None, bindings: dict[str, Any] | None = None, depth: int | None = None,
         expand: bool = False, explain: bool = False, **options: Any) -> Report:
    """Read a model file (source, saved model or checkpoint) and return its Report. Nothing is executed.

    `depth` (nested rows shown, as `paramwise FILE --depth N`), `expand` (every row) and `explain` (the formula
    in letters and the why of each layer) choose what `print(report)` and a notebook show."""
    names = [f.name for f in fields(ReadOptions)]
    unknown = sorted(set(options) - set(names))
    if unknown:
        live = [k for k in unknown if k in LIVE_OPTIONS["torch"]]
        raise InputError(
            f"reading a file takes no option {', '.join(unknown)}{did_you_mean(unknown, [*names, *VIEW_OPTIONS])}",
            hint="a file's input shape is given as input_shape=(1, 3, 224, 224)" if live else
            f"its options are {', '.join(['model', 'bindings', *(n for n in names[2:] if n != 'as_module'), *VIEW_OPTIONS])}",
        )
    found, chosen = read_path(path, ReadOptions(model=model, bindings=bindings or {}, **options))
    return shown(infer(found[chosen].require()), depth, expand, explain)


def did_you_mean(unknown: list[str], known: list[str]) -> str:
    import difflib

    close = [m for u in unknown for m in difflib.get_close_matches(u, known, n=1, cutoff=0.75)]
    return f" (did you mean {', '.join(close)}?)" if close else ""


def shown(report: Report, depth: int | None, expand: bool, explain: bool) -> Report:
    """The report as the command shows it: with its pitfalls among the warnings, its cost (MACs, FLOPs), and the
    rows to show (`depth`, `expand`) and `explain` kept for its display (`print`, `_repr_html_`)."""
    from .cost import Settings, with_cost
    from .frozen import replace
    from .teach.pitfalls import with_pitfalls

    if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int) or depth < 0):
        raise InputError(f"depth is a whole number of 0 or more; got {depth!r:.40}", hint="depth=0 shows the top level only")
    view = {"depth": None if expand else depth if depth is not None else report.meta.get("depth", 0), "explain": bool(explain)}
    report = with_cost(with_pitfalls(report), Settings())
    return replace(report, meta={**report.meta, "view": view})


def summary(obj: Any, *, depth: int | None = None, expand: bool = False, explain: bool = False, **options: Any) -> Report:
    """The Report of a live model (a built keras.Model or a torch nn.Module) or of a file path.

    The model is never changed: no build, no hooks left behind, nothing moved between devices. `depth`,
    `expand` and `explain` choose what `print(report)` and a notebook show (as the command's options do)."""
    import importlib
    import os

    if isinstance(obj, (str, os.PathLike)):
        return read(os.fspath(obj), depth=depth, expand=expand, explain=explain, **options)
    module = type(obj).__module__.split(".")[0]
    for base in type(obj).__mro__:
        root = base.__module__.split(".")[0]
        if root in ("torch", "keras", "tf_keras", "tensorflow"):
            module = root
            break
    frontend = {"torch": "live.torch", "keras": "live.keras", "tf_keras": "live.keras", "tensorflow": "live.keras"}.get(module)
    if isinstance(obj, type):
        raise InputError(f"summary() got the class {obj.__name__}, not a model",
                         hint=f"create (and build) the model first: paramwise.summary({obj.__name__}(...))")
    if frontend is None:
        raise InputError(
            f"summary() takes a keras.Model, a torch.nn.Module or a file path; got {type(obj).__name__}",
            hint="a state_dict is not a model: pass the module, or save the state_dict and pass the file's path"
            if isinstance(obj, dict) else "pass the model object itself",
        )
    framework = "torch" if module == "torch" else "keras"
    known = LIVE_OPTIONS[framework]
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise InputError(
            f"summary() of a {'torch module' if framework == 'torch' else 'Keras model'} takes no option "
            f"{', '.join(unknown)}{did_you_mean(unknown, [*known, *VIEW_OPTIONS])}",
            hint="it takes input_size=(1, 3, 224, 224) (or a list of shapes), input_data=(tensors ...) and "
                 "input_dtype=torch.long (or dtypes=[...], one per input); depth=, expand= and explain= choose what "
                 "it shows" if framework == "torch" else f"its options are {', '.join([*known, *VIEW_OPTIONS])}",
        )
    reader = importlib.import_module(f".frontends.{frontend}", __name__)
    report: Report = reader.summarize(obj, **options)
    return shown(report, depth, expand, explain)
