"""Stand-ins for Keras objects while a source file is interpreted: layers, tensors, inputs, merges.

Each records what the code builds; nothing of Keras runs (or needs to be installed).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from functools import lru_cache

from .... import kinds
from ....errors import BadValue, InputError, KindError, Location
from ....frozen import record
from ....infer import apply_call
from ....ir import Graph, Layer, Shape, TensorRef
from ....kinds.rows import Input, Submodel, TensorOp, Unknown
from ....kinds.values import PLAIN_TYPES
from ...files.keras_config import snake_case
from ..python.interpreter import Interpreter, preview
from ..python.values import Atomic, Context, Function, HostValue, Instance, Opaque
from . import arith
from . import tensors as shapes
from .legacy import Keras1

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

KERAS_ROOTS = ("keras", "tensorflow", "tf_keras", "keras_core")
STRING_ARGS = {"name", "activation", "padding", "data_format", "merge_mode", "interpolation", "recurrent_activation",
               "kernel_initializer", "bias_initializer", "mode", "dtype"}
STRING_VALUES = {"same", "valid", "causal", "relu", "softmax", "sigmoid", "tanh", "linear", "elu", "selu", "gelu",
                 "swish", "silu", "softplus", "channels_last", "channels_first", "concat", "sum", "mul", "ave",
                 "nearest", "bilinear", "he_uniform", "he_normal", "glorot_uniform", "zeros", "ones", "float32"}
CONSTANT_FUNCTIONS = {"ones", "zeros", "normal", "uniform", "truncated_normal", "full", "empty", "random_normal",
                      "random_uniform"}  # take a shape
TENSOR_KWARGS = ("inputs", "query", "value", "key", "initial_state")
ELEMENTWISE_FUNCTIONS = {"relu", "sigmoid", "tanh", "softmax", "gelu", "silu", "swish", "elu", "selu", "leaky_relu",
                         "relu6", "softplus", "exp", "log", "sqrt", "abs", "square", "dropout", "identity",
                         "cast", "stop_gradient", "l2_normalize", "normalize", "log_softmax", "hard_sigmoid"}


class NotFollowed(InputError):
    """Code paramwise does not follow (a function it does not model) was reached; a custom layer's call() that
    reaches it makes its output shape an assumption, not an error."""


@record
class CallRecord:
    """One call of a layer in the file: its input tensors, their shapes and where it is."""

    layer: LayerObj
    inputs: list[TensorRef]
    location: Location
    shapes: list[Shape]


class Session:
    """Everything the file built: layers, calls and models, with Keras' global auto-naming."""

    def __init__(self, filename: str, interp: Interpreter) -> None:
        self.filename = filename
        self.interp = interp
        self.counters: dict[str, int] = {}
        self.calls: list[CallRecord] = []
        self.models: list[Any] = []
        self.keras1 = Keras1()
        self.applications: dict[str, Any] = {}  # Keras' application modules read so far, by name
        self.resolved: dict[str, Any] = {}  # the layer classes and namespaces dotted names resolved to (source.resolve)
        self.values: dict[int, list[Any]] = {}  # the values of short 1-D data (np.linspace), by call
        self.tracing = 0  # > 0 while a custom layer's call() or a Lambda's function is followed
        self.eager: set[int] = set()  # calls whose outputs are data (NumPy arrays, tf.zeros), not symbolic tensors
        # keras.backend.set_image_data_format(...): the data_format of the layers made after it that take one
        self.image_data_format = "channels_last"
        # how the reader resolves a dotted name (source.resolve, set by the reader: the application modules it
        # reads resolve Keras' own names through it, without importing the reader)
        self.resolve_name: Callable[[Session, str], Any] | None = None
        # each model's graph by id(model), made once while the reader turns the models it found into graphs
        # (source.read_guarded): a model nested in another is not made again for each model around it. None while
        # the file runs, whose code may still change a model between two of its graphs.
        self.graphs: dict[int, Graph] | None = None

    def auto_name(self, base: str) -> str:
        n = self.counters.get(base, 0)
        self.counters[base] = n + 1
        return base if n == 0 else f"{base}_{n}"

    def record(self, layer: LayerObj, inputs: list[KTensor], ctx: Context) -> list[KTensor]:
        """Apply `layer` to `inputs` now (shapes are needed by the code that follows, e.g. `x.shape[-1]`)."""
        shapes = [t.shape_of() for t in inputs]
        location = ctx.location
        out = layer.model.outputs_for(shapes) if layer.model is not None and not layer.distributed else None
        if out is None:
            try:
                out = apply_call(layer.applied(), shapes, location)
            except InputError as e:
                raise InputError(e.message, e.hint, location) from e
        outs = out if isinstance(out, list) else [out]
        index = len(self.calls)
        self.calls.append(CallRecord(layer, [t.ref for t in inputs], location, outs))
        layer.calls.append(index)
        if isinstance(out, list):
            return [KTensor(self, TensorRef(index, i)) for i in range(len(outs))]
        return [KTensor(self, TensorRef(index, 0))]

    def op(self, what: str, inputs: list[KTensor], shape: Shape | list[Shape], ctx: Context) -> Any:
        """A parameter-free operation (`x[..., :n]`, `ops.reshape`) whose output shape was worked out from the source."""
        kind = TensorOp("keras", "TensorOp", {"op": what, "result": list(shape) if isinstance(shape, list) else tuple(shape)})
        layer = LayerObj(self, "TensorOp", kind, self.op_name(what, inputs), ctx.location)
        layer.hidden = True
        outs = self.record(layer, inputs, ctx)
        if self.is_eager(inputs):
            self.eager.update(t.ref.call for t in outs)
        return outs if isinstance(shape, list) else outs[0]

    def op_name(self, what: str, inputs: list[KTensor]) -> str:
        """Keras names each operation on symbolic tensors after its class (`x * 2` takes "multiply" from the
        names later layers get); operations on data (NumPy arrays, `tf.zeros`) run at once and take no name, as do
        those in a custom layer's call() or a Lambda's function (Keras runs them on backend tensors to trace them)."""
        base = arith.OP_NAMES.get(what, what)
        return base if self.is_eager(inputs) or self.tracing else self.auto_name(base)

    def is_eager(self, inputs: list[KTensor]) -> bool:
        return all(t.ref.call in self.eager for t in inputs)

    def make_input(self, shape: Shape, name: str | None, ctx: Context, hidden: bool = False) -> KTensor:
        layer = LayerObj(self, "InputLayer", Input("keras", "InputLayer", {"shape": shape}), self.auto_name("input_layer") if name is None else name, ctx.location)
        layer.hidden = hidden
        tensor = self.record(layer, [], ctx)[0]
        if name == "data":
            self.eager.add(tensor.ref.call)
        return tensor


class KTensor(HostValue):
    """A symbolic tensor: the output of a recorded call."""

    def __init__(self, session: Session, ref: TensorRef) -> None:
        self.session = session
        self.ref = ref

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape_of()}>"

    def shape_of(self) -> Shape:
        return self.session.calls[self.ref.call].shapes[self.ref.index]

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name == "shape":
            return tuple(self.shape_of())
        if name == "ndim":
            return len(self.shape_of())
        if name == "size":
            return shapes.size(self.shape_of())
        if name == "T":
            return self.session.op("transpose", [self], self.shape_of()[::-1], ctx)
        if name in arith.METHODS:
            return arith.TensorMethod(self, name)
        if name in ("__iter__", "tolist") and self.ref.call in self.session.values:
            values = list(self.session.values[self.ref.call])
            return values if name == "__iter__" else arith.TensorMethod(self, "tolist")
        if name not in ("__iter__", "tolist", "dtype"):  # a method that may change the array in place
            self.session.values.pop(self.ref.call, None)
        if name == "__iter__" and self.ref.call in self.session.eager:  # data: its rows (len(x_train) is known)
            shape = self.shape_of()
            if shape and shapes.known(shape[0]) and shape[0] <= arith.MAX_ROWS:
                return [Opaque("array row") for _ in range(shape[0])]
        return Opaque(f"tensor.{name}")

    def py_setitem(self, key: Any, value: Any, ctx: Context) -> None:
        """`y[0] = 5`: the array keeps its shape; values paramwise knew for it are no longer known."""
        self.session.values.pop(self.ref.call, None)

    def py_getitem(self, key: Any, ctx: Context) -> Any:
        try:
            shape = shapes.index_shape(self.shape_of(), key)
        except shapes.ShapeError:
            return Opaque("tensor slice")
        return self.session.op("getitem", [self], shape, ctx)

    def py_binop(self, op: type, left: Any, right: Any, ctx: Context) -> Any:
        return arith.tensor_binop(self.session, op, left, right, ctx)

    def py_unaryop(self, op: type, ctx: Context) -> Any:
        """`-x`, `~x`: keras.ops.negative, logical_not (the shape is kept); KerasTensor has no unary `+`."""
        if op is ast.UAdd:
            raise ctx.error("bad operand type for unary +: a Keras tensor", hint="Keras tensors do not take unary +; remove it")
        return self.session.op("negative" if op is ast.USub else "logical_not", [self], self.shape_of(), ctx)

    def py_compare(self, op: type, left: Any, right: Any, ctx: Context) -> Any:
        return arith.tensor_compare(self.session, op, left, right, ctx)


# Layer attributes that hold a constructor argument as given (numbers, sizes, names), read from the layer's kind
CONFIG_ATTRS = frozenset({"units", "filters", "kernel_size", "strides", "padding", "dilation_rate", "groups",
                          "input_dim", "output_dim", "use_bias", "rate", "num_heads", "key_dim", "pool_size",
                          "data_format", "return_sequences", "return_state", "mask_zero", "epsilon", "momentum",
                          "depth_multiplier", "target_shape", "n"})


def _model_of(value: Any) -> Any:
    """The model object a value is (a Sequential, functional or subclassed model), else None."""
    host = value.host if isinstance(value, Instance) else value
    return host if callable(getattr(host, "to_graph", None)) and callable(getattr(host, "ensure_built", None)) else None


def _check_distributed_class(value: Any, session: Session, ctx: Context) -> None:
    """TimeDistributed of a layer or model class the file defines: Keras asks the class's compute_output_shape() for
    the output (no such method: Keras refuses the call), and builds it with its build() (none of its own: its layers
    stay unbuilt, and Keras counts none of their weights until the model runs)."""
    if not isinstance(value, Instance):
        return
    if not value.cls.lookup("compute_output_shape")[0]:
        raise ctx.error(f"TimeDistributed asks {value.cls.name} for its compute_output_shape(), which it does not "
                        "define: Keras refuses this call",
                        hint="define compute_output_shape(self, input_shape) in the class, or wrap a Sequential or "
                             "functional model")
    found, build = value.cls.lookup("build")
    if not (found and isinstance(build, Function)):
        session.interp.warn(
            "unbuilt_layers",
            f"TimeDistributed builds {value.cls.name} with build(), which it does not define: Keras marks it built "
            "without building its layers, and counts none of their weights until the model is first run; the counts "
            "here are those the model has once run",
            hint="give the class a build() that builds its layers, or wrap a Sequential or functional model",
            node=ctx.node)


class LayerObj(HostValue):
    """One Keras layer object: its kind, its name and the calls made of it."""

    def __init__(self, session: Session, type_name: str, kind: Any, name: str, location: Location) -> None:
        self.session = session
        self.type_name = type_name
        self.kind = kind
        self.name = name
        self.location = location
        self.trainable = True
        # trainable=False given to the constructor of a layer whose weights Keras 3 keeps in sublayers (see
        # Kind.weights_in_sublayers): the layer says False, its weights stay trainable; setting .trainable later
        # sets them all (see set_trainable)
        self.sublayers_trainable = False
        self.calls: list[int] = []
        self.hidden = False
        self.input_shape: Shape | None = None  # from input_shape= / input_dim= on a Sequential's first layer
        self.model: Any = None  # for a model used as a layer
        self.distributed = False  # TimeDistributed(model): the model applied to each time step

    def __repr__(self) -> str:
        return f"<{self.type_name} {self.name}>"

    @property
    def type(self) -> str:  # as its Layer's (what apply_call names in an error)
        return self.type_name

    def applied(self) -> LayerObj | Layer:
        """What a call applies (apply_call): the layer itself, no Layer made for each call; a nested model the
        Submodel its Layer holds."""
        return self if self.model is None else self.to_layer()

    def to_layer(self) -> Layer:
        kind = self.kind
        if self.model is not None:
            kind = Submodel("keras", self.type_name, {"graph": self.model.to_graph(), "distributed": self.distributed})
        return Layer(self.name, self.type_name, kind, self.location, self.trainable or self.sublayers_trainable,
                     hidden=self.hidden)

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        tensors = collect_tensors(args, kwargs)
        if not tensors and any(isinstance(a, Opaque) for a in [*args, *kwargs.values()]):
            raise NotFollowed(f"{self.type_name} '{self.name}' was called on a value paramwise does not read",
                              hint="the function that made it is not one paramwise follows", location=ctx.location)
        if not tensors:
            raise ctx.error(f"{self.type_name} '{self.name}' was called without a tensor", hint="call a layer on the output of keras.Input(...) or another layer")
        if self.kind is not None and self.kind.takes_list and args and isinstance(args[0], KTensor):
            raise ctx.error(f"{self.type_name} '{self.name}' must be called on a list of tensors; got one tensor",
                            hint=f"pass a list: {self.type_name}()([a, b])")
        if self.model is not None and self.distributed:  # built on one time step's shape, as Keras builds it
            shape = tensors[0].shape_of()
            if not self.model.is_built() and len(shape) >= 3:
                self.model.ensure_built((shape[0], *shape[2:]), ctx)
        elif self.model is not None:
            self.model.build_for_call(args, kwargs, ctx)
        if not self.calls and self.kind is not None:  # Keras names the sublayers a layer builds on its first call
            for base in self.kind.attrs.get("sublayer_names", ()):
                self.session.auto_name(base)
        if not self.calls and self.type_name == "Lambda" and not self.kind.has_shape():
            arith.follow_lambda(self, args, kwargs, ctx)
        for option in self.kind.attrs.get("call_options", ()) if self.kind is not None else ():
            self.kind.attrs[option] = kwargs.get(option) is True  # e.g. return_attention_scores=True: two outputs
        outs = self.session.record(self, tensors, ctx)
        return outs[0] if len(outs) == 1 else outs

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name == "trainable":
            return self.trainable
        if name == "name":
            return self.name
        if name == "output" and self.calls:
            return KTensor(self.session, TensorRef(self.calls[0], 0))
        if name == "output_shape" and self.calls:
            return tuple(self.session.calls[self.calls[0]].shapes[0])
        if name in CONFIG_ATTRS and self.kind is not None and self.model is None:
            value = self.kind.attrs.get(name, Opaque)
            if value is None or isinstance(value, (int, str)) or (
                    isinstance(value, tuple) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
                return value  # `self.embeddings[f].input_dim - 1`, `layer.units`: as the layer keeps its arguments
        return Opaque(f"{self.name}.{name}")

    def set_trainable(self, value: Any) -> None:
        """`layer.trainable = value`: Keras sets the flag on the layer and every sublayer it has made by then."""
        self.trainable = bool(value)
        kind = self.kind
        self.sublayers_trainable = (not value and kind is not None and kind.sublayers_made_at_build
                                    and not self.calls)

    def py_setattr(self, name: str, value: Any, ctx: Context) -> None:
        if name == "trainable":
            self.set_trainable(value)


@lru_cache(maxsize=1024)  # bounded: a type name is the source's text
def own_arguments(type_name: str) -> frozenset[str]:
    """The arguments a Keras spelling's kind takes itself (of those the reader otherwise drops, Embedding's
    `input_dim`)."""
    found = kinds.lookup("keras", type_name)
    return frozenset(p for p, _ in found[0].signatures.get("keras", ())) if found else frozenset()


def collect_tensors(args: list[Any], kwargs: dict[str, Any]) -> list[KTensor]:
    """The tensors in a call's arguments, in order: in lists, tuples and dicts (`{"a": x}`) too."""
    if not kwargs and all(type(a) is KTensor for a in args):  # the usual call, `layer(x)`
        return list(args)
    out: list[KTensor] = []

    def keep(t: KTensor) -> KTensor:
        out.append(t)
        return t

    for value in [*args, *(kwargs[k] for k in TENSOR_KWARGS if k in kwargs)]:
        walk_tensors(value, keep)
    return out


def walk_tensors(value: Any, fn: Any, depth: int = 0) -> Any:
    """`value` with each tensor in it replaced by `fn(tensor)` (lists, tuples and dicts are walked)."""
    if isinstance(value, KTensor):
        return fn(value)
    if depth > 8:
        return value
    if isinstance(value, (list, tuple)):
        items = [walk_tensors(v, fn, depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {k: walk_tensors(v, fn, depth + 1) for k, v in value.items()}
    return value


class LayerClass(Atomic):
    """`keras.layers.Conv2D` and friends: calling one makes a LayerObj."""

    def __init__(self, session: Session, type_name: str) -> None:
        self.session = session
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<class {self.type_name}>"

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name == "__init__":  # layers.Conv2D.__init__(self, 32, 3) in a subclass
            def explicit_init(args: list[Any], kwargs: dict[str, Any], c: Context) -> None:
                instance = args[0] if args else None
                if not isinstance(instance, Instance) or not isinstance(instance.cls.host_base(), LayerClass):
                    raise c.error(f"{self.type_name}.__init__ needs the layer being made (self) first")
                self.py_instance_init(instance, list(args[1:]), kwargs, c)
            return _SubclassMethod(explicit_init)
        if name in ("__name__", "__qualname__"):
            return self.type_name
        return super().py_getattr(name, ctx)

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        kwargs = {key: unquoted(key, value, ctx) for key, value in kwargs.items()} if kwargs else {}
        args = [unquoted("", a, ctx) for a in args]
        type_name, args, kwargs = self.session.keras1.translate(self.type_name, args, kwargs, ctx)
        if type_name != self.type_name:
            return LayerClass(self.session, type_name).py_call(args, kwargs, ctx)
        name = checked_name(kwargs.pop("name", None), ctx)
        trainable = kwargs.pop("trainable", True)
        input_shape = None
        if kwargs:
            own = own_arguments(self.type_name)  # Embedding's input_dim
            input_shape = input_shape_of({k: v for k, v in kwargs.items() if k not in own})
            for key in ("dtype", "input_shape", "input_dim", "batch_input_shape", "batch_size", "input_length"):
                if key not in own:
                    kwargs.pop(key, None)
        self.default_data_format(args, kwargs)
        given = args[0] if args else kwargs.get("layer")
        wrapped = _model_of(given) if isinstance(given, (HostValue, Instance)) else None
        if wrapped is not None and self.applies_models():  # TimeDistributed(model): walked on each step (Submodel)
            _check_distributed_class(given, self.session, ctx)
            layer = LayerObj(self.session, self.type_name, None,
                             self.session.auto_name("time_distributed") if name is None else name, ctx.location)
            layer.model, layer.distributed, layer.trainable = wrapped, True, bool(trainable)
            layer.sublayers_trainable = not trainable  # the model's weights are its own (see weights_in_sublayers)
            return layer
        kind = self.make_kind(args, kwargs, ctx)
        named_at_init = kind.attrs.get("named_at_init")
        for attr, sub in dict(named_at_init or {}).items():  # RNN([cells]) makes a StackedRNNCells
            kind.attrs[attr] = self.session.auto_name(sub)
        # Keras names a layer after its class, so an alias (MaxPool2D) is named as its class (max_pooling2d)
        base = snake_case(kind.attrs.get("keras_class") or self.type_name)
        layer = LayerObj(self.session, self.type_name, kind, self.session.auto_name(base) if name is None else name, ctx.location)
        layer.trainable = bool(trainable)
        layer.sublayers_trainable = not trainable and kind.weights_in_sublayers
        layer.input_shape = input_shape
        return layer

    def default_data_format(self, args: list[Any], kwargs: dict[str, Any]) -> None:
        """A layer that takes data_format and is not given one uses the global image data format, as Keras's
        `standardize_data_format(None)` does (set by keras.backend.set_image_data_format)."""
        if self.session.image_data_format == "channels_last" or "data_format" in kwargs:
            return
        found = kinds.lookup("keras", self.type_name)
        if found is None:
            return
        names = [p for p, _ in kinds.signature_of(found[0], "keras", self.type_name)]
        if "data_format" in names and names.index("data_format") >= len(args):
            kwargs["data_format"] = self.session.image_data_format

    def applies_models(self) -> bool:
        """Whether this layer class takes a whole model as its layer (Kind.applies_models)."""
        found = kinds.lookup("keras", self.type_name)
        return found is not None and found[0].applies_models

    def make_kind(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        found = kinds.lookup("keras", self.type_name)
        if found is None:
            guess = kinds.suggest("keras", self.type_name)
            ctx.warn(
                "unknown_layer",
                f"unknown layer {self.type_name}: its parameters are counted as '?' (and left out of the total); "
                "the layers after it assume it keeps the shape of its input",
                hint=f"did you mean {guess}?" if guess else "paramwise does not know this layer yet",
            )
            return Unknown("keras", self.type_name, {})
        try:
            kind, extra = kinds.make("keras", self.type_name, args, kwargs)
        except KindError as e:
            e = e.reworded(preview) if isinstance(e, BadValue) else e
            message = e.message if e.message.startswith(self.type_name) else f"{self.type_name}: {e.message}"
            raise ctx.error(message, e.hint) from e
        if kind.caveat() and self.type_name != "Lambda":  # a Lambda's body is followed when it is called
            ctx.warn("approximate_layer", f"{self.type_name}: {kind.caveat()}")
        for key in kinds.refused("keras", self.type_name, extra) if extra else ():
            if kinds.suggest_argument("keras", self.type_name, key):  # not an argument Keras 2 took that Keras 3 dropped
                ctx.warn("unknown_argument", f"{self.type_name} has no argument '{key}'",
                         hint=kinds.argument_hint("keras", self.type_name, key))
        return kind

    # -- a class of the file derives from this layer: `class StandardizedConv2D(layers.Conv2D)` ----------------
    # Its weights are the ones the built-in layer builds (a `call()` or `convolution_op()` of its own changes the
    # computation, not the weights), so the instance is that layer, named and typed after the class as Keras does.
    # What the class adds that paramwise does not follow (a build() of its own, layers or weights set on it) is
    # said, with the count marked incomplete.

    def py_new_instance(self, instance: Instance, ctx: Context) -> None:
        instance.host = None  # the layer is made when __init__ reaches the built-in __init__ (super().__init__(...))

    def py_instance_init(self, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
        kwargs = dict(kwargs)
        if not kwargs.get("name"):
            kwargs["name"] = self.session.auto_name(snake_case(instance.cls.name))
        layer = self.py_call(list(args), kwargs, ctx)
        layer.type_name = instance.cls.name
        instance.host = layer
        found, build = instance.cls.lookup("build")
        if found and not isinstance(build, HostValue):
            ctx.warn("custom_weights", f"{instance.cls.name}.build() replaces {self.type_name}.build(); paramwise "
                     f"counts the weights {self.type_name} makes and does not follow this build()",
                     hint="summarize the live model instead: paramwise.summary(model)")

    def py_instance_getattr(self, instance: Instance, name: str, ctx: Context) -> Any:
        layer = instance.host
        if not isinstance(layer, LayerObj):
            raise AttributeError(name)
        if name in ("add_weight", "add_variable"):
            def uncounted(args: list[Any], kwargs: dict[str, Any], c: Context) -> Any:
                c.warn("custom_weights", f"{instance.cls.name}: a weight made with {name}() on a subclass of "
                       f"{self.type_name} is not counted", hint="summarize the live model instead: paramwise.summary(model)")
                return Opaque("weight")
            return _SubclassMethod(uncounted)
        return layer.py_getattr(name, ctx)

    def py_instance_setattr(self, instance: Instance, name: str, value: Any, ctx: Context) -> None:
        layer = instance.host
        if not isinstance(layer, LayerObj):
            return
        if name == "trainable":
            layer.set_trainable(value)
            return
        from .subclass import VariableValue  # subclass.py imports this module

        items = value if isinstance(value, (list, tuple)) else list(value.values()) if isinstance(value, dict) else [value]
        if any(isinstance(v, (LayerObj, VariableValue)) or hasattr(v, "as_layer")
               or isinstance(v, Instance) and (isinstance(v.host, LayerObj) or hasattr(v.host, "as_layer")) for v in items):
            ctx.warn("custom_weights", f"{instance.cls.name}: '{name}' holds a layer or weight set on a subclass of "
                     f"{self.type_name}; its weights are not counted",
                     hint="summarize the live model instead: paramwise.summary(model)")

    def py_instance_call(self, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        layer = instance.host
        if not isinstance(layer, LayerObj):
            raise ctx.error(f"{instance.cls.name} was called before {self.type_name}.__init__() ran",
                            hint="call super().__init__(...) in the class's __init__")
        return layer.py_call(args, kwargs, ctx)


class _SubclassMethod(HostValue):
    def __init__(self, run: Callable[[list[Any], dict[str, Any], Context], Any]) -> None:
        self.run = run

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return self.run(args, kwargs, ctx)


def input_shape_of(kwargs: dict[str, Any]) -> Shape | None:
    if kwargs.get("batch_input_shape") is not None:
        return tuple(kwargs["batch_input_shape"])
    if kwargs.get("input_shape") is not None:
        return (kwargs.get("batch_size"), *tuple(kwargs["input_shape"]))
    if kwargs.get("input_dim") is not None:
        length = kwargs.get("input_length")
        return (None, length, kwargs["input_dim"]) if length is not None else (None, kwargs["input_dim"])
    return None


def checked_name(value: Any, ctx: Context) -> str | None:
    """`name=` of a layer or model: text (Keras 3 keeps `name=""` as the name), or None for the name Keras picks;
    Keras refuses anything else."""
    if value is None or isinstance(value, str):
        return value
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a value of the interpreter's own: described by its type
        text = type(value).__name__
    text = text if len(text) <= 60 else text[:57] + "..."
    raise ctx.error(f"name= must be a string; got {type(value).__name__} {text}",
                    hint='a layer or model name is text, e.g. name="encoder"')


def unquoted(key: str, value: Any, ctx: Context) -> Any:
    """A bare name where Keras wants a string (`name=Conv1`, `padding=same`) becomes that string."""
    if type(value) in PLAIN_TYPES:  # most arguments: no symbol to look at
        return value
    symbol_name = getattr(value, "name", None) if getattr(value, "is_Symbol", False) else None
    if symbol_name is not None and (key in STRING_ARGS or symbol_name in STRING_VALUES):
        ctx.interp.forget_symbol(symbol_name)
        where = next((n for n in ast.walk(ctx.node) if isinstance(n, ast.Name) and n.id == symbol_name), None) if ctx.node else None
        ctx.warn("pasted_text", f"'{symbol_name}' is not quoted; read it as the string '{symbol_name}'", node=where)
        return symbol_name
    return value


class InputFunction(Atomic):
    """`keras.Input(shape=...)` and `keras.layers.InputLayer(...)`."""

    def __init__(self, session: Session, as_layer: bool) -> None:
        self.session = session
        self.as_layer = as_layer

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        shape = args[0] if args else kwargs.get("shape", kwargs.get("input_shape"))
        batch_shape = kwargs.get("batch_shape", kwargs.get("batch_input_shape"))
        if batch_shape is not None:
            full = tuple(batch_shape)
        elif shape is not None:
            full = (kwargs.get("batch_size"), *(tuple(shape) if isinstance(shape, (list, tuple)) else (shape,)))
        else:
            raise ctx.error("Input needs a shape", hint="e.g. keras.Input(shape=(28, 28, 1))")
        name = checked_name(unquoted("name", kwargs.get("name"), ctx), ctx)
        tensor = self.session.make_input(full, name, ctx)
        if self.as_layer:
            return InputLayerValue(tensor)
        return tensor


class InputLayerValue(HostValue):
    """`InputLayer(...)` inside a Sequential list."""

    def __init__(self, tensor: KTensor) -> None:
        self.tensor = tensor


class MergeFunction(Atomic):
    """`layers.add([a, b])`, `layers.concatenate([...], axis=-1)`: make the layer and call it at once."""

    def __init__(self, session: Session, type_name: str) -> None:
        self.session = session
        self.type_name = type_name

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        tensors = args[0] if args else kwargs.pop("inputs")
        layer = LayerClass(self.session, self.type_name).py_call(list(args[1:]), kwargs, ctx)
        return layer.py_call([tensors], {}, ctx)


class ConstantFunction(Atomic):
    """`tf.ones((1, 4))`, `keras.ops.zeros(...)`, `tf.random.normal(shape=...)`: data of a known shape.

    Calling a model on it builds the model for that shape, batch axis included, as Keras does.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        shape = arith.known_dims(args[0] if args else kwargs.get("shape"))
        if not isinstance(shape, (list, tuple)) or not all(d is None or isinstance(d, int) for d in shape):
            return Opaque("tensor")
        return self.session.make_input(tuple(shape), "data", ctx, hidden=True)
