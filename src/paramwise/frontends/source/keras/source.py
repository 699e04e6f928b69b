"""Keras models read from Python source, statically: the file is parsed and interpreted by `pyeval`,
with Keras' classes stood in for by `HostValue`s that record layers and calls. Nothing is executed.

Handles every import style (`import keras`, `from tensorflow import keras`, `tf.keras.layers.X`,
`from keras.layers import Dense` ...), Sequential (list or `.add`), the functional API, models used as
layers, subclassed `keras.Model`/`keras.layers.Layer` with layers built in `__init__` and wired in `call`.
"""

from __future__ import annotations

from .... import kinds
from ....errors import Diagnostic, InputError
from ....frozen import replace
from ....kinds.merge import MERGE_FUNCTIONS
from ... import Found, ReadOptions
from .. import bound_elsewhere, keras_sniff
from ..exports import star_source
from ..loader import defined_here, loader_for
from ..python.interpreter import Guard, Interpreter, guarded, symbol_warnings
from ..python.repair import parse_source
from ..python.values import ClassValue, Context, Function, HostValue, Opaque
from .layers import (
    CONSTANT_FUNCTIONS,
    ELEMENTWISE_FUNCTIONS,
    KERAS_ROOTS,
    ConstantFunction,
    InputFunction,
    LayerClass,
    MergeFunction,
    Session,
)
from .models import SequentialClass
from .subclass import ModelClass, VariableClass, model_of
from .tensors import ALL_FUNCTIONS, IMAGE_FUNCTIONS

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from ....ir import Graph

# names that pasted code uses without importing them
IMPLIED_IMPORTS = {
    "tf": "tensorflow", "keras": "keras", "layers": "keras.layers", "models": "keras.models", "K": "keras.backend",
    "Sequential": "keras.models.Sequential", "Model": "keras.models.Model", "Input": "keras.layers.Input",
}
OPS_SCOPES = ("ops", "nn", "math", "backend", "activations", "numpy", "linalg", "image", "random")


sniff = keras_sniff


class Module(HostValue):
    """A Keras or TensorFlow namespace: `keras`, `keras.layers`, `tf.keras.models` ..."""

    def __init__(self, session: Session, path: str) -> None:
        self.session = session
        self.path = path

    def __repr__(self) -> str:
        return f"<module {self.path}>"

    def py_getattr(self, name: str, ctx: Context) -> Any:
        value = resolve(self.session, f"{self.path}.{name}")
        return value if value is not None else Opaque(f"{self.path}.{name}")


def resolve(session: Session, dotted: str) -> Any:
    """What a dotted Keras/TensorFlow name means here; None for names outside Keras. A layer class or a namespace
    is one object per name, as in Python (`layers.Dense is layers.Dense`), made once per reading."""
    found = session.resolved.get(dotted)
    if found is not None:
        return found
    value = _resolve(session, dotted)
    if type(value) in (LayerClass, Module) and len(session.resolved) < MAX_RESOLVED:
        session.resolved[dotted] = value
    return value


MAX_RESOLVED = 10_000  # names remembered per reading (a file can spell any number of them)


def _resolve(session: Session, dotted: str) -> Any:
    parts = dotted.split(".")
    if parts[0] == "numpy" and len(parts) <= 3:
        module = _ops().NumpyModule(session, "numpy")
        for part in parts[1:]:
            module = module.py_getattr(part, Context(session.interp, None))
        return module
    if parts[0] not in KERAS_ROOTS:
        return None
    parts = ["keras"] + [p for p in parts if p not in KERAS_ROOTS + ("python", "src", "api", "_v2", "v2", "compat", "v1")]
    last = parts[-1]
    scope = parts[1:-1]
    if len(parts) == 1:  # `tensorflow` keeps its name: tf.split takes sizes where keras.ops.split takes indices
        return Module(session, "tensorflow" if dotted == "tensorflow" else "keras")
    if scope and scope[0] == "applications":
        from .applications import APPLICATIONS, application  # loaded for a file that names keras.applications

        found = application(session, scope, last)
        if found is not None:
            return found
        if scope == ["applications"] and (last in APPLICATIONS or last in ("imagenet_utils", "resnet50")):
            return Module(session, f"keras.applications.{last}")  # keras.applications.mobilenet_v2.preprocess_input
    if last in ("Sequential",) and set(scope) <= {"models", "engine", "sequential"}:
        return SequentialClass(session)
    if last in ("Model", "Functional") and set(scope) <= {"models", "engine", "training", "functional"}:
        return ModelClass(session)
    if last == "Input" and set(scope) <= {"layers", "engine", "input_layer"}:
        return InputFunction(session, as_layer=False)
    if last == "InputLayer":
        return InputFunction(session, as_layer=True)
    if last == "Layer" and set(scope) <= {"layers", "engine", "base_layer"}:
        return ModelClass(session, is_layer=True)
    if scope and scope[0] == "layers" or (not scope and last[:1].isupper() and kinds.lookup("keras", last)):
        if last in MERGE_FUNCTIONS:
            return MergeFunction(session, MERGE_FUNCTIONS[last])
        if last[:1].isupper():
            return LayerClass(session, last)
    if last in CONSTANT_FUNCTIONS and (not scope or scope[-1] in ("ops", "random", "numpy", "backend")):
        return ConstantFunction(session)
    if last == "Variable" and (not scope or scope == ["backend"]):
        return VariableClass(session)
    if last == "TensorShape":
        return FrameworkFunction(_ops().tensor_shape)
    if last in DATA_FORMAT_FUNCTIONS and set(scope) <= {"backend", "config"}:
        return DataFormatFunction(session, last)
    if scope and scope[-1] == "image" and last in IMAGE_FUNCTIONS:
        return _ops().OpsFunction(session, f"image.{last}")
    if (last in ALL_FUNCTIONS or last in ELEMENTWISE_FUNCTIONS or last == "int_shape") and (
            not scope or scope[-1] in OPS_SCOPES):
        tf_api = dotted.split(".")[0] in ("tf", "tensorflow") and not {"keras", "numpy"} & set(dotted.split("."))
        return _ops().OpsFunction(session, last, "tf" if tf_api else "")
    if not scope and last in ("layers", "models", "ops", "activations", "nn", "math", "backend", "applications", "random", "linalg", "image"):
        return Module(session, f"keras.{last}")
    if len(parts) <= 3 and not last[:1].isupper() and last in ("layers", "models", "ops", "activations", "nn", "image", "random"):
        return Module(session, ".".join(parts))
    return None


def _ops() -> Any:
    """ops.py (numpy, keras.ops and tf's operations), loaded for a file that names one of them."""
    from . import ops

    return ops


DATA_FORMAT_FUNCTIONS = ("image_data_format", "set_image_data_format", "image_dim_ordering", "set_image_dim_ordering")
DIM_ORDERINGS = {"th": "channels_first", "tf": "channels_last"}  # Keras 1's names


class DataFormatFunction(HostValue):
    """keras.backend.set_image_data_format("channels_first") (keras.config's too, Keras 1's
    set_image_dim_ordering("th")): the layers made after it take that data_format; image_data_format() says it."""

    def __init__(self, session: Session, name: str) -> None:
        self.session, self.name = session, name

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        current = self.session.image_data_format
        if self.name == "image_data_format":
            return current
        if self.name == "image_dim_ordering":
            return "th" if current == "channels_first" else "tf"
        value = args[0] if args else next(iter(kwargs.values()), None)
        if self.name == "set_image_dim_ordering" and isinstance(value, str):
            value = DIM_ORDERINGS.get(value, value)
        if value not in ("channels_first", "channels_last"):
            raise ctx.error(f"{self.name}() takes 'channels_first' or 'channels_last'; got {value!r}")
        self.session.image_data_format = value
        return None


class FrameworkFunction(HostValue):
    """A function of the framework modelled by a plain Python function of its arguments."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return self.fn(args, kwargs)


def read(path: str, text: str, options: ReadOptions) -> tuple[list[Found], int]:
    """All the models the file builds, and the index of the one to show."""
    with guarded(path) as guard:
        return read_guarded(path, text, options, guard)


def read_guarded(path: str, text: str, options: ReadOptions, guard: Guard) -> tuple[list[Found], int]:
    interp, session, warnings = interpret(path, text, options, guard)
    if options.class_name:
        found = [(options.class_name, named_model(interp, session, options))]
    else:
        found = collect_models(interp, session) or call_builders(interp, session, options)
    if not found:
        raise InputError(
            f"{path}: no Keras model found",
            hint="build one with keras.Sequential([...]) or keras.Model(inputs, outputs) and assign it, e.g. model = ...",
        )
    if options.input_shape is not None:
        build_unbuilt(found, options.input_shape, Context(interp, None))
    chosen = 0 if options.class_name else choose(found, options, interp.globals.vars)
    session.graphs = {}  # the file has run: each model's graph is made once (a chain of d nested models: d, not d²)
    try:
        made = [model_graph(model) for _, model in found]
    finally:
        session.graphs = None
    extra = tuple(warnings + interp.warnings + symbol_warnings(interp))  # with those said while the graphs were made
    return [Found(name, replace(graph, warnings=extra + graph.warnings)) if graph is not None else Found(name, None, error)
            for (name, _), (graph, error) in zip(found, made)], chosen


def interpret(path: str, text: str, options: ReadOptions, guard: Guard) -> tuple[Interpreter, Session, list[Diagnostic]]:
    """The file run by the interpreter (its module-level names bound), and the warnings of its parsing."""
    tree, text, warnings = parse_source(path, text)
    session_box: list[Session] = []

    def modules(name: str) -> Any:
        return resolve(session_box[0], name)

    def undefined(name: str, ctx: Context) -> Any:
        if name in options.bindings:
            return options.bindings[name]
        starred = star_source(ctx.interp.star_imports, name)
        if starred is not None:
            found = resolve(session, starred)
            return found if found is not None else Opaque(starred)
        implied = IMPLIED_IMPORTS.get(name) or (f"keras.layers.{name}" if kinds.lookup("keras", name) else None)
        if implied is not None:
            ctx.warn("missing_import", f"'{name}' is used but never imported; read it as {implied}", hint=f"add the import of {implied}")
            return resolve(session, implied)
        return ctx.interp.make_symbol(name, ctx.node)

    interp = Interpreter(path, text, modules, undefined, loader_for(path, options.paths), main=not options.as_module)
    guard.interp = interp
    session = Session(path, interp)
    session.resolve_name = resolve
    session_box.append(session)
    interp.run_module(tree)
    return interp, session, warnings


def named_model(interp: Interpreter, session: Session, options: ReadOptions) -> Any:
    """`file.py:NAME` (--class NAME --args ...): the model a module-level name holds, or the one its class or
    builder function makes from the arguments (its keyword defaults when none are given)."""
    name = options.class_name or ""
    value = interp.globals.vars.get(name)
    model = model_of(value)
    if model is not None:
        return model
    if not isinstance(value, (Function, ClassValue)):
        names = [n for n, v in interp.globals.vars.items() if isinstance(v, (Function, ClassValue)) and defined_here(v.node)]
        raise InputError(f"no model, model class or builder function named '{name}' in {interp.filename}",
                         hint=f"names found: {', '.join(names) or 'none'}")
    raw = options.class_args
    args, kwargs = (list(raw[0]), dict(raw[1])) if len(raw) == 2 and isinstance(raw[0], tuple) and isinstance(raw[1], dict) else (list(raw), {})
    before = len(session.models)
    result = interp.call(value, args, kwargs, value.node)
    model = model_of(result)
    built = [m for m in (model_of(v) for v in session.models[before:]) if m is not None]
    if model is None and not built:
        raise InputError(f"'{name}' in {interp.filename} builds no Keras model", hint="name a keras.Model subclass, "
                         "a function that returns a model, or a module-level model")
    return model if model is not None else built[-1]


def listing(path: str, text: str, options: ReadOptions) -> tuple[list[str], list[str]]:
    """What a project listing shows of this file: the keras.Model classes it defines, and the names of the
    models it builds at module level."""
    with guarded(path) as guard:
        interp, session, _ = interpret(path, text, options, guard)
    values = interp.globals.vars
    classes = [n for n, v in values.items() if isinstance(v, ClassValue) and is_model_class(v) and v.name == n
               and defined_here(v.node)]
    models = [n for n, _ in collect_models(interp, session) if n in values]
    return classes, models


def collect_models(interp: Interpreter, session: Session) -> list[tuple[str, Any]]:
    named: dict[int, str] = {}
    for var, value in interp.globals.vars.items():
        model = model_of(value)
        if model is not None and id(model) not in named:
            named[id(model)] = var
    out = []
    for value in session.models:
        model = model_of(value)
        if model is not None and id(model) in named:
            out.append((named[id(model)], model))
    for value in session.models:
        model = model_of(value)
        if model is not None and id(model) not in named and model.is_built() and not nested_in(model, out):
            out.append((model.name, model))
    return out


def build_unbuilt(found: list[tuple[str, Any]], shape: tuple[Any, ...], ctx: Context) -> None:
    """`--input-shape 28,28,1`: build the models the file never gives an input shape (no batch axis)."""
    for _, model in found:
        if not model.is_built():
            model.ensure_built((None, *shape), ctx)


def nested_in(model: Any, found: list[tuple[str, Any]]) -> bool:
    return any(other.layer_obj is not None and model.layer_obj is other.layer_obj for _, other in found)


def call_builders(interp: Interpreter, session: Session, options: ReadOptions) -> list[tuple[str, Any]]:
    """No model at module level: call what the file defines and never calls, as a user would.

    Functions that need no arguments come first (those named like a model first of all), then model classes
    whose constructor needs no arguments. The error of a builder named like a model is shown; another builder
    that fails is skipped, and its error is shown only if nothing builds.
    """
    first_error: InputError | None = None
    for name, value in builders(interp, options):
        before = len(session.models)
        try:
            result = interp.call(value, [], {}, getattr(value, "node", None))
        except InputError as e:
            if "model" in name.lower():  # the file's model builder itself is wrong: say so
                raise
            first_error = first_error or e
            continue
        models = [m for m in (model_of(v) for v in session.models[before:]) if m is not None]
        chosen = model_of(result)
        if chosen is not None:
            return [(name, chosen)]
        if models:
            return [(name, models[-1])]
    if first_error is not None:
        raise first_error
    return []


def builders(interp: Interpreter, options: ReadOptions) -> list[tuple[str, Function | ClassValue]]:
    functions: list[tuple[str, Function | ClassValue]] = []
    classes: list[tuple[str, Function | ClassValue]] = []
    for name, value in interp.globals.vars.items():
        if options.model is not None and name != options.model:
            continue
        if isinstance(value, Function) and required_arguments(value, skip=0) == 0:
            functions.append((name, value))
        elif isinstance(value, ClassValue) and is_model_class(value):
            found, init = value.lookup("__init__")
            if not found or (isinstance(init, Function) and required_arguments(init, skip=1) == 0):
                classes.append((name, value))
    functions.sort(key=lambda item: "model" not in item[0].lower())
    return functions + classes[::-1]


def is_model_class(cls: ClassValue) -> bool:
    host = cls.host_base()
    return isinstance(host, ModelClass) and not host.is_layer


def required_arguments(func: Function, skip: int) -> int:
    spec = func.node.args
    positional = spec.posonlyargs + spec.args
    kwonly = sum(1 for d in spec.kw_defaults if d is None)
    return max(len(positional) - skip - len(spec.defaults), 0) + kwonly


def choose(found: list[tuple[str, Any]], options: ReadOptions, names_bound: dict[str, Any] | None = None) -> int:
    names = [name for name, _ in found]
    alias = bound_elsewhere(found, options.model, names_bound or {})
    if alias is not None:
        return alias
    if options.model is not None:
        for i, (name, model) in enumerate(found):
            if options.model in (name, model.name):
                return i
        raise InputError(f"no model named '{options.model}'", hint=f"models found: {', '.join(names)}")
    if "model" in names:
        return names.index("model")
    return len(found) - 1


def model_graph(model: Any) -> tuple[Graph | None, InputError | None]:
    """The model's graph; an unbuilt model is kept with its error (shown only if it is chosen)."""
    try:
        return model.to_graph(), None
    except InputError as e:
        return None, e
