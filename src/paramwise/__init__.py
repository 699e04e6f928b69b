"""paramwise: count, explain and check the parameters of neural networks, layer by layer."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from .errors import Diagnostic, InputError, Location, ParamwiseError  # noqa: E402
from .frontends import ReadOptions, read_path  # noqa: E402
from .infer import infer  # noqa: E402
from .ir import Graph, Layer, Weight  # noqa: E402
from .report import Report, Row  # noqa: E402

__all__ = [
    "Diagnostic", "Graph", "InputError", "Layer", "Location", "ParamwiseError", "ReadOptions", "Report", "Row",
    "Weight", "infer", "read", "summary", "__version__",
]


def read(path: str, *, model: str | None = None, bindings: dict[str, Any] | None = None, **options: Any) -> Report:
    """Read a model file (source, saved model or checkpoint) and return its Report. Nothing is executed."""
    from dataclasses import fields

    unknown = sorted(set(options) - {f.name for f in fields(ReadOptions)})
    if unknown:
        live = [k for k in unknown if k in ("input_size", "input_data", "input_dtype", "dtypes")]
        raise InputError(
            f"reading a file takes no option {', '.join(unknown)}",
            hint="a file's input shape is given as input_shape=(1, 3, 224, 224)" if live else
            f"its options are {', '.join(f.name for f in fields(ReadOptions))}",
        )
    found, chosen = read_path(path, ReadOptions(model=model, bindings=bindings or {}, **options))
    return infer(found[chosen].require())


def summary(obj: Any, **options: Any) -> Report:
    """The Report of a live model (a built keras.Model or a torch nn.Module) or of a file path.

    The model is never changed: no build, no hooks left behind, nothing moved between devices.
    """
    import importlib
    import os

    if isinstance(obj, (str, os.PathLike)):
        return read(os.fspath(obj), **options)
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
    reader = importlib.import_module(f".frontends.{frontend}", __name__)
    report: Report = reader.summarize(obj, **options)
    return report
