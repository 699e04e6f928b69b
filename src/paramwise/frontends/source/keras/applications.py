"""`keras.applications.<Name>(...)` called in a file: Keras' own code for that model, read and followed.

The code is Keras' (applications_src/, written by scripts/keras_applications.py from the pinned Keras), read
with `ast` and interpreted in the same session as the file, so every argument (input_shape, alpha,
include_top, pooling, classes, classifier_activation, input_tensor) is followed as Keras follows it, and the
model's layers are named as Keras names them. Weights are never loaded: `weights="imagenet"` or a path only
takes part in the argument checks Keras makes.
"""

from __future__ import annotations

import ast

from ....errors import INCOMPLETE, InputError, LimitError
from ..python.interpreter import Interpreter
from ..python.values import Atomic, Context, HostValue, Opaque, Scope
from .layers import KTensor, Session
from .ops import NumpyModule

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

# the application functions, by the module of Keras that defines them
APPLICATIONS = {
    "convnext": ("ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge"),
    "densenet": ("DenseNet121", "DenseNet169", "DenseNet201"),
    "efficientnet": tuple(f"EfficientNetB{i}" for i in range(8)),
    "efficientnet_v2": ("EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3",
                        "EfficientNetV2S", "EfficientNetV2M", "EfficientNetV2L"),
    "inception_resnet_v2": ("InceptionResNetV2",),
    "inception_v3": ("InceptionV3",),
    "mobilenet": ("MobileNet",),
    "mobilenet_v2": ("MobileNetV2",),
    "mobilenet_v3": ("MobileNetV3Small", "MobileNetV3Large"),
    "nasnet": ("NASNetMobile", "NASNetLarge"),
    "resnet": ("ResNet50", "ResNet101", "ResNet152"),
    "resnet_v2": ("ResNet50V2", "ResNet101V2", "ResNet152V2"),
    "vgg16": ("VGG16",),
    "vgg19": ("VGG19",),
    "xception": ("Xception",),
}
PUBLIC_MODULES = {"resnet50": "resnet"}  # keras.applications.resnet50 is Keras' applications/resnet.py
MODULE_OF = {name: module for module, names in APPLICATIONS.items() for name in names}


def application(session: Session, scope: list[str], name: str) -> Any:
    """`keras.applications.MobileNetV2` or `keras.applications.mobilenet_v2.MobileNetV2`; None for other names."""
    scope = [PUBLIC_MODULES.get(part, part) for part in scope]
    if len(scope) == 2 and scope[0] == "applications" and name == "preprocess_input" and (
            scope[1] in APPLICATIONS or scope[1] == "imagenet_utils"):
        return ApplicationFunction(session, scope[1], name)  # ops on the tensor, as Keras' code makes them
    module = MODULE_OF.get(name)
    if module is None or not scope or scope[0] != "applications" or len(scope) > 2 or len(scope) == 2 and scope[1] != module:
        return None
    return ApplicationFunction(session, module, name)


class ApplicationFunction(Atomic):
    def __init__(self, session: Session, module: str, name: str) -> None:
        self.session = session
        self.module = module
        self.name = name

    def __repr__(self) -> str:
        return f"<function keras.applications.{self.name}>"

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        interp, scope = load(self.session, self.module)
        function = scope.vars[self.name]
        before = len(interp.warnings)
        try:
            result = interp.call(function, list(args), dict(kwargs), None)
        except LimitError:
            raise
        except InputError as e:
            raise ctx.error(f"keras.applications.{self.name}: {e.message}", e.hint) from e
        for warning in interp.warnings[before:]:
            if warning.code in INCOMPLETE:
                ctx.warn(warning.code, f"keras.applications.{self.name}: {warning.message}", warning.hint)
        return result


def load(session: Session, module: str) -> tuple[Interpreter, Scope]:
    """The interpreter that has read Keras' module `module` (once per file read)."""
    cache: dict[str, tuple[Interpreter, Scope]] = session.applications
    if module not in cache:
        from importlib import resources  # here: importlib.resources costs start-up time for every Keras file

        text = resources.files(__package__).joinpath("applications_src", f"{module}.py.txt").read_text()
        interp = Interpreter(f"<keras.applications.{module}>", text, lambda dotted: resolve(session, dotted))
        cache[module] = (interp, interp.run_module(ast.parse(text)))
    return cache[module]


def resolve(session: Session, dotted: str) -> Any:
    """What the names Keras' application modules import mean here."""
    parts = dotted.split(".")
    last = parts[-1]
    if dotted == "keras.src.backend":
        return Backend(session)
    if parts[:3] == ["keras", "src", "applications"] and len(parts) == 4 and last in APPLICATIONS or last == "imagenet_utils":
        return ModuleScope(load(session, last)[1])
    if dotted == "keras.src.ops.operation_utils":
        return Shim({"get_source_inputs": lambda a, k: source_inputs(session, a[0] if a else k.get("tensor"))})
    if dotted == "keras.src.utils.file_utils":
        return Shim({"get_file": lambda a, k: Opaque("weights file"), "exists": lambda a, k: True})
    if dotted == "keras.src.layers.layer.Layer":
        return keras_name(session, "keras.layers.Layer")
    if dotted == "math":
        return NumpyModule(session, "math")
    if dotted == "copy":
        return Shim({"deepcopy": lambda a, k: plain_copy(a[0]), "copy": lambda a, k: plain_copy(a[0], 1)})
    if dotted in ("warnings", "json", "os"):
        return Opaque(f"module {dotted}")
    return keras_name(session, dotted)


def source_inputs(session: Session, tensor: Any) -> Any:
    """`operation_utils.get_source_inputs(input_tensor)`: the model inputs the tensor was computed from, so a
    model built on `input_tensor=` holds the layers before it too."""
    if not isinstance(tensor, KTensor):
        return [tensor]
    found: list[KTensor] = []
    seen: set[int] = set()
    stack = [tensor.ref]
    while stack:
        ref = stack.pop()
        if ref.call in seen:
            continue
        seen.add(ref.call)
        record = session.calls[ref.call]
        if not record.inputs:
            found.append(KTensor(session, ref))
        stack.extend(reversed(record.inputs))
    return sorted(found, key=lambda t: t.ref.call)


def plain_copy(value: Any, depth: int = 64) -> Any:
    """`copy.deepcopy` of plain data (the blocks tables of EfficientNet): lists, tuples and dicts are copied."""
    if depth <= 0:
        return value
    if isinstance(value, list):
        return [plain_copy(v, depth - 1) for v in value]
    if isinstance(value, tuple):
        return tuple(plain_copy(v, depth - 1) for v in value)
    if isinstance(value, dict):
        return {k: plain_copy(v, depth - 1) for k, v in value.items()}
    return value


class Shim(HostValue):
    """A module of Keras' internals that the applications use, reduced to the functions they call."""

    def __init__(self, functions: dict[str, Any]) -> None:
        self.functions = functions

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name in self.functions:
            return ShimFunction(self.functions[name])
        return Opaque(f"keras internals.{name}")


class ShimFunction(Atomic):
    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return self.fn(args, kwargs)


class ModuleScope(HostValue):
    """Another module the applications import (imagenet_utils, or one application from another)."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def py_getattr(self, name: str, ctx: Context) -> Any:
        found, value = self.scope.lookup(name)
        if not found:
            raise ctx.error(f"Keras' applications have no '{name}'")
        return value


class Backend(Shim):
    """`keras.src.backend` as the applications use it: channels-last images, Keras tensors, unique names."""

    def __init__(self, session: Session) -> None:
        super().__init__({
            "image_data_format": lambda a, k: session.image_data_format,
            "floatx": lambda a, k: "float32",
            "backend": lambda a, k: "tensorflow",
            "is_keras_tensor": lambda a, k: bool(a) and isinstance(a[0], KTensor),
            "name_scope": lambda a, k: NameScope(),
            "get_uid": lambda a, k: self.uid(a[0] if a else k.get("prefix", "")),
        })
        self.session = session

    def uid(self, prefix: Any) -> int:
        """Keras counts these with the layer names (one table of names for both)."""
        self.session.auto_name(str(prefix))
        return self.session.counters[str(prefix)]


class NameScope(HostValue):
    """`with backend.name_scope(...)`: names the weights inside, not the layers; entered as itself."""


def keras_name(session: Session, dotted: str) -> Any:
    if session.resolve_name is None:
        raise RuntimeError("the Keras reader sets session.resolve_name before reading an application")
    return session.resolve_name(session, dotted)
