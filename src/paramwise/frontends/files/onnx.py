"""ONNX models, read as data with the onnx package (an optional extra: `pip install 'paramwise[onnx]'`).

The parameters are the graph's initializers, each counted once, in the row of the first node that uses it
(another node using it says so: "shared with ... (counted there)"). Rows are the nodes that use
initializers, with their op type and name; output shapes come from ONNX shape inference. What is not a
parameter is shown as what it is: BatchNormalization's mean and variance are running statistics (buffers, as
PyTorch keeps them), initializers that feed shapes, axes or indices (Reshape's shape, Slice's starts) and
Constant nodes hold constants, and initializers the exporter made by constant folding
(`onnx::Conv_21`: a BatchNormalization folded into a Conv) are marked as folded. Initializers stored as
external data are counted from their dims in the model file; the external files are never opened.

The model file is parsed once (protobuf caps a model file at 2 GB); what it holds is data, never run."""

from __future__ import annotations

import os
from pathlib import Path

from ...collect import paused as gc_paused
from ...errors import InputError, LimitError, Location, MissingDependency
from ...frozen import field, record
from ...ir import Call, Graph, Layer, Shape
from ...kinds.rows import StoredTensors
from .. import Found, ReadOptions
from .checkpoint import open_regular

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar

READS_PATH = True
MAX_MODEL_BYTES = 2**31  # protobuf's own limit for one message
MAX_NODES = 2_000_000
SMALL_CONSTANT = 64  # Constant nodes with fewer values (shapes, axes, scalars) are summed in one line
STATS_INPUTS = {"BatchNormalization": (3, 4)}  # input positions that hold running statistics, not parameters
# input positions that hold shapes, axes, sizes or indices: constants of the graph, never parameters
SHAPE_INPUTS = {"Reshape": (1,), "Expand": (1,), "Tile": (1,), "Slice": (1, 2, 3, 4), "Unsqueeze": (1,), "Squeeze": (1,),
                "Split": (1,), "Pad": (1, 2, 3), "Resize": (1, 2, 3), "ConstantOfShape": (0,), "Range": (0, 1, 2),
                "TopK": (1,), "ReduceSum": (1,), "ReduceMean": (1,), "ReduceMax": (1,), "ReduceMin": (1,), "ReduceProd": (1,),
                "ReduceL2": (1,), "CumSum": (1,), "OneHot": (1, 2), "Trilu": (1,), "Upsample": (1,)}
FOLDS_INTO = ("Conv", "ConvTranspose")  # ops torch's eval export folds a following BatchNormalization into
# bits per value of the ONNX data types that are not whole bytes (4-bit integers and floats)
PACKED_BITS = {21: 4, 22: 4, 23: 4, 25: 2, 26: 2}


def sniff(path: str, head: bytes) -> bool:
    return path.endswith(".onnx")


class OnnxNode(StoredTensors):
    """A node of an ONNX graph: its count is the initializers it uses; its output shape is ONNX shape inference's."""

    spellings: ClassVar[dict[str, dict[str, Any]]] = {}
    signatures = {"onnx": (("tensors", None), ("result", None))}

    def output_shape(self, inputs: list[Shape]) -> Shape | list[Shape]:
        result: Shape | list[Shape] | None = self.attrs.get("result")
        return result if result is not None else ()


def read_file(path: str, options: ReadOptions) -> tuple[list[Found], int]:
    onnx = import_onnx(path)
    with open_regular(path, "ONNX file") as f:
        size = os.fstat(f.fileno()).st_size
        if size > MAX_MODEL_BYTES:
            raise LimitError(f"{Path(path).name}: {size:,} bytes, more than an ONNX model file can be (2 GB); large models "
                             "keep their weights as external data", location=Location(path))
        raw = f.read()
    with gc_paused():
        model = parse(onnx, raw, path)
        shapes = inferred_shapes(onnx, model)
        name = Path(path).name
        return [Found(name, OnnxReader(onnx, path, shapes).graph(model, name))], 0


def import_onnx(path: str) -> Any:
    try:
        import onnx
    except ImportError as e:
        raise MissingDependency(f"{path}: reading an ONNX model needs the onnx package, which is not installed",
                                hint="pip install onnx   (or pip install 'paramwise[onnx]')") from e
    return onnx


def parse(onnx: Any, raw: bytes, path: str) -> Any:
    model = onnx.ModelProto()
    try:
        model.ParseFromString(raw)
    except Exception as e:  # noqa: BLE001 - protobuf raises DecodeError and others for damaged input
        raise InputError(f"not an ONNX model, or a damaged one ({type(e).__name__}: {str(e)[:120]})",
                         hint="give the .onnx file torch.onnx.export or another exporter wrote", location=Location(path)) from e
    if not model.HasField("graph"):
        raise InputError("the ONNX file holds no graph", hint="is this an ONNX model?", location=Location(path))
    if len(model.graph.node) > MAX_NODES:
        raise LimitError(f"the ONNX graph has {len(model.graph.node):,} nodes; paramwise reads at most {MAX_NODES:,}",
                         location=Location(path))
    clean_names(model)
    return model


def text(value: Any) -> str:
    """A protobuf string field as text: one that is not valid UTF-8 comes back as bytes."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def clean_names(model: Any) -> None:
    """Every name the reader uses, made text (a damaged file's names may not be UTF-8)."""
    model.producer_name, model.producer_version = text(model.producer_name), text(model.producer_version)
    graph = model.graph
    for items in (graph.initializer, graph.input, graph.output, graph.value_info):
        for item in items:
            item.name = text(item.name)
    for node in graph.node:
        node.name, node.op_type = text(node.name), text(node.op_type)
        for names in (node.input, node.output):
            for i, name in enumerate(names):
                names[i] = text(name)
        for attr in node.attribute:
            attr.name = text(attr.name)
            if attr.HasField("g"):
                for t in attr.g.initializer:
                    t.name = text(t.name)


def inferred_shapes(onnx: Any, model: Any) -> dict[str, Shape]:
    """Every value's shape by ONNX shape inference (on a copy without tensor data); {} where inference fails."""
    light = onnx.ModelProto()
    light.CopyFrom(model)
    for t in light.graph.initializer:
        t.ClearField("raw_data")
    try:
        inferred = onnx.shape_inference.infer_shapes(light, strict_mode=False)
    except Exception:  # noqa: BLE001 - inference is a help for the shapes column, never needed for a count
        return {}
    shapes: dict[str, Shape] = {}
    for info in (*inferred.graph.input, *inferred.graph.value_info, *inferred.graph.output):
        t = info.type.tensor_type
        if t.HasField("shape"):
            shapes[info.name] = tuple(d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim)
    return shapes


@record
class Init:
    name: str
    shape: tuple[int, ...]
    dtype: int
    external: bool


@record
class OnnxReader:
    onnx: Any
    path: str
    shapes: dict[str, Shape]
    owner: dict[str, str] = field(default_factory=dict)  # initializer -> the row that counts it
    notes: list[str] = field(default_factory=list)
    stored_bytes: int = 0

    def graph(self, model: Any, name: str) -> Graph:
        inits = {t.name: self.init(t) for t in model.graph.initializer}
        layers: list[Layer] = []
        calls: list[Call] = []
        small = [0, 0]
        keeps_names = any(not n.startswith("onnx::") for n in inits)  # the exporter kept the source's tensor names
        folded = 0
        for i, node in enumerate(model.graph.node):
            row_name = node.name or f"{node.op_type}_{i}"
            tensors, tied = self.node_tensors(node, row_name, inits)
            if node.op_type == "Constant":
                tensors = self.constant(node)
                if sum(size(t[1]) for t in tensors) < SMALL_CONSTANT:
                    small[0] += 1
                    small[1] += sum(size(t[1]) for t in tensors)
                    continue
            if not tensors:
                continue
            type_name = node.op_type
            if node.op_type in FOLDS_INTO and keeps_names and self.made_by_exporter(node, inits):
                type_name, folded = f"{node.op_type} + folded BatchNorm", folded + 1
            result = self.result(node)
            layers.append(Layer(row_name, type_name, OnnxNode("torch", "Tensors", {"tensors": tuple(tensors), "result": result}),
                                tied=tuple(tied)))
            calls.append(Call(len(layers) - 1, ()))
        unused = [(n, t) for n, t in inits.items() if n not in self.owner]
        if unused:
            tensors = [self.weight(n, t) for n, t in unused]
            layers.append(Layer("(initializers no node uses)", "Initializers", OnnxNode("torch", "Tensors", {"tensors": tuple(tensors)})))
            calls.append(Call(len(layers) - 1, ()))
        if not layers:
            raise InputError(f"{name}: the ONNX graph holds no initializers or constants", hint="is this the model itself?",
                             location=Location(self.path))
        self.describe(model, inits, small, folded)
        opset = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
        meta: dict[str, Any] = {"model_type": "ONNX", "onnx": {"producer": model.producer_name, "producer_version": model.producer_version,
                                              "opset": opset, "ir_version": model.ir_version, "initializers": len(inits)},
                "notes": self.notes, "dtypes": self.dtypes(inits)}
        if any(i.dtype in PACKED_BITS for i in inits.values()):  # 4-bit values: the bytes stored, not a byte per value
            meta["stored_bytes"] = self.stored_bytes
        return Graph(framework="torch", name=name, layers=tuple(layers), calls=tuple(calls), source=self.path, meta=meta)

    def init(self, t: Any) -> Init:
        external = t.data_location == self.onnx.TensorProto.EXTERNAL
        shape = tuple(int(d) for d in t.dims)
        if any(d < 0 for d in shape):
            raise InputError(f"initializer '{t.name[:80]}' has a negative dim {list(shape)}", hint="the file is damaged",
                             location=Location(self.path))
        if t.data_type not in self.onnx.TensorProto.DataType.values():
            raise InputError(f"initializer '{t.name[:80]}' has data type {t.data_type}, which ONNX {self.onnx.__version__} "
                             "does not define", hint="the file is damaged, or written by a newer ONNX: try a newer onnx package",
                             location=Location(self.path))
        self.stored_bytes += stored_bytes(self.onnx, t.data_type, size(shape))
        return Init(t.name, shape, int(t.data_type), external)

    def node_tensors(self, node: Any, row: str, inits: dict[str, Init]) -> tuple[list[tuple[str, tuple[int, ...], int, bool]],
                                                                              list[tuple[str, str]]]:
        tensors: list[tuple[str, tuple[int, ...], int, bool]] = []
        tied: list[tuple[str, str]] = []
        not_params = (*STATS_INPUTS.get(node.op_type, ()), *SHAPE_INPUTS.get(node.op_type, ()))
        for position, name in enumerate(node.input):
            if name not in inits or any(t[0] == name for t in tensors):
                continue
            tensors.append(self.weight(name, inits[name], position in not_params))
            if name in self.owner:
                tied.append((name, f"{self.owner[name]}.{name}"))
            else:
                self.owner[name] = row
        for attr in node.attribute:  # subgraphs (If, Loop, Scan) hold initializers of their own
            if attr.HasField("g"):
                for t in attr.g.initializer:
                    init = self.init(t)
                    tensors.append(self.weight(f"{attr.name}/{t.name}", init))
        return tensors, tied

    def made_by_exporter(self, node: Any, inits: dict[str, Init]) -> bool:
        """A Conv whose weight the exporter made (`onnx::Conv_21`) where it kept every source name it could: the
        Conv's weight and bias were recomputed by folding the BatchNormalization after it (torch's eval export)."""
        return len(node.input) > 1 and node.input[1] in inits and node.input[1].startswith("onnx::")

    def weight(self, name: str, init: Init, is_stat: bool = False) -> tuple[str, tuple[int, ...], int, bool]:
        return name, init.shape, max(1, bytes_per(self.onnx, init.dtype)), is_stat

    def constant(self, node: Any) -> list[tuple[str, tuple[int, ...], int, bool]]:
        out = []
        for attr in node.attribute:
            if attr.name == "value" and attr.HasField("t"):
                shape = tuple(int(d) for d in attr.t.dims)
                out.append(("value", shape, max(1, bytes_per(self.onnx, attr.t.data_type)), True))
        return out

    def result(self, node: Any) -> Shape | list[Shape] | None:
        outs = [self.shapes.get(o) for o in node.output if o]
        known = [o for o in outs if o is not None]
        if not known:
            return None
        return known[0] if len(known) == 1 else known

    def describe(self, model: Any, inits: dict[str, Init], small: list[int], folded: int) -> None:
        producer = " ".join(p for p in (model.producer_name, model.producer_version) if p)
        self.notes.append(f"ONNX: {len(inits):,} initializers, {len(model.graph.node):,} nodes"
                          + (f", made by {producer}" if producer else ""))
        external = [i for i in inits.values() if i.external]
        if external:
            self.notes.append(f"  {len(external):,} initializers are external data: counted from their dims, the files not opened")
        if small[0]:
            self.notes.append(f"  {small[0]:,} small Constant nodes ({small[1]:,} values: shapes, axes, scalars) are not parameters")
        if folded:
            self.notes.append(f"  {folded:,} Conv node(s) with a BatchNorm folded in by the exporter: the BatchNorm's own "
                              "tensors are not in the file")
        renamed = sum(1 for n in inits if n.startswith("onnx::"))
        if renamed and not folded:
            self.notes.append(f"  {renamed:,} initializers have names the exporter made (onnx::...): renamed or constant-folded")

    def dtypes(self, inits: dict[str, Init]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for init in inits.values():
            name = self.onnx.helper.tensor_dtype_to_string(init.dtype).removeprefix("TensorProto.") if init.dtype else "UNDEFINED"
            entry = out.setdefault(name, {"count": 0, "bytes": 0})
            entry["count"] += size(init.shape)
            entry["bytes"] += stored_bytes(self.onnx, init.dtype, size(init.shape))
        return out


def size(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def bytes_per(onnx: Any, dtype: int) -> int:
    try:
        return int(onnx.helper.tensor_dtype_to_np_dtype(dtype).itemsize)
    except Exception:  # noqa: BLE001 - an unknown or packed type
        return 1


def stored_bytes(onnx: Any, dtype: int, n: int) -> int:
    if dtype in PACKED_BITS:
        return -(-n * PACKED_BITS[dtype] // 8)
    return n * bytes_per(onnx, dtype)
