"""User classes derived from `keras.Model` or `keras.layers.Layer`: the layers set as attributes, the weights
made with `add_weight` (in `__init__` or in `build()`), and `call()` followed on the first call.

As Keras does, the first call builds the layer: `build(input_shape)` runs (when the class defines it) with
the shapes of the call's inputs, in the structure they were passed (a list of tensors gives a list of
shapes), then `call()` is followed on tensors of those shapes.
"""

from __future__ import annotations

import ast

from ....errors import ParamwiseError
from ....frozen import replace
from ....ir import Graph, Layer, Shape
from ....kinds.rows import Parameter, Untracked
from ...files.keras_config import snake_case
from ..python.values import BoundMethod, Context, Function, HostValue, Instance, Opaque
from .arith import shape_of_value, tensor_binop
from .layers import (
    KTensor,
    LayerObj,
    NotFollowed,
    Session,
    checked_name,
    collect_tensors,
    input_shape_of,
    walk_tensors,
)
from .models import FunctionalObj, Method, ModelBase, SequentialObj

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


class SubclassState(ModelBase):
    """A user class derived from keras.Model or keras.layers.Layer: layers tracked as attributes are set."""

    def __init__(self, session: Session, instance: Instance, is_layer: bool, ctx: Context) -> None:
        self.session = session
        self.instance = instance
        self.type_name = instance.cls.name
        self.name = session.auto_name(snake_case(instance.cls.name))
        self.location = ctx.location
        self.tracked: list[LayerObj] = []
        self.tracked_ids: set[int] = set()
        self.warned_untracked: set[int] = set()
        self.input: list[KTensor] = []
        self.output: list[KTensor] = []
        self.functional: FunctionalObj | None = None
        self.trainable = True
        self.layer_obj = None
        self.is_layer = is_layer
        self.building = False
        self.input_shape: Shape | None = None  # input_shape= passed through **kwargs to Layer.__init__
        self.built_by: ast.AST | None = None  # the `model.build(...)` that built it, when Keras' own build() did (see build_from)
        if not is_layer:
            session.models.append(instance)

    def track(self, value: Any, ctx: Context | None = None) -> None:
        items = value if isinstance(value, (list, tuple)) else list(value.values()) if isinstance(value, dict) else [value]
        for item in items:
            if isinstance(item, VariableValue) and ctx is not None:
                self.track_variable(item, ctx)
                continue
            obj = None
            if isinstance(item, LayerObj):
                obj = item
            elif isinstance(item, ModelBase):
                obj = item.as_layer()
            elif isinstance(item, Instance) and isinstance(item.host, SubclassState):
                obj = item.host.as_layer()
            elif isinstance(item, Instance) and isinstance(item.host, LayerObj):  # a class deriving from a built-in layer
                obj = item.host
            if obj is not None and id(obj) not in self.tracked_ids:
                self.tracked_ids.add(id(obj))
                self.tracked.append(obj)

    def as_layer(self) -> LayerObj:
        layer = super().as_layer()
        if layer.input_shape is None:
            layer.input_shape = self.input_shape
        return layer

    def input_tensors(self) -> list[KTensor]:
        return self.functional.inputs if self.functional else self.input

    def output_tensors(self) -> list[KTensor]:
        return self.functional.outputs if self.functional else self.output

    def row_layers(self) -> list[LayerObj]:
        return [] if self.functional else list(self.tracked)

    def untracked(self, obj: LayerObj) -> bool:
        """A layer call() makes or uses without keeping it as an attribute (`layers.concatenate(...)`,
        `layers.Dense(2)(x)` inside call()): Keras does not track it, so `model.layers` does not list it and its
        weights are not the model's (see to_layer: they are not counted, with an untracked_layer warning)."""
        return not (self.functional or id(obj) in self.tracked_ids or obj.hidden or obj.model is not None
                    or not obj.calls or obj.type_name == "InputLayer" or id(obj) in self.attribute_layers())

    def attribute_layers(self) -> set[int]:
        """The layers the model's attributes hold now, in lists, tuples and dicts too: Keras tracks a list
        attribute, so a layer appended to `self.blocks = []` after the assignment is the model's."""
        found: set[int] = set()

        def walk(value: Any, depth: int) -> None:
            if isinstance(value, LayerObj):
                found.add(id(value))
            elif depth < 8 and isinstance(value, (list, tuple)):
                for item in value:
                    walk(item, depth + 1)
            elif depth < 8 and isinstance(value, dict):
                for item in value.values():
                    walk(item, depth + 1)

        for value in self.instance.attrs.values():
            walk(value, 0)
        return found

    def untracked_layer(self, obj: LayerObj, layer: Layer) -> Layer:
        """The row of an untracked layer: hidden, and without weights (they are made again on every call)."""
        weighted = self.has_weights(obj)
        if weighted and id(obj) not in self.warned_untracked:
            self.warned_untracked.add(id(obj))
            self.session.interp.warn(
                "untracked_layer", f"{self.instance.cls.name}.call() uses {obj.type_name} '{obj.name}', which is not an "
                "attribute of the model: Keras does not track it, so its weights are not the model's and are not counted",
                hint="make the layer in __init__ and keep it as an attribute (self.x = ...) to make its weights the model's",
                node=None)
        return replace(layer, hidden=True, kind=Untracked(layer.kind)) if weighted else replace(layer, hidden=True)

    def has_weights(self, obj: LayerObj) -> bool:
        """Whether a layer the model called makes weights (a nested model: whether a layer inside it does; each
        layer looked at once, so a model that holds itself ends)."""
        stack, seen = [obj], set()
        while stack:
            item = stack.pop()
            if id(item) in seen:
                continue
            seen.add(id(item))
            if item.model is not None:
                stack.extend(item.model.ordered_layers())
            elif item.kind is not None and item.calls:
                rec = self.session.calls[item.calls[0]]
                try:
                    if item.kind.weights([self.session.calls[t.call].shapes[t.index] for t in rec.inputs]):
                        return True
                except ParamwiseError:
                    return True
        return False

    def unbuilt_hint(self) -> str:
        return "call model.build((None, ...)) or call the model on keras.Input(...) in the file, or pass --input-shape"

    def build_from(self, shape: Any, ctx: Context) -> None:
        """`model.build(shape)`. For a class with no build() of its own, Keras' default build() only marks the model
        built (and warns that it has unbuilt state): its layers are built, and their weights made, on its first call.
        paramwise follows call() and counts them; make_graph says that Keras counts fewer until that call."""
        unbuilt = not self.output and not self.functional
        super().build_from(shape, ctx)
        if unbuilt and self.output and not self.is_layer:
            found, build = self.instance.cls.lookup("build")
            if not (found and isinstance(build, Function)):
                self.built_by = ctx.node

    def make_graph(self) -> Graph:
        graph = super().make_graph()
        called = self.layer_obj is not None and bool(self.layer_obj.calls)
        if self.built_by is not None and not called and any(map(self.has_weights, self.tracked)):
            self.session.interp.warn(
                "unbuilt_layers",
                f"{self.instance.cls.name} has no build() of its own, so model.build() marks '{self.name}' built without "
                "building its layers (Keras warns so): until the model is first called, Keras' count_params() and "
                "summary() leave out their weights; the counts here are those the model has once called",
                hint="call the model on data or on keras.Input(...) to have Keras build its layers, or give the class a "
                "build() that builds them",
                node=self.built_by)
        return graph

    def ensure_built(self, shape: Shape, ctx: Context) -> None:
        if self.output or self.functional or self.building:
            return
        x = self.session.make_input(tuple(shape), f"{self.name}_input", ctx, hidden=True)  # Keras makes no InputLayer
        self.trace([x], {}, ctx)

    def build_for_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
        if self.output or self.functional or self.building:
            return
        fresh: list[KTensor] = []

        def renew(t: KTensor) -> KTensor:
            fresh.append(self.session.make_input(t.shape_of(), f"{self.name}_input", ctx, hidden=True))
            return fresh[-1]

        inner_args = [walk_tensors(a, renew) for a in args]
        inner_kwargs = {k: walk_tensors(v, renew) for k, v in kwargs.items()}
        self.trace(inner_args, inner_kwargs, ctx, fresh)

    def trace(self, args: list[Any], kwargs: dict[str, Any], ctx: Context, inputs: list[KTensor] | None = None) -> None:
        """Build (the class's own `build(input_shape)`, if any) and follow `call()` on these tensors."""
        found, method = self.instance.cls.lookup("call")
        if not found or not isinstance(method, Function):
            raise ctx.error(f"class {self.instance.cls.name} has no call() method to follow")
        self.input = inputs if inputs is not None else collect_tensors(args, kwargs)
        self.building = True
        self.session.tracing += 1
        try:
            has_build, build = self.instance.cls.lookup("build")
            if has_build and isinstance(build, Function) and args:
                shape = walk_tensors(args[0], lambda t: tuple(t.shape_of()))
                spec = build.node.args if isinstance(build.node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
                takes_shape = spec is None or spec.vararg is not None or len(spec.posonlyargs) + len(spec.args) > 1
                # Keras 3 calls build() without the shape when it takes none (`def build(self):`)
                ctx.call(BoundMethod(build, self.instance), [shape] if takes_shape else [])
            try:
                result = ctx.call(BoundMethod(method, self.instance), list(args), dict(kwargs))
                reason = "" if collect_tensors([result], {}) else "it does not return a tensor paramwise could follow"
            except NotFollowed as e:
                reason = e.message
        finally:
            self.building = False
            self.session.tracing -= 1
        if reason:
            result = self.unfollowed(args, reason, ctx)
        self.output = collect_tensors([result], {})

    def unfollowed(self, args: list[Any], reason: str, ctx: Context) -> Any:
        """call() reached code paramwise does not follow: its output shape is the class's own
        compute_output_shape(), or else the input's shape (assumed, and said)."""
        name = self.instance.cls.name
        if not self.input:
            raise ctx.error(f"{name}.call() could not be followed: {reason}")
        shape: Any = None
        found, method = self.instance.cls.lookup("compute_output_shape")
        if found and isinstance(method, Function) and args:
            given = ctx.call(BoundMethod(method, self.instance), [walk_tensors(args[0], lambda t: tuple(t.shape_of()))])
            if isinstance(given, (list, tuple)) and all(d is None or isinstance(d, int) for d in given):
                shape = tuple(given)
        if shape is None:
            shape = self.input[0].shape_of()
            ctx.warn("assumed_shape", f"{name}.call() could not be followed ({reason}); its output is taken to have "
                     "the shape of its input, and the layers it calls there are not counted",
                     hint="define compute_output_shape() in the class, or use layers paramwise knows")
        return self.session.op("call", list(self.input), shape, ctx)

    def track_variable(self, variable: VariableValue, ctx: Context) -> None:
        """`self.v = keras.Variable(...)`: a weight of the layer, as Keras tracks it (once, however often set)."""
        if variable.owner is not None:
            return
        variable.owner = self
        if variable.shape is None:
            ctx.warn("custom_weights", f"{self.instance.cls.name}: a Variable whose shape paramwise cannot read is not counted",
                     hint="make it from an array of known shape, or give shape=(...)")
            return
        self.add_weight([], {"shape": variable.shape, "trainable": variable.trainable, "name": variable.name}, ctx)

    def add_weight(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        """`self.add_weight(shape=..., name=..., trainable=...)`: a weight of the layer, counted as Keras does."""
        args = list(args)
        name = kwargs.get("name")
        if args and isinstance(args[0], str):  # tf.keras: add_weight(name, shape, ...)
            name = args.pop(0)
        shape = kwargs.get("shape", args[0] if args else None)
        shape = () if shape is None else shape
        if isinstance(shape, (int,)) and not isinstance(shape, bool):
            shape = (shape,)
        trainable = kwargs.get("trainable", True)
        trainable = True if trainable is None else trainable
        dims = tuple(shape) if isinstance(shape, (list, tuple)) else None
        if dims is None or any(not (isinstance(d, int) and d >= 0 or hasattr(d, "free_symbols")) or isinstance(d, bool)
                               for d in dims) or not isinstance(trainable, bool):
            ctx.warn("custom_weights", f"{self.instance.cls.name}: a weight made with add_weight() is not counted: "
                     f"its shape {shape!r} or trainable={trainable!r} is not known here",
                     hint="write the shape with numbers or sizes the file knows")
            return Opaque("weight")
        label = name if isinstance(name, str) and name else f"variable_{len(self.tracked)}"
        kind = Parameter("keras", "Variable", {"name": label, "shape": dims, "requires_grad": trainable})
        layer = LayerObj(self.session, "Variable", kind, label, ctx.location)
        self.tracked.append(layer)
        self.tracked_ids.add(id(layer))
        return WeightValue(self.session, dims)


class WeightValue(HostValue):
    """A weight made by add_weight: it has a shape, and `x * w`, `x @ w` follow from it."""

    def __init__(self, session: Session, shape: Shape) -> None:
        self.session = session
        self.shape = shape

    def __repr__(self) -> str:
        return f"<Variable shape={self.shape}>"

    def shape_of(self) -> Shape:
        return self.shape

    def py_getattr(self, name: str, ctx: Context) -> Any:
        if name == "shape":
            return tuple(self.shape)
        if name == "ndim":
            return len(self.shape)
        return Opaque(f"variable.{name}")

    def py_binop(self, op: type, left: Any, right: Any, ctx: Context) -> Any:
        return tensor_binop(self.session, op, left, right, ctx)


class VariableValue(WeightValue):
    """`keras.Variable(...)` / `tf.Variable(...)`: a weight once a layer holds it as an attribute."""

    def __init__(self, session: Session, shape: Shape | None, trainable: bool, name: Any) -> None:
        super().__init__(session, shape or ())
        self.shape = shape  # type: ignore[assignment]  # None: not known
        self.trainable = trainable
        self.name = name if isinstance(name, str) else None
        self.owner: SubclassState | None = None

    def shape_of(self) -> Shape:
        return self.shape or ()


class VariableClass(HostValue):
    """`keras.Variable(initializer, shape=None, trainable=True)` and `tf.Variable(initial_value, trainable=True)`."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        init = args[0] if args else kwargs.get("initializer", kwargs.get("initial_value"))
        second = args[1] if len(args) > 1 else None
        shape = kwargs.get("shape", second if isinstance(second, (list, tuple)) else None)
        trainable = kwargs.get("trainable", second if isinstance(second, bool) else True)
        found = shape_of_value(init)
        if found is None and isinstance(init, (list, tuple, int, float)):
            from .ops import literal_shape  # loaded for a file that makes a weight from a literal

            found = literal_shape(init)
        if found is None and isinstance(shape, (list, tuple)) and all(isinstance(d, int) and d >= 0 for d in shape):
            found = tuple(shape)
        return VariableValue(self.session, found, trainable if isinstance(trainable, bool) else True, kwargs.get("name"))


class ModelClass(HostValue):
    """`keras.Model` (functional when called with inputs and outputs) and `keras.layers.Layer` as bases."""

    def __init__(self, session: Session, is_layer: bool = False) -> None:
        self.session = session
        self.is_layer = is_layer

    def py_call(self, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        inputs = args[0] if args else kwargs.get("inputs")
        outputs = args[1] if len(args) > 1 else kwargs.get("outputs")
        return FunctionalObj(self.session, inputs, outputs, checked_name(kwargs.get("name"), ctx), ctx)

    def py_new_instance(self, instance: Instance, ctx: Context) -> None:
        instance.host = SubclassState(self.session, instance, self.is_layer, ctx)

    def py_instance_init(self, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> None:
        state: SubclassState = instance.host
        name = checked_name(kwargs.get("name"), ctx)
        if name is not None:
            state.name = name
        state.input_shape = input_shape_of(kwargs) or state.input_shape
        if kwargs.get("trainable") is False:  # the class's own weights only (see ModelBase.own_weights_only)
            state.trainable, state.own_weights_only = False, True
        inputs = args[0] if args else kwargs.get("inputs")
        outputs = args[1] if len(args) > 1 else kwargs.get("outputs")
        if inputs is not None and outputs is not None:
            state.functional = FunctionalObj(self.session, inputs, outputs, state.name, ctx)
            self.session.models.remove(state.functional)

    def py_instance_setattr(self, instance: Instance, name: str, value: Any, ctx: Context) -> None:
        if name == "trainable":
            instance.host.set_trainable(value)
        else:
            instance.host.track(value, ctx)

    def py_instance_getattr(self, instance: Instance, name: str, ctx: Context) -> Any:
        state: SubclassState = instance.host
        if name in ("add_weight", "add_variable"):
            return Method(lambda a, k, c: state.add_weight(a, k, c))
        if name == "build" and state.building:  # super().build(input_shape) inside the class's own build()
            return Method(lambda a, k, c: None)
        return state.common_attr(name, ctx)

    def py_instance_call(self, instance: Instance, args: list[Any], kwargs: dict[str, Any], ctx: Context) -> Any:
        state: SubclassState = instance.host
        tensors = collect_tensors(args, kwargs)
        if not tensors:
            return Opaque(f"{state.name}()")
        return state.call_as_layer(args, kwargs, ctx)


def model_of(value: Any) -> ModelBase | None:
    """The model behind a value the file bound to a name, if it is one."""
    if isinstance(value, ModelBase):
        return value
    if isinstance(value, Instance) and isinstance(value.host, SubclassState) and not value.host.is_layer:
        return value.host
    if isinstance(value, Instance) and isinstance(value.host, SequentialObj):  # a class deriving from Sequential
        return value.host
    return None
