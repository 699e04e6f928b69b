"""Seeds: real model files. Source seeds are the cases in tests/cases and examples/ (read, never changed);
binary seeds are written at run time by the frameworks themselves (Keras to_json/.keras/.h5, torch
state dicts, safetensors, sharded indexes) from small models."""

from __future__ import annotations

import ast
import base64
import functools
import io
import json
import os
import subprocess
import sys
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"


@dataclass
class SourceSeed:
    name: str
    text: str
    input_shape: tuple[int, ...] | None = None
    suffix: str = ".py"


@dataclass
class FileSeed:
    name: str
    data: bytes
    members: dict[str, bytes] = field(default_factory=dict)  # zip archives: their entries
    obj: Any = None  # .pt: the object that was saved


def literal(text: str, name: str) -> Any:
    """The literal value assigned to `name` at the top level of a source text, or None."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                return None
    return None


def is_torch(text: str) -> bool:
    return "import torch" in text or "from torch" in text


@functools.cache
def source_seeds(framework: str) -> list[SourceSeed]:
    files = sorted((CASES / "keras").glob("*.py")) + sorted((CASES / "torch").glob("*.py"))
    files += sorted((CASES / "check").glob("*.py")) + sorted((CASES / "errors").glob("*.py"))
    files += sorted((CASES / "unbuilt").glob("*.py")) + sorted((ROOT / "examples").glob("*.py"))
    texts = sorted((CASES / "pasted").glob("*.txt")) + sorted((ROOT / "examples").glob("*.txt"))
    out = []
    for f in files + texts:
        text = f.read_text(encoding="utf-8")
        if is_torch(text) != (framework == "torch"):
            continue
        shape = literal(text, "input_shape") if framework == "torch" else None
        shape = tuple(shape) if isinstance(shape, (tuple, list)) and all(isinstance(d, int) for d in shape) else None
        out.append(SourceSeed(f"{f.parent.name}/{f.name}", text, shape, f.suffix))
    return out


# -- Keras files -------------------------------------------------------------------------------------


def keras_models() -> list[Any]:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    from keras import layers

    mlp = keras.Sequential([layers.Input((16,)), layers.Dense(8, activation="relu"), layers.Dropout(0.1),
                            layers.Dense(3)], name="mlp")
    cnn = keras.Sequential([
        layers.Input((28, 28, 1)), layers.Conv2D(8, 3, activation="relu"), layers.MaxPooling2D(),
        layers.BatchNormalization(), layers.UpSampling2D(2), layers.SeparableConv2D(4, 3, padding="same"),
        layers.Flatten(), layers.Dense(10, activation="softmax")], name="cnn")
    inner = keras.Sequential([layers.Input((8,)), layers.Dense(4), layers.Dropout(0.1)], name="inner")
    a, b = keras.Input((8,), name="a"), keras.Input((8,), name="b")
    shared = layers.Dense(8, name="shared")
    x = layers.Add()([shared(a), shared(b)])
    y = inner(x)
    z = layers.Concatenate()([y, layers.Dense(3, name="head")(y)])
    functional = keras.Model([a, b], [z, y], name="functional")
    tokens = keras.Input((12,), dtype="int32", name="tokens")
    t = layers.Embedding(100, 16)(tokens)
    t = layers.Bidirectional(layers.LSTM(8, return_sequences=True))(t)
    t = layers.MultiHeadAttention(num_heads=2, key_dim=4)(t, t)
    t = layers.LayerNormalization()(t)
    t = layers.TimeDistributed(layers.Dense(5))(t)
    t = layers.GRU(6)(t)
    rnn = keras.Model(tokens, layers.Dense(2)(t), name="rnn")
    img = keras.Input((16, 16, 3))
    c = layers.Conv2D(4, 3, padding="same")(img)
    c = layers.DepthwiseConv2D(3, padding="same")(c)
    c = layers.Conv2DTranspose(4, 3, strides=2)(c)
    c = layers.ZeroPadding2D(1)(c)
    c = layers.GlobalAveragePooling2D()(c)
    conv = keras.Model(img, layers.Dense(2)(c), name="conv")
    return [mlp, cnn, functional, rnn, conv]


def made_elsewhere(maker: str, framework: str, *args: str) -> dict[str, list[FileSeed]]:
    """`maker(*args)` run in a child process, its seeds passed back as JSON: the process that reads the inputs
    need not import the framework that writes the seeds (the HDF5 reader forks for each file, and a fork of a
    process holding Keras and torch costs 30 ms more than one of a process without them). `obj` is not kept."""
    code = (f"import sys, {framework}; from fuzz.seeds import dumps, " + maker + "; "
            "sys.stdout.write(dumps(" + maker + ".__wrapped__(*sys.argv[1:])))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", code, *args], capture_output=True, text=True, env=env,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the seeds of {maker} could not be made:\n{done.stderr[-4000:]}")
    return loads(done.stdout)


def dumps(seeds: dict[str, list[FileSeed]]) -> str:
    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return json.dumps({kind: [{"name": s.name, "data": b64(s.data), "members": {k: b64(v) for k, v in s.members.items()}}
                              for s in seeds] for kind, seeds in seeds.items()})


def loads(text: str) -> dict[str, list[FileSeed]]:
    return {kind: [FileSeed(s["name"], base64.b64decode(s["data"]),
                            {k: base64.b64decode(v) for k, v in s["members"].items()}) for s in seeds]
            for kind, seeds in json.loads(text).items()}


@functools.cache
def keras_seeds(folder: str) -> dict[str, list[FileSeed]]:
    """{"json": [...], "keras": [...], "h5": [...]} written by Keras into `folder` (in a child process when this
    one has not imported Keras)."""
    if "keras" not in sys.modules:
        return made_elsewhere("keras_seeds", "keras", folder)
    out: dict[str, list[FileSeed]] = {"json": [], "keras": [], "h5": []}
    os.makedirs(folder, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import logging

        logging.getLogger("absl").setLevel(logging.ERROR)
        for model in keras_models():
            out["json"].append(FileSeed(f"{model.name}.json", model.to_json().encode()))
            for fmt in ("keras", "h5"):
                path = os.path.join(folder, f"{model.name}.{fmt}")
                model.save(path)
                data = Path(path).read_bytes()
                members = {}
                if fmt == "keras":
                    with zipfile.ZipFile(io.BytesIO(data)) as z:
                        members = {n: z.read(n) for n in z.namelist()}
                out[fmt].append(FileSeed(f"{model.name}.{fmt}", data, members))
    return out


# -- checkpoints -------------------------------------------------------------------------------------


def torch_modules() -> list[tuple[str, Any]]:
    import torch
    from torch import nn

    torch.manual_seed(0)
    return [
        ("convnet", nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(),
                                  nn.Sequential(nn.Conv2d(8, 8, 3), nn.ReLU()), nn.Flatten(), nn.Linear(128, 10))),
        ("encoder", nn.TransformerEncoderLayer(16, 2, dim_feedforward=32)),
        ("lstm", nn.LSTM(8, 16, num_layers=2, bidirectional=True)),
        ("embed", nn.ModuleDict({"emb": nn.Embedding(50, 8), "head": nn.Linear(8, 50, bias=False)})),
        ("mixed", nn.ModuleDict({"a": nn.Linear(4, 4).half(), "b": nn.Linear(4, 4).to(torch.bfloat16),
                                 "c": nn.Embedding(3, 2)})),
    ]


def safetensors_bytes(state: dict[str, Any], metadata: dict[str, str] | None = None) -> bytes:
    """A .safetensors file written by hand from tensors (the format: u64 header length, JSON, data)."""
    names = {"float32": "F32", "float16": "F16", "bfloat16": "BF16", "int64": "I64", "float64": "F64",
             "int32": "I32", "uint8": "U8", "bool": "BOOL", "int8": "I8"}
    header: dict[str, Any] = {"__metadata__": metadata} if metadata else {}
    chunks, offset = [], 0
    for name, t in state.items():
        t = t.detach().contiguous().cpu()
        raw = t.view(-1).view(__import__("torch").uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": names[str(t.dtype).replace("torch.", "")], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little") + text + b"".join(chunks)


@functools.cache
def checkpoint_seeds() -> dict[str, list[FileSeed]]:
    """{"safetensors": [...], "pt": [...], "index": [...]}: the index seeds' members are its shards (made in a
    child process when this one has not imported torch: then the .pt seeds have no `obj`)."""
    if "torch" not in sys.modules:
        return made_elsewhere("checkpoint_seeds", "torch")
    import torch

    out: dict[str, list[FileSeed]] = {"safetensors": [], "pt": [], "index": []}
    for name, module in torch_modules():
        state = {k: v.detach().clone() for k, v in module.state_dict().items()}
        out["safetensors"].append(FileSeed(f"{name}.safetensors", safetensors_bytes(state, {"format": "pt"})))
        for label, obj in (("sd", state), ("ckpt", {"epoch": 3, "state_dict": state, "lr": 0.1}),
                           ("nested", {"model": {"net": state}, "optimizer": {"state": {}, "param_groups": []}})):
            buf = io.BytesIO()
            torch.save(obj, buf)
            out["pt"].append(FileSeed(f"{name}_{label}.pt", buf.getvalue(), obj=obj))
        keys = list(state)
        half = max(1, len(keys) // 2)
        shards = {f"model-0000{i + 1}-of-00002.safetensors": {k: state[k] for k in part}
                  for i, part in enumerate((keys[:half], keys[half:])) if part}
        weight_map = {k: shard for shard, part in shards.items() for k in part}
        total = sum(t.numel() * t.element_size() for t in state.values())
        index = json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2).encode()
        members = {shard: safetensors_bytes(part) for shard, part in shards.items()}
        out["index"].append(FileSeed(f"{name}.safetensors.index.json", index, members))
    buf = io.BytesIO()
    torch.save(torch_modules()[0][1].state_dict(), buf, _use_new_zipfile_serialization=False)
    out["pt"].append(FileSeed("convnet_legacy.pt", buf.getvalue(), obj=None))
    return out


@functools.cache
def format_seeds() -> dict[str, list[FileSeed]]:
    """{"gguf": [...], "onnx": [...]}: small GGUF files (quantized types, metadata arrays) and ONNX exports."""
    import tempfile

    import gguf
    import numpy as np
    from gguf.quants import quantize

    out: dict[str, list[FileSeed]] = {"gguf": [], "onnx": []}
    with tempfile.TemporaryDirectory() as folder:
        for kind in (gguf.GGMLQuantizationType.Q8_0, gguf.GGMLQuantizationType.Q4_0, gguf.GGMLQuantizationType.F16):
            path = os.path.join(folder, f"{kind.name}.gguf")
            writer = gguf.GGUFWriter(path, "llama")
            writer.add_block_count(2)
            writer.add_token_list(["a", "b", "c"])
            for i in range(2):
                values = np.ones((4, 64), np.float32)
                data = values.astype(np.float16) if kind.name == "F16" else quantize(values, kind)
                writer.add_tensor(f"blk.{i}.ffn_up.weight", data, raw_shape=data.shape, raw_dtype=kind)
            writer.write_header_to_file()
            writer.write_kv_data_to_file()
            writer.write_tensors_to_file()
            writer.close()
            out["gguf"].append(FileSeed(f"{kind.name}.gguf", Path(path).read_bytes()))
    import torch

    mlp = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.LayerNorm(8), torch.nn.Linear(8, 2))
    for (name, module), shape in ((torch_modules()[0], (1, 3, 8, 8)), (("mlp", mlp), (1, 4))):
        buf = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(module.eval(), (torch.zeros(shape),), buf, dynamo=False)
        out["onnx"].append(FileSeed(f"{name}.onnx", buf.getvalue()))
    return out


@functools.cache
def hf_seeds() -> list[FileSeed]:
    """The Hugging Face `config.json` files of tests/cases/hf (dense, mixture-of-experts, encoder-decoder, vision)."""
    return [FileSeed(path.name, path.read_bytes()) for path in sorted((CASES / "hf").glob("*.json"))]
