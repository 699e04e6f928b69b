"""PyTorch models read from Python source, statically: the file is parsed and interpreted by `pyeval`, with
`torch`, `torch.nn` and `torch.nn.functional` stood in for by `HostValue`s. Nothing is executed or imported.

The model is the module a module-level name holds (`model = Net(...)`, `--model NAME`), or the class named by
`--class Net --args ...`. Rows are its modules as `named_modules()` names them; with an input shape, `forward`
is followed for output shapes.
"""

from __future__ import annotations

import itertools
import math

from .... import kinds
from ....errors import Diagnostic, InputError, KindError, LimitError
from ....frozen import replace
from ....ir import Call, Graph, Layer, TensorRef
from ....kinds.base import inner_modules
from ....kinds.rows import Buffer, Container, Input, Parameter, Unknown
from ... import Found, ReadOptions
from .. import bound_elsewhere, torch_sniff
from ..exports import star_source
from ..loader import defined_here, loader_for
from ..python.builtins import MAX_INT_BITS
from ..python.interpreter import LIMIT_HINT, Guard, Interpreter, guarded, symbol_warnings
from ..python.repair import parse_source
from ..python.values import Atomic, ClassValue, Context, Function, HostValue, Opaque
from . import wiring
from .forward import TENSOR_KWARGS, flatten, torch_function
from .inner import inner_layers
from .lazy import created_in_forward, parameters_overridden
from .moduleapi import LightningModuleClass
from .modules import (
    ModuleClass,
    Node,
    ParameterClass,
    ParamRef,
    install,
    node_of,
    walk,
)
from .traced import TensorType, Tracer, TraceStop, TTensor, examples, set_tracer

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

install(wiring.OPERATIONS)  # what modules and parameters do, written in the modules above modules.py

IMPLIED = {"nn": "torch.nn", "F": "torch.nn.functional", "torch": "torch"}
LIGHTNING = {"pytorch_lightning", "pytorch_lightning.core", "lightning", "lightning.pytorch", "lightning.pytorch.core"}
LEGACY_TENSORS = ("Tensor", "FloatTensor", "LongTensor", "BoolTensor", "HalfTensor", "DoubleTensor", "IntTensor",
                  "ByteTensor")
NO_OP_MODULES = ("torch.nn.init", "torch.optim", "torch.utils", "torch.cuda", "torch.backends", "torch.distributed",
                 "torch.distributions")


sniff = torch_sniff


class TorchNamespace(Atomic):
    """`torch`, `torch.nn`, `torch.nn.functional` ...: attributes resolve to stand-ins."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"<module {self.path}>"

    def py_getattr(self, name: str, ctx: Context) -> Any:
        value = resolve(f"{self.path}.{name}")
        return value if value is not None else Opaque(f"{self.path}.{name}")


class TorchFunction(Atomic):
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<function {self.name}>"

    def __eq__(self, other: object) -> bool:
        """`type(x) == torch.Tensor`: the class a tensor's type() gives (traced.TensorType); else this object."""
        if isinstance(other, TensorType):
            return self.name == "Tensor"
        return self is other

    def __hash__(self) -> int:
        return hash(("torch", self.name))

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return torch_function(self.name, args, kwargs, ctx)


class OrderedDictClass(Atomic):
    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        out: dict[Any, Any] = {}
        for key, value in (args[0].items() if args and isinstance(args[0], dict) else (args[0] if args else [])):
            out[key] = value
        out.update(kwargs)
        return out


class InitFunction(Atomic):
    """`nn.init.xavier_uniform_(t, ...)` and the deprecated `nn.init.xavier_uniform(t, ...)`: they fill `t` and
    return it; the values never change a count (calculate_gain and the fan helpers give numbers it does not model)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<function nn.init.{self.name}>"

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        if self.name.startswith(("calculate", "_")):
            return Opaque(f"nn.init.{self.name}()")
        return args[0] if args else kwargs.get("tensor", Opaque(f"nn.init.{self.name}()"))


class VariableClass(Atomic):
    """`torch.autograd.Variable(x, ...)`, deprecated since torch 0.4: it returns the tensor `x` itself."""

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return args[0] if args else kwargs.get("data", Opaque("Variable()"))


class NamespaceClass(Atomic):
    """`argparse.Namespace(...)` and `types.SimpleNamespace(...)`: an object holding its keyword arguments."""

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return NamespaceValue(dict(kwargs))


class NamespaceValue(HostValue):
    def __init__(self, attrs: dict[str, Any]) -> None:
        self.attrs = attrs

    def __repr__(self) -> str:
        return "<namespace>"

    def py_getattr(self, name: str, ctx: Context) -> Any:
        return self.attrs[name] if name in self.attrs else Opaque(f"namespace.{name}")

    def py_setattr(self, name: str, value: Any, ctx: Context) -> None:
        self.attrs[name] = value


class MathNamespace(Atomic):
    """`math` and `numpy`'s arithmetic on plain numbers (np.prod(img_shape), math.ceil(...)), and NumPy arrays
    made in the file (`np.linspace(30, 8000, n)`, `np.roll(a, 1) / 16000.0`): tensors of the shape NumPy gives,
    so that `torch.from_numpy(...)`, `.shape` and arithmetic read them as torch reads the arrays."""

    FUNCTIONS = {"prod", "sqrt", "ceil", "floor", "log", "log2", "log10", "exp", "gcd", "isqrt", "sum", "round", "sin", "cos",
                 "tan", "tanh", "power", "pow"}

    def __init__(self, path: str) -> None:
        self.path = path

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name in ("pi", "e", "inf"):
            return getattr(math, name)
        if self.path.startswith("numpy"):
            if name == "random" and self.path == "numpy":
                return MathNamespace("numpy.random")
            torch_name = (NUMPY_RANDOM if self.path == "numpy.random" else NUMPY_ARRAYS).get(name)
            if self.path == "numpy.random" and name in NUMPY_SIZED:
                torch_name = "zeros"
            if torch_name is not None:
                return NumpyFunction(name, torch_name)
        if name in self.FUNCTIONS and self.path in ("math", "numpy"):
            return MathFunction(name)
        return Opaque(f"{self.path}.{name}")


# NumPy functions that make or map arrays by the rule of the torch function named here (shapes as NumPy gives them)
NUMPY_ARRAYS = {"zeros": "zeros", "ones": "ones", "empty": "empty", "full": "full", "linspace": "linspace",
                "arange": "arange", "array": "tensor", "asarray": "tensor", "zeros_like": "zeros_like",
                "ones_like": "ones_like", "roll": "roll", "flip": "flip", "abs": "abs", "exp": "exp", "log": "log", "log10": "log10",
                "power": "pow", "triu": "triu", "tril": "tril",
                "log2": "log2",
                "sqrt": "sqrt", "sin": "sin", "cos": "cos", "tanh": "tanh", "clip": "clamp", "square": "square",
                "cumsum": "cumsum", "sort": "sort", "eye": "eye", "identity": "eye"}
NUMPY_RANDOM = {"rand": "rand", "randn": "randn", "random": "rand", "random_sample": "rand"}
NUMPY_SIZED = {"uniform": 2, "normal": 2, "randint": 2}  # np.random.uniform(low, high, size): the size is the shape


class NumpyFunction(Atomic):
    """A NumPy function on arrays, read with the shape rule of the torch function of the same meaning; on plain
    numbers, `np.sqrt(2)` ... stay numbers."""

    def __init__(self, name: str, torch_name: str) -> None:
        self.name, self.torch_name = name, torch_name

    def __repr__(self) -> str:
        return f"<function numpy.{self.name}>"

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        kwargs = {k: v for k, v in kwargs.items() if k not in ("dtype", "order", "like", "copy")}
        if self.name in NUMPY_SIZED:
            size = kwargs.get("size", args[NUMPY_SIZED[self.name]] if len(args) > NUMPY_SIZED[self.name] else None)
            if size is None:
                return Opaque(f"numpy.random.{self.name}()")  # one number, drawn
            return torch_function("zeros", [size if isinstance(size, (list, tuple)) else (size,)], {}, ctx)
        if self.name in MathNamespace.FUNCTIONS and args and all(isinstance(a, (int, float)) for a in args) and not kwargs:
            return MathFunction(self.name).py_call(args, kwargs, ctx)
        if self.name == "linspace" and len(args) == 2 and "num" not in kwargs:
            args = [*args, 50]  # NumPy's default number of samples
        if "num" in kwargs:
            args = [*args, kwargs.pop("num")]
        if self.name == "cumsum" and len(args) == 1 and not kwargs:  # of known numbers: the sums, as values
            given = args[0].values if isinstance(args[0], TTensor) and len(args[0].shape) == 1 else args[0]
            if isinstance(given, (list, tuple)) and given and all(type(v) in (int, float) for v in given):
                return TTensor((len(given),), values=list(itertools.accumulate(given)))
        if self.name in ("roll", "flip", "cumsum", "sort") and "axis" in kwargs:
            kwargs["dims" if self.name in ("roll", "flip") else "dim"] = kwargs.pop("axis")
        if self.name == "clip" and len(args) == 3:
            args, kwargs = [args[0]], {"min": args[1], "max": args[2]}
        if self.name in ("zeros", "ones", "empty", "full") and args and isinstance(args[0], int):
            args = [(args[0],), *args[1:]]
        return torch_function(self.torch_name, list(args), kwargs, ctx)


class Passthrough(Atomic):
    """torch.jit.script(m), @torch.jit.script_method ...: the module or function it is given, unchanged."""

    def __init__(self, name: str) -> None:
        self.name = name

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return args[0] if len(args) == 1 and not kwargs else Opaque(f"{self.name}(...)")


class MathFunction(Atomic):
    def __init__(self, name: str) -> None:
        self.name = name

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        flat = list(args[0]) if args and isinstance(args[0], (list, tuple)) else list(args)
        if not flat or not all(isinstance(a, (int, float)) for a in flat) or kwargs:
            return Opaque(f"{self.name}()")
        if self.name == "prod":
            if sum(abs(int(a)).bit_length() for a in flat if isinstance(a, int)) > MAX_INT_BITS + len(flat):
                raise LimitError(f"{self.name}() of these numbers has more than {MAX_INT_BITS} bits; stopped",
                                 hint=LIMIT_HINT, location=ctx.location)
            return math.prod(flat)
        if self.name == "sum":
            return sum(flat)
        if self.name in ("ceil", "floor", "isqrt"):
            return int(getattr(math, self.name)(flat[0]))
        if self.name == "round":
            return round(flat[0])
        if self.name in ("power", "pow") and len(flat) == 2:
            return flat[0] ** flat[1] if not isinstance(flat[1], int) or abs(flat[1]) <= 64 else Opaque(f"{self.name}()")
        if self.name == "power":
            return Opaque("power()")
        return getattr(math, self.name)(*flat)


# The stand-ins that hold nothing but their name, and never change: one object answers every read of that
# name, in every read (`nn.Linear` read 10,000 times is resolved once, and `nn.Linear is torch.nn.Linear`, as in
# Python). Bounded: the names are the input's text.
NAMED_ONLY: frozenset[type] = frozenset({ModuleClass, TorchFunction, TorchNamespace})
RESOLVED: dict[str, Any] = {}
MAX_RESOLVED = 4096


def resolve(dotted: str) -> Any:
    """What a dotted torch name means here; None for names outside torch."""
    found = RESOLVED.get(dotted)
    if found is not None:
        return found
    value = resolve_name(dotted)
    if type(value) in NAMED_ONLY and len(RESOLVED) < MAX_RESOLVED:
        RESOLVED[dotted] = value
    return value


def resolve_name(dotted: str) -> Any:
    parts = dotted.split(".")
    if parts[0] in ("math", "numpy") and len(parts) <= 2:
        return MathNamespace(parts[0]) if len(parts) == 1 else MathNamespace(parts[0]).py_getattr(parts[1], None)  # type: ignore[arg-type]
    if parts[0] == "collections" and parts[-1] == "OrderedDict":
        return OrderedDictClass()
    if dotted in ("argparse.Namespace", "types.SimpleNamespace"):
        return NamespaceClass()
    if dotted in ("argparse", "types"):
        return TorchNamespace(dotted)  # a module whose attributes resolve here: only the two above are known
    if parts[0] == "einops":  # its reader is loaded for a file that names einops
        from .einops import MODULES as EINOPS_MODULES
        from .einops import resolve_einops

        return TorchNamespace(dotted) if dotted in EINOPS_MODULES else resolve_einops(dotted)
    if parts[0] in ("pytorch_lightning", "lightning"):
        if parts[-1] == "LightningModule":
            return LightningModuleClass()
        return TorchNamespace(dotted) if dotted in LIGHTNING else None
    if parts[0] != "torch":
        return None
    if dotted.startswith("torch.nn.utils"):  # its reader is loaded for a file that names torch.nn.utils
        from .parametrize import NAMESPACES as UTILS_NAMESPACES
        from .parametrize import resolve_utils

        found = resolve_utils(dotted)
        if found is not None or dotted in UTILS_NAMESPACES:
            return found or TorchNamespace(dotted)
    if dotted in ("torch.jit.ScriptModule", "torch.jit.RecursiveScriptModule"):
        return ModuleClass("Module")  # scripting compiles forward; the module and its parameters are nn.Module's
    if dotted in ("torch.jit.script_method", "torch.jit.script", "torch.jit.ignore", "torch.jit.unused", "torch.jit.export"):
        return Passthrough(dotted)  # compiling or marking a module or method: it is the same one here
    if dotted == "torch.jit":
        return TorchNamespace(dotted)
    if dotted.startswith("torch.nn.init.") and len(parts) == 4:
        return InitFunction(parts[-1])
    if any(dotted == m or dotted.startswith(m + ".") for m in NO_OP_MODULES):
        return TorchNamespace(dotted) if len(parts) <= 3 else Opaque(dotted)
    scope = [p for p in parts[1:-1] if p not in ("modules", "parameter", "container", "module")]
    last = parts[-1]
    if len(parts) == 1 or (not scope and last in ("nn",)) or scope == ["nn"] and last == "functional":
        return TorchNamespace(dotted)
    if parts[1:3] in (["nn", "parameter"], ["nn", "modules"]) and len(parts) <= 4 and last.islower():
        return TorchNamespace(dotted)  # where nn's names are defined: nn.parameter.Parameter, nn.modules.conv.Conv2d
    if last == "Variable" and scope == ["autograd"]:
        return VariableClass()
    if last == "Parameter" and scope[:1] == ["nn"]:
        return ParameterClass()
    if scope[:1] == ["nn"] and len(scope) <= 2 and last[:1].isupper():
        return ModuleClass(last)
    if scope in ([], ["nn", "functional"], ["functional"]) and not last[:1].isupper() or last in LEGACY_TENSORS:
        return TorchFunction(last)
    return None


def read(path: str, text: str, options: ReadOptions) -> tuple[list[Found], int]:
    with guarded(path) as guard:
        return read_guarded(path, text, options, guard)


def read_guarded(path: str, text: str, options: ReadOptions, guard: Guard) -> tuple[list[Found], int]:
    interp, warnings = interpret(path, text, options, guard)
    found = find_models(interp, options)
    chosen = choose(found, options, interp.globals.vars)
    shape = options.input_shape or example_shape(interp, found[chosen][1])
    graphs = [build_graph(interp, name, value, path, shape if i == chosen else None)
              for i, (name, value) in enumerate(found)]
    graphs = [replace(g, warnings=g.warnings + tuple(created_in_forward(interp, value)))
              if not followed(g) else g for g, (_, value) in zip(graphs, found)]
    graphs = [replace(g, warnings=g.warnings + tuple(parameters_overridden(interp, value)))
              for g, (_, value) in zip(graphs, found)]
    extra = tuple(warnings + interp.warnings + symbol_warnings(interp))
    if shape is not None and options.input_shape is None:
        extra += (Diagnostic("example_input", f"output shapes are for the input the file calls the model with, "
                             f"{tuple(shape)}", hint="give --input-shape for another"),)
    out = [Found(name, replace(graph, warnings=extra + graph.warnings)) for (name, _), graph in zip(found, graphs)]
    return out, chosen


def interpret(path: str, text: str, options: ReadOptions, guard: Guard) -> tuple[Interpreter, list[Diagnostic]]:
    """The file run by the interpreter (its module-level names bound), and the warnings of its parsing."""
    tree, text, warnings = parse_source(path, text)

    def undefined(name: str, ctx: Context) -> Any:
        if name in options.bindings:
            return options.bindings[name]
        if name == "__name__":
            return "__main__"
        starred = star_source(ctx.interp.star_imports, name)
        if starred is not None:
            found = resolve(starred)
            return found if found is not None else Opaque(starred)
        if name in IMPLIED:
            ctx.warn("missing_import", f"'{name}' is used but never imported; read it as {IMPLIED[name]}",
                     hint=f"add the import of {IMPLIED[name]}")
            return resolve(IMPLIED[name])
        if kinds.lookup("torch", name):
            return ModuleClass(name)
        return ctx.interp.make_symbol(name, ctx.node)

    interp = Interpreter(path, text, resolve, undefined, loader_for(path, options.paths), main=not options.as_module)
    guard.interp = interp
    interp.run_module(tree)
    return interp, warnings


def listing(path: str, text: str, options: ReadOptions) -> tuple[list[str], list[str]]:
    """What a project listing shows of this file: the nn.Module classes it defines, and the names of the
    models it builds at module level."""
    with guarded(path) as guard:
        interp, _ = interpret(path, text, options, guard)
    values = interp.globals.vars
    classes = [n for n, v in values.items() if is_module_class(v) and v.name == n and defined_here(v.node)]
    models = [n for n, v in values.items() if node_of(v) is not None]
    return classes, models


def followed(graph: Graph) -> bool:
    """Whether forward was followed to its end (then what it creates was seen as it ran)."""
    return bool(graph.calls) and not any(w.code == "forward_not_followed" for w in graph.warnings)


def example_shape(interp: Interpreter, model: Any) -> tuple[Any, ...] | None:
    """With no --input-shape, the shape the file itself calls the model with (`model(torch.randn(1, 3, 32, 32))`)."""
    shape = examples(interp).get(id(model))
    if shape is not None and all(isinstance(d, int) for d in shape):
        return tuple(shape)
    return None


def find_models(interp: Interpreter, options: ReadOptions) -> list[tuple[str, Any]]:
    if options.class_name:
        return [(options.class_name, construct(interp, options))]
    found: list[tuple[str, Any]] = []
    seen: set[int] = set()
    for name, value in interp.globals.vars.items():
        if node_of(value) is not None and id(value) not in seen:
            seen.add(id(value))
            found.append((name, value))
    if found:
        return found
    wanted = interp.globals.vars.get(options.model) if options.model else None
    if is_module_class(wanted):  # --model A where A is a class the file defines and never builds: build A
        assert options.model is not None
        return [(options.model, construct(interp, replace(options, class_name=options.model)))]
    for name, value in reversed(list(interp.globals.vars.items())):
        if is_module_class(value) and not required_args(value):
            return [(name, interp.call(value, [], {}, value.node))]
    classes = [n for n, v in interp.globals.vars.items() if is_module_class(v)]
    raise InputError(
        f"{interp.filename}: no PyTorch model found",
        hint=f"build one at module level (model = {classes[-1]}(...)) or name it: --class {classes[-1]} --args ..."
        if classes else "define an nn.Module subclass and create it, e.g. model = Net()",
    )


def is_module_class(value: Any) -> bool:
    return isinstance(value, ClassValue) and isinstance(value.host_base(), ModuleClass)


def required_args(cls: ClassValue) -> list[str]:
    found, init = cls.lookup("__init__")
    if not found or not isinstance(init, Function):
        return []
    spec = init.node.args
    positional = [a.arg for a in spec.posonlyargs + spec.args][1:]
    return positional[: len(positional) - len(spec.defaults)] if len(spec.defaults) < len(positional) else []


def construct(interp: Interpreter, options: ReadOptions) -> Any:
    cls = interp.globals.vars.get(options.class_name or "")
    if node_of(cls) is not None:  # `file.py:model`: a model the file builds
        return cls
    if isinstance(cls, Function):  # `file.py:resnet50`: a function that builds one
        return built_by(interp, cls, options)
    if not isinstance(cls, ClassValue):
        classes = [n for n, v in interp.globals.vars.items() if is_module_class(v)]
        raise InputError(f"no class named '{options.class_name}' in {interp.filename}",
                         hint=f"classes found: {', '.join(classes) or 'none'}")
    raw = options.class_args
    if len(raw) == 2 and isinstance(raw[0], tuple) and isinstance(raw[1], dict):
        args, kwargs = list(raw[0]), dict(raw[1])
    else:
        args, kwargs = list(raw), {}
    return interp.call(cls, args, kwargs, cls.node)


def built_by(interp: Interpreter, func: Function, options: ReadOptions) -> Any:
    raw = options.class_args
    args, kwargs = (list(raw[0]), dict(raw[1])) if len(raw) == 2 and isinstance(raw[0], tuple) and isinstance(raw[1], dict) \
        else (list(raw), {})
    model = interp.call(func, args, kwargs, func.node)
    if node_of(model) is None:
        raise InputError(f"'{func.name}' in {interp.filename} returns no nn.Module",
                         hint="name an nn.Module class, a function that returns a model, or a module-level model")
    return model


def choose(found: list[tuple[str, Any]], options: ReadOptions, names_bound: dict[str, Any] | None = None) -> int:
    names = [n for n, _ in found]
    alias = bound_elsewhere(found, options.model, names_bound or {})
    if alias is not None:
        return alias
    if options.model is not None:
        if options.model not in names:
            raise InputError(f"no model named '{options.model}'", hint=f"models found: {', '.join(names)}")
        return names.index(options.model)
    if "model" in names:
        return names.index("model")
    roots = [i for i, (_, v) in enumerate(found) if not any(v is not w and contains(w, v) for _, w in found)]
    return roots[-1] if roots else len(found) - 1


def contains(outer: Any, inner: Any) -> bool:
    return any(m is inner for _, m in walk(outer))


# -- the graph -------------------------------------------------------------------------------------------


def build_graph(interp: Interpreter, name: str, root: Any, path: str, input_shape: Any) -> Graph:
    node = node_of(root)
    if node is None:  # not a module: --class names another class, or __init__ never reached nn.Module.__init__
        cls = root.cls if isinstance(getattr(root, "cls", None), ClassValue) else None
        what = cls.name if cls is not None else name
        where = interp.location(cls.node if cls is not None else None)
        if cls is None or not is_module_class(cls):
            raise InputError(f"'{what}' is not a PyTorch module (its class does not derive from nn.Module)",
                             hint="name an nn.Module subclass with --class, or the variable holding the model with --model",
                             location=where)
        raise InputError(
            f"'{what}' never calls super().__init__() in its __init__, so it is not a module yet: "
            f"PyTorch refuses it too (AttributeError: '{what}' object has no attribute '_parameters')",
            hint="call super().__init__() first in __init__", location=where,
        )
    layers, index, warnings = module_layers(root, node.type_name)
    graph = Graph(framework="torch", name=node.type_name, layers=tuple(layers), source=path, location=node.location,
                  meta={"model_type": node.type_name, "variable": name}, warnings=tuple(warnings))
    if input_shape is None:
        return graph
    return trace(interp, graph, root, index, tuple(input_shape))


def unsized(path: str, node: Node) -> list[Diagnostic]:
    """A built-in whose row lists its tensors (it has extra ones, or some were removed: has_extras), but whose own
    weights need an input shape to be sized (a lazy module): they are missing from the rows, so the count is short."""
    if node.kind is None or isinstance(node.kind, Unknown):
        return []
    try:
        node.kind.weights(None)
    except (KindError, TypeError, ValueError) as e:
        return [Diagnostic("count_unknown", f"{node.type_name} '{path or node.type_name}': its own weights need "
                           f"an input shape to be sized ({e}); they are not counted", node.location,
                           "give the model an input shape")]
    return []


def module_layers(root: Any, root_name: str) -> tuple[list[Layer], dict[int, int], list[Diagnostic]]:
    """One layer per module in `named_modules()` order, plus rows for bare parameters and buffers; and the
    warnings of built-ins whose own weights are not counted (see unsized)."""
    owners: dict[int, str] = {}
    layers: list[Layer] = []
    index: dict[int, int] = {}
    warnings: list[Diagnostic] = []
    for path, module in walk(root):
        node = node_of(module)
        assert node is not None
        leaf = node.leaf_params()
        params = [*node.params.items(), *leaf.items()]  # own_params(node)
        full = {n: f"{path}.{n}" if path else n for n, _ in params}
        for n, ref in params:
            owners.setdefault(id(ref), full[n])
        ties = tuple([(n, owners[id(ref)]) for n, ref in params if owners[id(ref)] != full[n]])
        extras = has_extras(node)  # asked once: it works out the module's weights
        if extras:
            warnings.extend(unsized(path, node))
        if path or node.kind is not None:
            index[id(module)] = len(layers)
            layers.append(module_layer(node, path or root_name, ties, extras, leaf))
            layers.extend(inner_layers(node, path, ties, None if extras else root_name))
        layers.extend(parameter_layers(node, path, ties, extras))
    return layers, index, warnings


def module_layer(node: Node, path: str, ties: tuple[tuple[str, str], ...], extras: bool,
                 leaf: dict[str, ParamRef] | None = None) -> Layer:
    """`leaf`: node.leaf_params(), where the caller has it."""
    depth = path.count(".")
    parent = path.rsplit(".", 1)[0] if "." in path else None
    kind = node.kind if node.kind is not None and not extras else Container("torch", node.type_name, {})
    leaf = node.leaf_params() if leaf is None else leaf
    frozen = frozenset([n for n, ref in leaf.items() if not ref.requires_grad])
    leaf_ties = tuple([t for t in ties if t[0] in node.slots]) if ties else ()
    return Layer(path, node.type_name, kind, node.location, depth=depth, parent=parent, frozen=frozen, tied=leaf_ties)


def has_extras(node: Node) -> bool:
    """A subclass of a built-in module that adds parameters, buffers or modules, or a built-in whose tensors
    changed (weight_norm, `del m._parameters["weight"]`): a container of its tensors."""
    return bool(node.params or node.buffers or node.children or node.deleted & set(node.slots) or node.reshaped())


def parameter_layers(node: Node, path: str, ties: tuple[tuple[str, str], ...], extras: bool) -> list[Layer]:
    if not (node.params or node.buffers or extras):  # the usual built-in module: no bare tensor of its own
        return []
    out = []
    depth = path.count(".") + 1 if path else 0
    parent = path or None
    params = dict(node.params)
    if node.kind is not None and extras and not inner_modules(node.kind):
        params = {**node.leaf_params(), **params}  # MyLinear(nn.Linear) with a parameter of its own
    for name, ref in params.items():
        tied = tuple(t for t in ties if t[0] == name)
        out.append(bare_layer(Parameter("torch", "Parameter", {"name": name, "shape": ref.shape,
                                                                "requires_grad": ref.requires_grad}),
                              f"{path}.{name}" if path else name, node, depth, parent, tied))
    for name, shape in node.buffers.items():
        out.append(bare_layer(Buffer("torch", "Buffer", {"name": name, "shape": shape}),
                              f"{path}.{name}" if path else name, node, depth, parent, ()))
    return out


def bare_layer(kind: Any, name: str, node: Node, depth: int, parent: str | None, tied: Any) -> Layer:
    return Layer(name, kind.type_name, kind, node.location, depth=depth, parent=parent, tied=tied)


def trace(interp: Interpreter, graph: Graph, root: Any, index: dict[int, int], shape: tuple[Any, ...]) -> Graph:
    """Follow `forward` on an input of `shape`; on anything it cannot follow, keep what it reached and warn."""
    layers = list(graph.layers)
    tracer = Tracer(layers, index)
    ctx = Context(interp, None)
    source = Input("torch", "Input", {"shape": shape})
    tracer.record(tracer.hidden("input", source, ctx), [], ctx)
    x = TTensor(shape, TensorRef(0, 0), tracer)
    set_tracer(interp, tracer)
    warnings: list[Diagnostic] = []
    outputs: tuple[TensorRef, ...] = ()
    try:
        out = interp.call(root, [x], {}, None)
        outputs = tuple(t.ref for t in flatten([out]) if isinstance(t, TTensor) and t.ref is not None)
    except (TraceStop, InputError) as e:
        location = interp.location(e.node) if isinstance(e, TraceStop) else e.location
        warnings.append(Diagnostic(
            "forward_not_followed",
            f"the forward could not be followed ({e.message}); output shapes after this point are shown as ?",
            location, "counts do not depend on the forward and are exact",
        ))
    finally:
        set_tracer(interp, None)
    return replace(graph, layers=tuple(tracer.layers), calls=tuple(tracer.calls), inputs=(TensorRef(0, 0),),
                   outputs=outputs, warnings=graph.warnings + tuple(warnings))


__all__ = ["sniff", "read", "resolve", "ParamRef", "Call", "TENSOR_KWARGS"]
