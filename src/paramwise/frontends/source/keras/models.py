"""Keras models while a source file is interpreted: Sequential, functional `Model(inputs, outputs)`,
and subclassed `keras.Model` / `keras.layers.Layer` (layers tracked in `__init__`, wired by tracing `call`)."""

from __future__ import annotations

from ....errors import InputError, Location
from ....frozen import replace
from ....ir import Call, Graph, Layer, Shape, TensorRef
from ....kinds.rows import Parameter
from ...files.keras_config import snake_case
from ..python.values import Atomic, Context, HostValue, Instance, Opaque
from .layers import (
    InputLayerValue,
    KTensor,
    LayerObj,
    Session,
    checked_name,
    collect_tensors,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

NO_OPS = {"compile", "fit", "evaluate", "predict", "save", "save_weights", "load_weights", "summary", "count_params",
          "get_config", "to_json", "get_weights", "set_weights", "train_on_batch", "predict_on_batch"}


class Method(HostValue):
    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return self.fn(args, kwargs, ctx)


class ModelBase:
    """What every Keras model has: a name, a graph of recorded calls, and use as a layer."""

    session: Session
    name: str
    type_name: str
    location: Location
    trainable: bool = True
    # trainable=False given to a subclass's constructor: Keras 3 freezes the weights the class makes itself
    # (add_weight), not those of the layers it holds (they keep their own flag); setting .trainable freezes all
    own_weights_only: bool = False
    layer_obj: LayerObj | None = None
    shows_inputs = False  # a functional model lists its InputLayers; Sequential and subclassed models do not

    def input_tensors(self) -> list[KTensor]:
        raise NotImplementedError

    def output_tensors(self) -> list[KTensor]:
        raise NotImplementedError

    def row_layers(self) -> list[LayerObj]:
        """The layers Keras lists in `model.layers`, in Keras' order."""
        raise NotImplementedError

    def is_built(self) -> bool:
        return bool(self.output_tensors())

    def ensure_built(self, shape: Shape, ctx: Context) -> None:
        pass

    def build_for_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
        """Build the model the first time it is called (on the shape of its first input)."""
        tensors = collect_tensors(args, kwargs)
        if tensors and not self.is_built():
            self.ensure_built(tensors[0].shape_of(), ctx)

    def outputs_for(self, shapes: list[Shape]) -> Shape | list[Shape] | None:
        """The shapes of the model's outputs called on inputs of `shapes`, when they are the shapes it was built on:
        those of its own outputs, which a walk of its graph would give again (applied without that walk, a chain of
        d nested models, each applied by the next, made and walked d²/2 graphs); None for other shapes."""
        ins = self.input_tensors()
        if not ins or len(ins) != len(shapes) or any(t.shape_of() != s for t, s in zip(ins, shapes)) or not self.is_built():
            return None
        outs = [t.shape_of() for t in self.output_tensors()]
        return outs[0] if len(outs) == 1 else outs

    def to_graph(self) -> Graph:
        made = self.session.graphs
        if made is not None and id(self) in made:  # see Session.graphs
            return made[id(self)]
        graph = self.make_graph()
        if made is not None:
            made[id(self)] = graph
        return graph

    def make_graph(self) -> Graph:
        if not self.is_built():
            raise InputError(
                f"model '{self.name}' has no input shape, so its layers cannot be sized",
                hint=self.unbuilt_hint(),
                location=self.location,
            )
        calls = reachable(self.session, self.input_tensors(), self.output_tensors())
        order = self.ordered_layers(calls)
        position = {id(obj): i for i, obj in enumerate(order)}
        renumber = {old: new for new, old in enumerate(calls)}
        kept = len(calls) == len(self.session.calls)  # no call left out: every call keeps its number
        ir_calls = []
        for old in calls:
            rec = self.session.calls[old]
            # a tensor whose call keeps its number keeps its TensorRef (every one, when no call is left out)
            inputs = tuple(rec.inputs) if kept else tuple(
                t if renumber[t.call] == t.call else TensorRef(renumber[t.call], t.index)
                for t in rec.inputs if t.call in renumber)
            ir_calls.append(Call(position[id(rec.layer)], inputs, rec.location, len(rec.shapes)))
        layers = []
        shown_inputs = {id(self.session.calls[t.ref.call].layer) for t in self.input_tensors()} if self.shows_inputs else set()
        for obj in order:
            layer = obj.to_layer()
            if self.untracked(obj):
                layer = self.untracked_layer(obj, layer)
            if id(obj) in shown_inputs and layer.hidden:  # Sequential's implicit input reused by Model(inputs, ...)
                layer = replace(layer, hidden=False)
            if not self.trainable and layer.trainable and (not self.own_weights_only or isinstance(layer.kind, Parameter)):
                layer = replace(layer, trainable=False)
            layers.append(layer)
        return Graph(
            framework="keras",
            name=self.name,
            layers=tuple(layers),
            calls=tuple(ir_calls),
            inputs=tuple(TensorRef(renumber[t.ref.call], t.ref.index) for t in self.input_tensors()),
            outputs=tuple(TensorRef(renumber[t.ref.call], t.ref.index) for t in self.output_tensors()),
            source=self.session.filename,
            location=self.location,
            meta={"model_type": self.type_name},
        )

    def ordered_layers(self, calls: list[int] | None = None) -> list[LayerObj]:
        """The model's layers in Keras' order: its own list first, then the layers its graph calls."""
        if calls is None:
            calls = reachable(self.session, self.input_tensors(), self.output_tensors()) if self.is_built() else []
        order = list(self.row_layers())
        listed = {id(obj) for obj in order}
        for index in calls:
            obj = self.session.calls[index].layer
            if id(obj) not in listed:
                listed.add(id(obj))
                order.append(obj)
        return order

    def untracked(self, obj: LayerObj) -> bool:
        """A layer the model calls but Keras does not list in `model.layers` (see SubclassState)."""
        return False

    def untracked_layer(self, obj: LayerObj, layer: Layer) -> Layer:
        return layer

    def unbuilt_hint(self) -> str:
        return "add input_shape=(...) to the first layer, or start the model with keras.Input(shape=(...))"

    def as_layer(self) -> LayerObj:
        if self.layer_obj is None:
            self.layer_obj = LayerObj(self.session, self.type_name, None, self.name, self.location)
            self.layer_obj.model = self
        self.layer_obj.trainable = self.trainable
        self.layer_obj.sublayers_trainable = self.own_weights_only and not self.trainable  # see own_weights_only
        return self.layer_obj

    def common_attr(self, name: str, ctx: Context) -> Any:
        if name in NO_OPS:
            return Method(lambda a, k, c: Opaque(f"{self.name}.{name}()"))
        if name == "name":
            return self.name
        if name == "trainable":
            return self.trainable
        if name == "layers":
            shown = [obj for obj in self.ordered_layers() if not self.untracked(obj)
                     and (not obj.hidden or (self.shows_inputs and obj.type_name == "InputLayer"))]
            return [obj.model if obj.model is not None and not obj.distributed else obj for obj in shown]
        if name in ("input", "inputs"):
            ins = self.input_tensors()
            return ins[0] if name == "input" and len(ins) == 1 else ins
        if name in ("output", "outputs"):
            outs = self.output_tensors()
            return outs[0] if name == "output" and len(outs) == 1 else outs
        if name == "build":
            return Method(lambda a, k, c: self.build_from(a[0] if a else k.get("input_shape"), c))
        if name == "get_layer":
            return Method(lambda a, k, c: self.get_layer(a[0] if a else k.get("name"), a[1] if len(a) > 1 else k.get("index"), c))
        return Opaque(f"{self.name}.{name}")

    def get_layer(self, name: Any, index: Any, ctx: Context) -> Any:
        """`model.get_layer("conv1")` or `get_layer(index=3)`: the layer itself, so `.trainable = False` sticks."""
        shown = [obj for obj in self.ordered_layers() if not obj.hidden or (self.shows_inputs and obj.type_name == "InputLayer")]
        if isinstance(index, int) and not isinstance(index, bool):
            if not -len(shown) <= index < len(shown):
                raise ctx.error(f"get_layer(index={index}): the model has {len(shown)} layers")
            found = shown[index]
        else:
            match = [obj for obj in shown if obj.name == name]
            if not match:
                names = ", ".join(obj.name for obj in shown[:12])
                raise ctx.error(f"model '{self.name}' has no layer named {name!r}", hint=f"its layers: {names}")
            found = match[0]
        return found.model if found.model is not None and not found.distributed else found

    def build_from(self, shape: Any, ctx: Context) -> None:
        if isinstance(shape, (list, tuple)):
            self.ensure_built(tuple(shape), ctx)

    def call_as_layer(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return self.as_layer().py_call(args, kwargs, ctx)

    def set_trainable(self, value: Any) -> None:
        """`model.trainable = False` freezes every layer it holds (Keras sets the flag on each, recursively), so
        a model built on its layers (`Model(base.input, ...)`) keeps them frozen; `True` unfreezes them all."""
        self.trainable, self.own_weights_only = bool(value), False
        for obj in self.ordered_layers():
            if obj.model is not None and obj.model is not self:
                obj.model.set_trainable(value)
            obj.set_trainable(value)


def reachable(session: Session, inputs: list[KTensor], outputs: list[KTensor]) -> list[int]:
    """Indices of the calls between `inputs` and `outputs`, in the order they were made."""
    stop = {t.ref.call for t in inputs}
    seen: set[int] = set()
    stack = [t.ref.call for t in outputs]
    while stack:
        index = stack.pop()
        if index in seen:
            continue
        seen.add(index)
        if index not in stop:
            for t in session.calls[index].inputs:  # a loop, not a generator: one call per layer less
                stack.append(t.call)
    # A call that no input of the model feeds (a layer applied to `tf.range(n)` or to NumPy data) ran at once on
    # constants: its result is a constant of the graph, and Keras' Model neither lists that layer nor counts it.
    fed = set(stop)
    for index in sorted(seen):
        for t in session.calls[index].inputs:
            if t.call in fed:
                fed.add(index)
                break
    if not all(t.ref.call in fed for t in outputs):  # an output made from constants only (a custom layer's
        return sorted(seen | stop)                   # traced call): every call it needs is kept
    return sorted(fed)  # an input no output uses is still the model's input (Keras lists it, 0 params)


class SequentialObj(HostValue, ModelBase):
    """`keras.Sequential([...])`: layers chained in order once the input shape is known."""

    type_name = "Sequential"

    def __init__(self, session: Session, items: list[Any], name: str | None, ctx: Context) -> None:
        self.session = session
        self.name = session.auto_name("sequential") if name is None else name
        self.location = ctx.location
        self.items: list[Any] = []
        self.names: dict[str, Any] = {}  # each layer by its name: Keras refuses two layers of one name
        self.input: KTensor | None = None
        self.output: KTensor | None = None
        self.trainable = True
        self.layer_obj = None
        session.models.append(self)
        self.quiet = True  # building inside the constructor or add(): named once, after it
        for item in items:
            self.add(item, ctx)
        self.quiet = False
        self.rebuilt()

    def rebuilt(self) -> None:
        """Keras builds a Sequential model that has an input as a Functional model of its own, each time it is
        (re)built (at the end of the constructor, on each add() and pop()): that takes a "functional" name."""
        if self.output is not None and self.items:
            self.session.auto_name("functional")

    def user_add(self, item: Any, ctx: Context) -> None:
        self.quiet = True
        try:
            self.add(item, ctx)
        finally:
            self.quiet = False
        self.rebuilt()

    def user_pop(self, ctx: Context) -> Any:
        """`model.pop()`: the last layer taken off; a built model is chained again from its input without it (an
        input alone stays the model's input, for the next add())."""
        if not self.items:
            raise ctx.error(f"Sequential '{self.name}' has no layer to pop", hint="Keras refuses pop() on an empty model")
        item = self.items.pop()
        self.names = {name: obj for name, obj in self.names.items() if obj is not item}
        if self.input is not None:
            if self.items:
                self.connect(self.input, ctx)
            else:
                self.output = self.input
        self.rebuilt()
        return item

    def __repr__(self) -> str:
        return f"<Sequential {self.name}>"

    def add(self, item: Any, ctx: Context) -> None:
        if isinstance(item, (KTensor, InputLayerValue)):
            tensor = item if isinstance(item, KTensor) else item.tensor
            record = self.session.calls[tensor.ref.call]
            if self.output is None and not record.inputs:  # keras.Input(...) becomes this model's input layer
                record.layer.hidden = True
                self.connect(tensor, ctx)
            else:
                self.ensure_built(tensor.shape_of(), ctx)
            return
        layer = as_layer_obj(item, ctx)
        if self.names.setdefault(layer.name, layer) is not layer:
            raise ctx.error(f"Sequential '{self.name}' has two layers named '{layer.name}': Keras refuses it (\"All layers "
                            "added to a Sequential model should have unique names\")",
                            hint="give each layer its own name=, or none: Keras numbers them (dense, dense_1, ...)")
        self.items.append(layer)
        first = self.items[0].model
        if self.output is None and len(self.items) == 1 and layer.input_shape is not None:
            self.ensure_built(layer.input_shape, ctx)
        elif self.output is None and len(self.items) > 1 and first is not None and first.is_built() and first.input_tensors():
            # Keras 3 rebuilds a Sequential on each add() once it has two layers and the first one has an input
            # shape, as a built model has: its input shape becomes this model's (one nested model alone is not built)
            self.ensure_built(first.input_tensors()[0].shape_of(), ctx)
        elif self.output is not None:
            self.output = self._apply(layer, self.output, ctx)

    def _apply(self, layer: LayerObj, x: KTensor, ctx: Context) -> KTensor:
        try:
            result = layer.py_call([x], {}, Context(ctx.interp, ctx.node))
        except InputError as e:  # point at the layer itself, not at the add() or Sequential() holding it
            raise InputError(e.message, e.hint, layer.location) from e
        if isinstance(result, list):
            raise ctx.error(f"layer '{layer.name}' returns {len(result)} tensors; a Sequential model needs one")
        assert isinstance(result, KTensor)
        return result

    def ensure_built(self, shape: Shape, ctx: Context) -> None:
        if self.output is not None:
            return
        self.connect(self.session.make_input(tuple(shape), None, ctx, hidden=True), ctx)
        if not self.quiet:  # built by a call or build(): once
            self.rebuilt()

    def connect(self, tensor: KTensor, ctx: Context) -> None:
        """Chain the layers added so far from the model's input tensor."""
        self.input = x = tensor
        for layer in self.items:
            location = Context(ctx.interp, ctx.node)
            x = self._apply(layer, x, location)
        self.output = x

    def input_tensors(self) -> list[KTensor]:
        return [self.input] if self.input is not None else []

    def output_tensors(self) -> list[KTensor]:
        return [self.output] if self.output is not None else []

    def row_layers(self) -> list[LayerObj]:
        return list(self.items)

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name == "add":
            return Method(lambda a, k, c: self.user_add(a[0] if a else k["layer"], c))
        if name == "pop":
            return Method(lambda a, k, c: self.user_pop(c))
        return self.common_attr(name, ctx)

    def py_setattr(self, name: str, value: Any, ctx: Context) -> None:
        if name == "trainable":
            self.set_trainable(value)

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return self.call_as_layer(args, kwargs, ctx)


def as_layer_obj(item: Any, ctx: Context) -> LayerObj:
    if isinstance(item, LayerObj):
        return item
    if isinstance(item, ModelBase):
        return item.as_layer()
    if isinstance(item, Instance) and isinstance(item.host, ModelBase):
        return item.host.as_layer()
    if isinstance(item, Instance) and isinstance(item.host, LayerObj):  # a class deriving from a built-in layer
        return item.host
    raise ctx.error(f"a Sequential model takes layers; got {item!r}", hint="check the list passed to Sequential")


class FunctionalObj(HostValue, ModelBase):
    """`keras.Model(inputs, outputs)`: the layers between the inputs and the outputs."""

    type_name = "Functional"
    shows_inputs = True

    def __init__(self, session: Session, inputs: Any, outputs: Any, name: str | None, ctx: Context) -> None:
        self.session = session
        self.name = session.auto_name("functional") if name is None else name
        self.location = ctx.location
        self.inputs = collect_tensors([inputs], {})
        self.outputs = collect_tensors([outputs], {})
        self.trainable = True
        self.layer_obj = None
        if not self.inputs or not self.outputs:
            raise ctx.error("Model(inputs, outputs) needs the input and output tensors", hint="e.g. keras.Model(inputs, outputs)")
        named: dict[str, Any] = {}
        for index in reachable(session, self.inputs, self.outputs):  # Keras' map_graph: every name once
            obj = session.calls[index].layer
            if (not obj.hidden or obj.type_name == "InputLayer") and named.setdefault(obj.name, obj) is not obj:
                raise ctx.error(f"model '{self.name}' has two layers named '{obj.name}': Keras refuses it (\"All operation "
                                "names should be unique\")",
                                hint="give each layer its own name=, or none: Keras numbers them (dense, dense_1, ...)")
        session.models.append(self)

    def __repr__(self) -> str:
        return f"<Functional {self.name}>"

    def input_tensors(self) -> list[KTensor]:
        return self.inputs

    def output_tensors(self) -> list[KTensor]:
        return self.outputs

    def row_layers(self) -> list[LayerObj]:
        return []

    def py_getattr(self, name: str, ctx: Context) -> Any:
        return self.common_attr(name, ctx)

    def py_setattr(self, name: str, value: Any, ctx: Context) -> None:
        if name == "trainable":
            self.set_trainable(value)

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        return self.call_as_layer(args, kwargs, ctx)


class SequentialClass(Atomic):
    def __init__(self, session: Session) -> None:
        self.session = session

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        items = args[0] if args else kwargs.get("layers") or []
        return SequentialObj(self.session, list(items), checked_name(kwargs.get("name"), ctx), ctx)

    # -- a class of the file derives from Sequential: `class Net(keras.Sequential)` -----------------------------
    # The instance is the Sequential model its __init__ makes (super().__init__([...]) and self.add(...)), named
    # and typed after the class, as Keras does.

    def py_new_instance(self, instance: Instance, ctx: Context) -> None:
        instance.host = None

    def py_instance_init(self, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
        items = args[0] if args else kwargs.get("layers") or []
        name = checked_name(kwargs.get("name"), ctx)
        name = self.session.auto_name(snake_case(instance.cls.name)) if name is None else name
        model = SequentialObj(self.session, list(items), name, ctx)
        model.type_name = instance.cls.name
        if kwargs.get("trainable") is False:
            model.py_setattr("trainable", False, ctx)
        instance.host = model

    def py_instance_getattr(self, instance: Instance, name: str, ctx: Context) -> Any:
        if not isinstance(instance.host, SequentialObj):
            raise AttributeError(name)
        return instance.host.py_getattr(name, ctx)

    def py_instance_setattr(self, instance: Instance, name: str, value: Any, ctx: Context) -> None:
        model = instance.host
        if not isinstance(model, SequentialObj):
            return
        if name == "trainable":
            model.py_setattr(name, value, ctx)
        elif isinstance(value, (LayerObj, ModelBase)) or isinstance(value, Instance) and isinstance(value.host, (LayerObj, ModelBase)):
            ctx.warn("custom_weights", f"{instance.cls.name}: '{name}' holds a layer set on a subclass of Sequential; "
                     "paramwise counts the layers the model chains and not this one",
                     hint="add the layer with self.add(...), or summarize the live model: paramwise.summary(model)")

    def py_instance_call(self, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        if not isinstance(instance.host, SequentialObj):
            raise ctx.error(f"{instance.cls.name} was called before Sequential.__init__() ran",
                            hint="call super().__init__(...) in the class's __init__")
        return instance.host.py_call(args, kwargs, ctx)
