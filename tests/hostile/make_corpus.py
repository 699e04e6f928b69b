"""The hostile-input corpus: every input an attacker or a careless user might point paramwise at.

Each `Case` makes its files in a fresh folder at run time (bombs are kilobytes that claim gigabytes, so
nothing large is committed) and says how to run paramwise on them. Payloads that would run code write a
canary file (a path given at run time); payloads that would read the environment look for the variable
SECRET_VAR, whose value only the runner knows. Classes (the id's first part):

  exec       code-execution payloads wherever a value can go: source, to_json, .keras, .h5, checkpoints, options
  value      bad values: sizes that are negative, zero, fractional, NaN, text, null, lists; bad structure
  malformed  damaged files: bad CRCs, lying sizes, encryption flags, compression bombs, garbage, deep JSON, BOMs,
             source with NUL bytes, odd encodings and deep nesting, pasted pages that never end
  random     random bytes (and magic numbers followed by random bytes) under every extension
  bomb       bounded work: builtins that make huge values, deep expressions, huge loops, huge legitimate models
  leak       reaching the environment or paramwise's own objects through format strings, dunders, modules
  notfile    FIFOs, devices, directories, over-long paths, shards outside their index's folder
  output     output that cannot be written: ASCII-only encodings, /dev/full, closed stdout, broken pipes

Run `python tests/hostile/make_corpus.py OUT` to write every case's files under OUT (one folder per case)
and print the list; benchmarks/hostile.py runs them.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import marshal
import os
import random
import struct
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hostile.builders import (  # noqa: E402
    BZIP2,
    DEFLATED,
    LZMA,
    STORED,
    Entry,
    bzip2_zeros,
    deflate_repeated,
    entry,
    h5_bytes,
    honest_zip,
    legacy_h5_model,
    nested_dict_pickle,
    pickle_call,
    safetensors_bytes,
    safetensors_file,
    shared_children_pickle,
    tensors_header,
    torch_zip,
    weights_h5,
    zip_bytes,
)

SECRET_VAR = "PARAMWISE_HOSTILE_SECRET"
Make = Callable[[Path, str], None]  # (the case's folder, the canary path its payloads write)
Content = bytes | str | Callable[[str], bytes | str]


@dataclass(frozen=True)
class Case:
    """One hostile input and how paramwise is run on it.

    expect: "error" (exit 1-3: the input is no valid model), "ok" (exit 0: a valid model, however odd),
    "any" (exit 0-3). `argv` and `shell` use {d} for the case's folder; `shell` is a bash line where
    $PARAMWISE is the command. `forbid` lists texts that must not appear in the output (something read
    that should not have been)."""

    id: str
    make: Make
    argv: tuple[str, ...] = ("{d}/model.py",)
    expect: str = "error"
    stdin: bytes | str | None = None  # bytes: piped in; "zero": /dev/zero; "closed": no fd 0; None: /dev/null
    stdout: str = "pipe"  # pipe | full (/dev/full) | closed
    stderr: str = "pipe"  # pipe | full
    env: tuple[tuple[str, str], ...] = ()
    shell: str | None = None
    fast: bool = False  # in the slice tests/test_hostile.py runs by default
    debug: bool = False  # run with --debug: a traceback is allowed, the exit code is not changed
    forbid: tuple[str, ...] = ()

    @property
    def cls(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def is_check(self) -> bool:
        """Runs `paramwise check`, the one command whose exit 1 means something (the claim is wrong)."""
        return self.argv[:1] == ("check",)

    @property
    def slug(self) -> str:
        return self.id.replace("/", "__")


# -- how files are made ------------------------------------------------------------------------------------


def files(named: dict[str, Content]) -> Make:
    """Write each file; a callable content gets the canary path."""

    def make(folder: Path, canary: str) -> None:
        for name, content in named.items():
            data = content(canary) if callable(content) else content
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)

    return make


def both(*makes: Make) -> Make:
    def make(folder: Path, canary: str) -> None:
        for m in makes:
            m(folder, canary)

    return make


def fifo(name: str) -> Make:
    def make(folder: Path, canary: str) -> None:
        os.mkfifo(folder / name)

    return make


def symlink(name: str, target: str) -> Make:
    def make(folder: Path, canary: str) -> None:
        os.symlink(target.replace("{d}", str(folder)), folder / name)

    return make


def directory(name: str) -> Make:
    def make(folder: Path, canary: str) -> None:
        (folder / name).mkdir(parents=True, exist_ok=True)

    return make


NOTHING: Make = files({})

# -- payloads ----------------------------------------------------------------------------------------------

# Each runs code if evaluated: it writes the canary file. Where a number is expected the payload is also a
# plausible number (`... or 2`), so a reader that evaluates it gets a count and carries on.
FORMS = {
    "or2": "(__import__('os').system('touch @C@') or 2)",
    "system": "__import__('os').system('touch @C@')",
    "pathlib": "(__import__('pathlib').Path('@C@').touch() or 2)",
    "exec": "(exec(\"open('@C@', 'w').close()\") or 2)",
    "subclasses": "[k for k in ().__class__.__base__.__subclasses__() if k.__name__ == 'Popen'][0](['touch', '@C@']) and 2",
    "lambda": "((lambda: __import__('os').system('touch @C@'))() or 2)",
    "shell": "$(touch @C@)",
}
NUMBER_FORMS = ["or2", "pathlib", "exec", "subclasses", "lambda"]


def payload(canary: str, form: str = "or2") -> str:
    return FORMS[form].replace("@C@", canary)


def with_payload(template: str, form: str = "or2") -> Callable[[str], str]:
    """Source text where PAYLOAD is the payload as a string literal."""
    return lambda canary: template.replace("PAYLOAD", repr(payload(canary, form))).replace("@C@", canary)


def with_canary(template: str) -> Callable[[str], str]:
    return lambda canary: template.replace("@C@", canary)


K = "import keras\nfrom keras import layers\n\n"
T = "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n\n"
KERAS_TAIL = "\nmodel = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\n"
TORCH_TAIL = "\nmodel = nn.Sequential(nn.Linear(4, 2))\n"


def keras_src(body: str) -> str:
    return K + body


def torch_net(init: str, forward: str = "return self.body(x)", shape: str = "1, 3, 8, 8") -> str:
    """A PyTorch module whose __init__ sets `init` (indented lines) and which the file calls on an input."""
    init_lines = "\n".join("        " + line for line in init.splitlines())
    return (T + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n" + init_lines +
            "\n\n    def forward(self, x):\n        " + forward + "\n\n\nmodel = Net()\n"
            f"y = model(torch.randn({shape}))\n")


def py(case_id: str, text: Content, expect: str = "error", name: str = "model.py", **kw: Any) -> Case:
    return Case(case_id, files({name: text}), (f"{{d}}/{name}",), expect, **kw)


# -- Keras configurations (to_json) ------------------------------------------------------------------------


def layer(cls: str, name: str, **config: Any) -> dict[str, Any]:
    return {"module": "keras.layers", "class_name": cls, "config": {"name": name, **config}, "registered_name": None}


def input_layer(batch_shape: Any, name: str = "input") -> dict[str, Any]:
    return layer("InputLayer", name, batch_shape=batch_shape, dtype="float32")


def sequential(*layers: Any, name: str = "seq") -> dict[str, Any]:
    return {"module": "keras", "class_name": "Sequential", "config": {"name": name, "layers": list(layers)},
            "registered_name": None}


def dense_model(units: Any = 3, batch_shape: Any = (None, 4), **dense: Any) -> dict[str, Any]:
    shape = list(batch_shape) if isinstance(batch_shape, tuple) else batch_shape
    config = {"units": units, "activation": "linear", "use_bias": True, **dense}
    return sequential(input_layer(shape), layer("Dense", "dense", **config))


def conv_model(**conv: Any) -> dict[str, Any]:
    config = {"filters": 8, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid", **conv}
    return sequential(input_layer([None, 8, 8, 3]), layer("Conv2D", "conv", **config))


def keras_tensor(source: Any, node: Any = 0, index: Any = 0, shape: Any = None) -> dict[str, Any]:
    return {"class_name": "__keras_tensor__", "config": {"shape": shape, "dtype": "float32",
                                                         "keras_history": [source, node, index]}}


def functional(layers: list[dict[str, Any]], inputs: Any, outputs: Any, name: str = "fun") -> dict[str, Any]:
    return {"module": "keras", "class_name": "Functional",
            "config": {"name": name, "layers": layers, "input_layers": inputs, "output_layers": outputs},
            "registered_name": None}


def node_layer(cls: str, name: str, sources: list[Any], **config: Any) -> dict[str, Any]:
    """A functional layer called once on `sources` (layer names, or keras tensor dicts)."""
    args = [s if isinstance(s, dict) else keras_tensor(s) for s in sources]
    data = layer(cls, name, **config)
    data["name"] = name
    data["inbound_nodes"] = [{"args": args, "kwargs": {}}]
    return data


def upsampling_model(size: Any = (2, 2), batch_shape: Any = (None, 8, 8, 3)) -> dict[str, Any]:
    inp = input_layer(list(batch_shape), name="img")
    inp["name"] = "img"
    inp["inbound_nodes"] = []
    up = node_layer("UpSampling2D", "up", ["img"], size=list(size) if isinstance(size, tuple) else size,
                    data_format="channels_last", interpolation="nearest")
    flat = node_layer("Flatten", "flatten", ["up"])
    head = node_layer("Dense", "head", ["flatten"], units=2)
    return functional([inp, up, flat, head], ["img", 0, 0], ["head", 0, 0])


def json_case(case_id: str, config: Any, expect: str = "error", name: str = "model.json", **kw: Any) -> Case:
    """A to_json() file; `config` may be a callable of the canary path."""

    def text(canary: str) -> str:
        data = config(canary) if callable(config) else config
        return data if isinstance(data, str) else json.dumps(data)

    return Case(case_id, files({name: text}), (f"{{d}}/{name}",), expect, **kw)


def keras_archive(config: Any, weights: bytes | None = None, metadata: Any = None) -> bytes:
    members = {"metadata.json": json.dumps(metadata or {"keras_version": "3.5.0", "date_saved": "2024-01-01"}).encode(),
               "config.json": (config if isinstance(config, str) else json.dumps(config)).encode()}
    if weights is not None:
        members["model.weights.h5"] = weights
    return honest_zip(members)


def archive_case(case_id: str, config: Any, expect: str = "error", **kw: Any) -> Case:
    def data(canary: str) -> bytes:
        return keras_archive(config(canary) if callable(config) else config)

    return Case(case_id, files({"model.keras": data}), ("{d}/model.keras",), expect, **kw)


def h5_case(case_id: str, config: Any, expect: str = "error", extra: Callable[[Any, str], None] | None = None,
            **kw: Any) -> Case:
    def data(canary: str) -> bytes:
        cfg = config(canary) if callable(config) else config
        return legacy_h5_model(cfg, (lambda f: extra(f, canary)) if extra else None)

    return Case(case_id, files({"model.h5": data}), ("{d}/model.h5",), expect, **kw)


def marshal_lambda(canary: str) -> str:
    """What Keras stores for a Lambda's function: base64 of the marshalled code object (here: a payload)."""
    code = compile(payload(canary, "system"), "<lambda>", "eval")
    return base64.b64encode(marshal.dumps(code)).decode()


def lambda_keras3(canary: str) -> dict[str, Any]:
    fn = {"class_name": "__lambda__", "config": {"code": marshal_lambda(canary), "defaults": None, "closure": None}}
    return sequential(input_layer([None, 4]), layer("Lambda", "lam", function=fn, output_shape=[4], arguments={}),
                      layer("Dense", "dense", units=2))


def lambda_tf2(canary: str) -> dict[str, Any]:
    lam = {"class_name": "Lambda", "config": {"name": "lam", "function": [marshal_lambda(canary), None, None],
                                              "function_type": "lambda", "module": "__main__",
                                              "output_shape": None, "arguments": {}}}
    return {"class_name": "Sequential", "config": {"name": "seq", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "name": "input"}}, lam,
        {"class_name": "Dense", "config": {"name": "dense", "units": 2}}]}, "keras_version": "2.15.0",
        "backend": "tensorflow"}


# -- exec: code-execution payloads -------------------------------------------------------------------------

KERAS_EXEC = [  # (id, body with PAYLOAD, expect)
    ("upsampling2d-size-symbolic", "inputs = keras.Input((img_size, img_size, 3))\nx = layers.UpSampling2D(size=PAYLOAD)(inputs)\nmodel = keras.Model(inputs, x)\n", "error"),
    ("upsampling1d-size-symbolic", "inputs = keras.Input((seq_len, 3))\nx = layers.UpSampling1D(size=PAYLOAD)(inputs)\nmodel = keras.Model(inputs, x)\n", "error"),
    ("upsampling3d-size-symbolic", "inputs = keras.Input((depth, img_size, img_size, 3))\nx = layers.UpSampling3D(size=PAYLOAD)(inputs)\nmodel = keras.Model(inputs, x)\n", "error"),
    ("upsampling2d-size-tuple", "inputs = keras.Input((img_size, img_size, 3))\nx = layers.UpSampling2D(size=(PAYLOAD, 2))(inputs)\nmodel = keras.Model(inputs, x)\n", "error"),
    ("upsampling2d-size-concrete", "inputs = keras.Input((8, 8, 3))\nx = layers.UpSampling2D(PAYLOAD)(inputs)\nmodel = keras.Model(inputs, x)\n", "error"),
    ("dense-units", "model = keras.Sequential([keras.Input((4,)), layers.Dense(PAYLOAD)])\n", "error"),
    ("dense-units-symbolic", "model = keras.Sequential([keras.Input((n_features,)), layers.Dense(units=PAYLOAD)])\n", "error"),
    ("dense-units-times-symbol", "model = keras.Sequential([keras.Input((n_features,)), layers.Dense(n_hidden * PAYLOAD)])\n", "error"),
    ("dense-units-plus-symbol", "model = keras.Sequential([keras.Input((n_features,)), layers.Dense(n_hidden + PAYLOAD)])\n", "error"),
    ("conv2d-filters", "model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(PAYLOAD, 3)])\n", "error"),
    ("conv2d-kernel", "model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, PAYLOAD)])\n", "error"),
    ("conv2d-kernel-tuple", "model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, (PAYLOAD, 3))])\n", "error"),
    ("conv2d-kernel-symbolic", "model = keras.Sequential([keras.Input((img_size, img_size, 3)), layers.Conv2D(8, kernel_size=PAYLOAD)])\n", "error"),
    ("conv2d-strides-symbolic", "model = keras.Sequential([keras.Input((img_size, img_size, 3)), layers.Conv2D(8, 3, strides=PAYLOAD)])\n", "error"),
    ("conv2d-dilation-symbolic", "model = keras.Sequential([keras.Input((img_size, img_size, 3)), layers.Conv2D(8, 3, dilation_rate=PAYLOAD)])\n", "error"),
    ("conv2d-padding", "model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 3, padding=PAYLOAD)])\n", "error"),
    ("conv2dtranspose-strides-symbolic", "model = keras.Sequential([keras.Input((img_size, img_size, 3)), layers.Conv2DTranspose(8, 3, strides=PAYLOAD)])\n", "error"),
    ("conv1d-kernel-symbolic", "model = keras.Sequential([keras.Input((seq_len, 3)), layers.Conv1D(8, PAYLOAD)])\n", "error"),
    ("depthwise-kernel", "model = keras.Sequential([keras.Input((28, 28, 3)), layers.DepthwiseConv2D(PAYLOAD)])\n", "error"),
    ("separable-multiplier", "model = keras.Sequential([keras.Input((28, 28, 3)), layers.SeparableConv2D(8, 3, depth_multiplier=PAYLOAD)])\n", "error"),
    ("maxpool-size-symbolic", "model = keras.Sequential([keras.Input((img_size, img_size, 3)), layers.MaxPooling2D(pool_size=PAYLOAD), layers.Flatten(), layers.Dense(2)])\n", "error"),
    ("avgpool1d-strides-symbolic", "model = keras.Sequential([keras.Input((seq_len, 3)), layers.AveragePooling1D(2, strides=PAYLOAD)])\n", "error"),
    ("input-shape", "model = keras.Sequential([keras.Input((PAYLOAD, 3)), layers.Dense(2)])\n", "error"),
    ("input-shape-symbolic", "model = keras.Sequential([keras.Input((img_size, PAYLOAD)), layers.Dense(2)])\n", "error"),
    ("input-batch-shape", "model = keras.Sequential([keras.Input(batch_shape=(None, PAYLOAD)), layers.Dense(2)])\n", "error"),
    ("input-shape-kwarg", "model = keras.Sequential()\nmodel.add(layers.Dense(4, input_shape=(PAYLOAD,)))\n", "error"),
    ("embedding-input-dim", "model = keras.Sequential([keras.Input((10,)), layers.Embedding(PAYLOAD, 8)])\n", "error"),
    ("embedding-output-dim", "model = keras.Sequential([keras.Input((10,)), layers.Embedding(100, PAYLOAD)])\n", "error"),
    ("lstm-units", "model = keras.Sequential([keras.Input((10, 8)), layers.LSTM(PAYLOAD)])\n", "error"),
    ("bidirectional-lstm-units", "model = keras.Sequential([keras.Input((10, 8)), layers.Bidirectional(layers.LSTM(PAYLOAD))])\n", "error"),
    ("reshape-target", "model = keras.Sequential([keras.Input((4,)), layers.Reshape((PAYLOAD,))])\n", "error"),
    ("reshape-target-symbolic", "model = keras.Sequential([keras.Input((img_size, 4)), layers.Reshape((PAYLOAD, 4))])\n", "error"),
    ("repeatvector", "model = keras.Sequential([keras.Input((4,)), layers.RepeatVector(PAYLOAD), layers.LSTM(2)])\n", "error"),
    ("zeropadding2d-symbolic", "model = keras.Sequential([keras.Input((img_size, img_size, 3)), layers.ZeroPadding2D(padding=PAYLOAD), layers.Conv2D(4, 3)])\n", "error"),
    ("cropping2d-symbolic", "model = keras.Sequential([keras.Input((img_size, img_size, 3)), layers.Cropping2D(cropping=PAYLOAD), layers.Conv2D(4, 3)])\n", "error"),
    ("resizing", "model = keras.Sequential([keras.Input((32, 32, 3)), layers.Resizing(PAYLOAD, 16), layers.Flatten(), layers.Dense(2)])\n", "error"),
    ("mha-heads", "x = keras.Input((10, 16))\ny = layers.MultiHeadAttention(num_heads=PAYLOAD, key_dim=8)(x, x)\nmodel = keras.Model(x, y)\n", "error"),
    ("groupnorm-groups", "model = keras.Sequential([keras.Input((8, 8, 16)), layers.GroupNormalization(groups=PAYLOAD)])\n", "error"),
    ("batchnorm-axis", "model = keras.Sequential([keras.Input((8, 8, 16)), layers.BatchNormalization(axis=PAYLOAD)])\n", "error"),
    ("concatenate-axis", "a = keras.Input((4,))\nb = keras.Input((4,))\nc = layers.Concatenate(axis=PAYLOAD)([a, b])\nmodel = keras.Model([a, b], layers.Dense(2)(c))\n", "error"),
    ("permute-dims", "model = keras.Sequential([keras.Input((4, 5)), layers.Permute(PAYLOAD)])\n", "error"),
    ("range-loop", "model = keras.Sequential([keras.Input((4,))])\nfor i in range(PAYLOAD):\n    model.add(layers.Dense(4))\n", "error"),
    ("int-of-payload", "n = int(PAYLOAD)\nmodel = keras.Sequential([keras.Input((4,)), layers.Dense(n)])\n", "error"),
    ("subclassed-units", "class Net(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.d = layers.Dense(PAYLOAD)\n\n    def call(self, x):\n        return self.d(x)\n\n\nmodel = Net()\nmodel.build((None, 4))\n", "error"),
    ("dense-name", "model = keras.Sequential([keras.Input((4,)), layers.Dense(2, name=PAYLOAD)])\n", "any"),
    ("dense-activation", "model = keras.Sequential([keras.Input((4,)), layers.Dense(2, activation=PAYLOAD)])\n", "any"),
    ("dropout-rate", "model = keras.Sequential([keras.Input((4,)), layers.Dropout(PAYLOAD), layers.Dense(2)])\n", "any"),
    ("model-name", "x = keras.Input((4,))\nmodel = keras.Model(x, layers.Dense(2)(x), name=PAYLOAD)\n", "any"),
    ("lambda-output-shape", "model = keras.Sequential([keras.Input((4,)), layers.Lambda(lambda t: t, output_shape=PAYLOAD), layers.Dense(2)])\n", "any"),
]

TORCH_EXEC = [  # (id, init lines, forward, input shape, expect)
    ("upsample-scale-symbolic", "self.body = nn.Upsample(scale_factor=PAYLOAD)", "return self.body(x)", "1, 3, img_size, img_size", "error"),
    ("upsample-scale-concrete", "self.body = nn.Upsample(scale_factor=PAYLOAD)", "return self.body(x)", "1, 3, 8, 8", "error"),
    ("upsample-size", "self.body = nn.Upsample(size=PAYLOAD)", "return self.body(x)", "1, 3, 8, 8", "error"),
    ("upsample-scale-tuple-symbolic", "self.body = nn.Upsample(scale_factor=(PAYLOAD, 2))", "return self.body(x)", "1, 3, img_size, img_size", "error"),
    ("interpolate-scale-symbolic", "self.body = nn.Identity()", "return F.interpolate(x, scale_factor=PAYLOAD)", "1, 3, img_size, img_size", "error"),
    ("interpolate-size", "self.body = nn.Identity()", "return F.interpolate(x, size=PAYLOAD)", "1, 3, 8, 8", "error"),
    ("linear-in", "self.body = nn.Linear(PAYLOAD, 4)", "return self.body(x)", "1, 4", "error"),
    ("linear-out", "self.body = nn.Linear(4, PAYLOAD)", "return self.body(x)", "1, 4", "error"),
    ("linear-in-symbolic", "self.body = nn.Linear(n_in * PAYLOAD, 4)", "return self.body(x)", "1, n_in", "error"),
    ("conv2d-kernel", "self.body = nn.Conv2d(3, 8, kernel_size=PAYLOAD)", "return self.body(x)", "1, 3, 8, 8", "error"),
    ("conv2d-kernel-tuple", "self.body = nn.Conv2d(3, 8, (PAYLOAD, 3))", "return self.body(x)", "1, 3, 8, 8", "error"),
    ("conv2d-stride-symbolic", "self.body = nn.Conv2d(3, 8, 3, stride=PAYLOAD)", "return self.body(x)", "1, 3, img_size, img_size", "error"),
    ("conv2d-padding", "self.body = nn.Conv2d(3, 8, 3, padding=PAYLOAD)", "return self.body(x)", "1, 3, 8, 8", "error"),
    ("maxpool-kernel-symbolic", "self.body = nn.MaxPool2d(PAYLOAD)", "return self.body(x)", "1, 3, img_size, img_size", "error"),
    ("adaptive-pool", "self.body = nn.AdaptiveAvgPool2d(PAYLOAD)", "return self.body(x)", "1, 3, 8, 8", "error"),
    ("pixelshuffle", "self.body = nn.PixelShuffle(PAYLOAD)", "return self.body(x)", "1, 16, 8, 8", "error"),
    ("embedding", "self.body = nn.Embedding(PAYLOAD, 4)", "return self.body(x)", "1, 4", "error"),
    ("lstm-hidden", "self.body = nn.LSTM(8, PAYLOAD)", "return self.body(x)[0]", "5, 1, 8", "error"),
    ("lstm-num-layers", "self.body = nn.LSTM(8, 16, num_layers=PAYLOAD)", "return self.body(x)[0]", "5, 1, 8", "error"),
    ("transformer-layers", "self.body = nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 2), num_layers=PAYLOAD)", "return self.body(x)", "5, 1, 16", "error"),
    ("unflatten", "self.body = nn.Unflatten(1, PAYLOAD)", "return self.body(x)", "1, 16", "error"),
    ("view", "self.body = nn.Identity()", "return x.view(PAYLOAD, -1)", "2, 8", "error"),
    ("buffer-size", "self.register_buffer('b', torch.zeros(PAYLOAD))\nself.body = nn.Identity()", "return self.body(x)", "1, 4", "error"),
    ("parameter-size", "self.p = nn.Parameter(torch.randn(PAYLOAD, 3))\nself.body = nn.Identity()", "return self.body(x)", "1, 4", "error"),
    ("sequential-repeat", "self.body = nn.Sequential(*[nn.Linear(4, 4) for _ in range(PAYLOAD)])", "return self.body(x)", "1, 4", "error"),
    ("buffer-name", "self.register_buffer(PAYLOAD, torch.zeros(3))\nself.body = nn.Identity()", "return self.body(x)", "1, 4", "any"),
    ("add-module-name", "self.add_module(PAYLOAD, nn.Linear(4, 4))\nself.body = nn.Identity()", "return self.body(x)", "1, 4", "any"),
    ("moduledict-key", "self.body = nn.Identity()\nself.d = nn.ModuleDict({PAYLOAD: nn.Linear(2, 2)})", "return self.body(x)", "1, 4", "any"),
    ("setattr-name", "self.body = nn.Identity()\nsetattr(self, PAYLOAD, nn.Linear(2, 2))", "return self.body(x)", "1, 4", "any"),
]

DIRECT_EXEC = [  # statements that would run code if executed, before a valid model (expect any)
    ("import-os-system", "import os\nos.system('touch @C@')\n"),
    ("dunder-import", "__import__('os').system('touch @C@')\n"),
    ("eval", "eval(\"__import__('os').system('touch @C@')\")\n"),
    ("exec", "exec(\"import os; os.system('touch @C@')\")\n"),
    ("exec-compile", "exec(compile(\"open('@C@', 'w').close()\", 'x', 'exec'))\n"),
    ("open-write", "open('@C@', 'w').write('x')\n"),
    ("with-open", "with open('@C@', 'w') as f:\n    f.write('x')\n"),
    ("subprocess", "import subprocess\nsubprocess.run(['touch', '@C@'])\n"),
    ("from-os-import", "from os import system\nsystem('touch @C@')\n"),
    ("pathlib-touch", "import pathlib\npathlib.Path('@C@').touch()\n"),
    ("importlib", "import importlib\nimportlib.import_module('os').system('touch @C@')\n"),
    ("builtins-exec", "import builtins\nbuiltins.exec(\"open('@C@', 'w').close()\")\n"),
    ("sys-modules", "import sys\nsys.modules['os'].system('touch @C@')\n"),
    ("globals-builtins", "globals()['__builtins__']['exec'](\"open('@C@', 'w').close()\")\n"),
    ("getattr-builtins", "getattr(__builtins__, 'exec')(\"open('@C@', 'w').close()\")\n"),
    ("subclasses-popen", "[k for k in ().__class__.__base__.__subclasses__() if k.__name__ == 'Popen'][0](['touch', '@C@'])\n"),
    ("lambda-globals", "(lambda: 0).__globals__['__builtins__']['exec'](\"open('@C@', 'w').close()\")\n"),
    ("ctypes", "import ctypes\nctypes.CDLL(None).system(b'touch @C@')\n"),
    ("pickle-loads", "import pickle\npickle.loads(b\"cos\\nsystem\\n(S'touch @C@'\\ntR.\")\n"),
    ("shutil-copy", "import shutil\nshutil.copy('/etc/hostname', '@C@')\n"),
    ("function-call", "def size():\n    __import__('os').system('touch @C@')\n    return 4\n\n\nn = size()\n"),
    ("decorator", "def deco(f):\n    __import__('os').system('touch @C@')\n    return f\n\n\n@deco\ndef build():\n    return 1\n"),
    ("init-subclass", "class Evil:\n    def __init_subclass__(cls):\n        __import__('os').system('touch @C@')\n\n\nclass Sub(Evil):\n    pass\n"),
    ("fstring", "name = f\"{__import__('os').system('touch @C@')}\"\n"),
    ("lambda-layer", "lam = layers.Lambda(lambda x: __import__('os').system('touch @C@') or x)\nm2 = keras.Sequential([keras.Input((4,)), lam])\n"),
    ("summary-print-fn", "m0 = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\nm0.summary(print_fn=lambda s: __import__('os').system('touch @C@'))\n"),
    ("keras-load-model", "m0 = keras.saving.load_model('@C@.keras', safe_mode=False)\n"),
    ("input-builtin", "x = input()\n"),
    ("breakpoint", "breakpoint()\n"),
    ("os-environ-write", "import os\nos.environ['LD_PRELOAD'] = '@C@'\nos.system('true')\n"),
]

TORCH_DIRECT_EXEC = [
    ("import-os-system", "import os\nos.system('touch @C@')\n"),
    ("init-system", None),  # made below: a payload inside __init__
    ("forward-system", None),
    ("torch-load-unsafe", "torch.load('evil.pt', weights_only=False)\n"),
    ("torch-hub", "torch.hub.load('@C@', 'model', source='local', trust_repo=True)\n"),
    ("numpy-load", "import numpy\nnumpy.load('evil.pt', allow_pickle=True)\n"),
]


def exec_cases() -> list[Case]:
    cases = []
    for i, (name, body, expect) in enumerate(KERAS_EXEC):
        form = NUMBER_FORMS[i % len(NUMBER_FORMS)] if expect == "error" else "system"
        cases.append(py(f"exec/keras-source/{name}", with_payload(keras_src(body), form), expect,
                        fast=name in ("upsampling2d-size-symbolic", "dense-name")))
    for form in FORMS:  # the issue's first case, with every payload form
        body = KERAS_EXEC[0][1]
        cases.append(py(f"exec/keras-source/upsampling2d-size-symbolic-{form}", with_payload(keras_src(body), form)))
    for i, (name, init, forward, shape, expect) in enumerate(TORCH_EXEC):
        form = NUMBER_FORMS[i % len(NUMBER_FORMS)] if expect == "error" else "system"
        cases.append(py(f"exec/torch-source/{name}", with_payload(torch_net(init, forward, shape), form), expect,
                        fast=name == "upsample-scale-symbolic"))
    for name, stmt in DIRECT_EXEC:
        cases.append(py(f"exec/keras-direct/{name}", with_canary(K + stmt + KERAS_TAIL), "any",
                        fast=name in ("import-os-system", "subclasses-popen"),
                        stdin=b"x\n" if name in ("input-builtin", "breakpoint") else None))
    evil = pickle_call("posix", "system", "touch @C@")
    for name, stmt in TORCH_DIRECT_EXEC:
        if name == "init-system":
            text = torch_net("__import__('os').system('touch @C@')\nself.body = nn.Linear(4, 2)", shape="1, 4")
        elif name == "forward-system":
            text = torch_net("self.body = nn.Linear(4, 2)", "__import__('os').system('touch @C@')\n        return self.body(x)", "1, 4")
        else:
            assert stmt is not None
            text = T + stmt + TORCH_TAIL
        make = files({"model.py": with_canary(text),
                      "evil.pt": lambda c, e=evil: e.replace(b"@C@", c.encode())})
        cases.append(Case(f"exec/torch-direct/{name}", make, ("{d}/model.py",), "any"))
    cases += exec_config_cases() + exec_checkpoint_cases() + exec_option_cases()
    return cases


def config_payloads() -> dict[str, tuple[Callable[[str], Any], str]]:
    """Keras configurations holding a payload, by where it sits, with the expected outcome."""

    def p(canary: str, form: str = "or2") -> str:
        return payload(canary, form)

    def functional_history(canary: str) -> Any:
        cfg = upsampling_model()
        cfg["config"]["layers"][1]["inbound_nodes"][0]["args"][0] = keras_tensor(p(canary, "system"))
        return cfg

    def functional_index(canary: str) -> Any:
        cfg = upsampling_model()
        cfg["config"]["layers"][1]["inbound_nodes"][0]["args"][0] = keras_tensor("img", p(canary))
        return cfg

    def input_layers(canary: str) -> Any:
        cfg = upsampling_model()
        cfg["config"]["input_layers"] = [[p(canary, "system"), 0, 0]]
        return cfg

    def tensor_shape(canary: str) -> Any:
        cfg = upsampling_model()
        cfg["config"]["layers"][1]["inbound_nodes"][0]["args"][0] = keras_tensor("img", shape=[None, p(canary), 8, 3])
        return cfg

    def os_module(canary: str) -> Any:
        cfg = dense_model()
        cfg["config"]["layers"][1] = {"module": "os", "class_name": "system", "config": f"touch {canary}",
                                      "registered_name": "os>system"}
        return cfg

    def os_activation(canary: str) -> Any:
        return dense_model(activation={"module": "os", "class_name": "system", "config": {"command": f"touch {canary}"},
                                       "registered_name": None})

    def compile_config(canary: str) -> Any:
        cfg = dense_model()
        cfg["compile_config"] = {"loss": p(canary, "system"), "optimizer": {"module": "os", "class_name": "system",
                                                                           "config": {"command": f"touch {canary}"}}}
        return cfg

    return {
        "upsampling-size-string": (lambda c: upsampling_model(p(c)), "error"),
        "upsampling-size-list": (lambda c: upsampling_model([p(c), 2]), "error"),
        "upsampling-size-symbolic-input": (lambda c: upsampling_model(p(c), (None, None, None, 3)), "error"),
        "batch-shape-dim": (lambda c: upsampling_model((2, 2), (None, p(c), 8, 3)), "error"),
        "batch-shape-dense": (lambda c: dense_model(batch_shape=[None, p(c)]), "error"),
        "upsampling-size-string-dims": (lambda c: upsampling_model(p(c), (None, "img_size", "img_size", 3)), "error"),
        "upsampling-size-list-string-dims": (lambda c: upsampling_model([p(c), p(c)], (None, "h", "w", 3)), "error"),
        "upsampling-fraction-payload-dims": (lambda c: upsampling_model([1.5, 1.5], (None, p(c), p(c), 3)), "error"),
        "batch-shape-layernorm": (lambda c: sequential(input_layer([None, 4, p(c)]), layer("LayerNormalization", "ln", axis=-1)), "error"),
        "batch-shape-batchnorm": (lambda c: sequential(input_layer([None, 4, p(c)]), layer("BatchNormalization", "bn", axis=-1)), "error"),
        "batch-shape-conv": (lambda c: sequential(input_layer([None, 8, 8, p(c)]), layer("Conv2D", "cv", filters=4, kernel_size=[3, 3])), "error"),
        "batch-shape-flatten-dense": (lambda c: sequential(input_layer([None, p(c), 2]), layer("Flatten", "f"), layer("Dense", "d", units=2)), "error"),
        "dense-units": (lambda c: dense_model(p(c)), "error"),
        "dense-units-list": (lambda c: dense_model([p(c)]), "error"),
        "conv-filters": (lambda c: conv_model(filters=p(c)), "error"),
        "conv-kernel": (lambda c: conv_model(kernel_size=[p(c), 3]), "error"),
        "conv-strides": (lambda c: conv_model(strides=[p(c), 1]), "error"),
        "reshape-target": (lambda c: sequential(input_layer([None, 4]), layer("Reshape", "r", target_shape=[p(c)])), "error"),
        "embedding-input-dim": (lambda c: sequential(input_layer([None, 4]), layer("Embedding", "e", input_dim=p(c), output_dim=3)), "error"),
        "history-layer-name": (functional_history, "error"),
        "history-node-index": (functional_index, "error"),
        "input-layers": (input_layers, "error"),
        "tensor-shape": (tensor_shape, "any"),
        "build-config": (lambda c: {**dense_model(), "build_config": {"input_shape": [None, p(c)]}}, "any"),
        "layer-name": (lambda c: sequential(input_layer([None, 4]), layer("Dense", p(c, "system"), units=2)), "any"),
        "class-name": (lambda c: sequential(input_layer([None, 4]), layer(p(c, "system"), "odd", units=2)), "any"),
        "dropout-rate": (lambda c: sequential(input_layer([None, 4]), layer("Dropout", "d", rate=p(c)), layer("Dense", "h", units=2)), "any"),
        "activation-string": (lambda c: dense_model(activation=p(c, "system")), "any"),
        "activation-os-module": (os_activation, "any"),
        "dtype": (lambda c: dense_model(dtype=p(c, "system")), "any"),
        "initializer": (lambda c: dense_model(kernel_initializer={"class_name": p(c, "system"), "config": {}}), "any"),
        "module-os-system": (os_module, "any"),
        "compile-config": (compile_config, "any"),
        "lambda-marshal-keras3": (lambda_keras3, "any"),
        "lambda-marshal-tf2": (lambda_tf2, "any"),
        "lambda-source-text": (lambda c: sequential(input_layer([None, 4]), layer("Lambda", "lam", function=p(c, "system")), layer("Dense", "h", units=2)), "any"),
    }


def exec_config_cases() -> list[Case]:
    cases = []
    payloads = config_payloads()
    for name, (config, expect) in payloads.items():
        cases.append(json_case(f"exec/keras-json/{name}", config, expect,
                               fast=name in ("upsampling-size-string", "lambda-marshal-keras3")))
    for name in ("upsampling-size-string", "upsampling-size-string-dims", "batch-shape-dim", "batch-shape-layernorm",
                 "dense-units", "conv-kernel", "layer-name", "module-os-system", "lambda-marshal-keras3",
                 "history-layer-name"):
        config, expect = payloads[name]
        cases.append(archive_case(f"exec/keras-archive/{name}", config, expect, fast=name == "upsampling-size-string"))
        cases.append(h5_case(f"exec/keras-h5/{name}", config, expect, fast=name == "batch-shape-dim"))

    def zip_slip(name_of: Callable[[str], str]) -> Make:
        def data(canary: str) -> bytes:
            config = json.dumps(dense_model()).encode()
            return zip_bytes([entry("metadata.json", b"{}"), entry("config.json", config),
                              entry(name_of(canary), b"x")])
        return files({"model.keras": data})

    cases.append(Case("exec/keras-archive/zip-slip-absolute", zip_slip(lambda c: c), ("{d}/model.keras",), "any"))
    cases.append(Case("exec/keras-archive/zip-slip-dotdot", zip_slip(lambda c: "../" * 12 + c.lstrip("/")),
                      ("{d}/model.keras",), "any"))
    cases.append(Case("exec/keras-archive/metadata-version", files({"model.keras": lambda c: keras_archive(
        dense_model(), metadata={"keras_version": payload(c, "system"), "date_saved": payload(c, "system")})}),
        ("{d}/model.keras",), "any"))

    def training_config(f: Any, canary: str) -> None:
        f.attrs["training_config"] = json.dumps({"loss": payload(canary, "system"), "optimizer_config": {
            "class_name": payload(canary, "system"), "config": {}}})
        f.attrs["keras_version"] = payload(canary, "system")
        f["model_weights"].attrs["layer_names"] = [payload(canary, "system").encode()]

    cases.append(h5_case("exec/keras-h5/training-config", dense_model(), "any", extra=training_config))
    return cases


def exec_checkpoint_cases() -> list[Case]:
    def st(header_of: Callable[[str], Any]) -> Make:
        return files({"model.safetensors": lambda c: safetensors_bytes(header_of(c), bytes(4096))})

    def one(name: str = "w", **info: Any) -> dict[str, Any]:
        return {name: {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24], **info}}

    safetensors = {
        "tensor-name": (lambda c: one(payload(c, "system")), "any"),
        "tensor-name-dotted": (lambda c: one("layer." + payload(c, "system") + ".weight"), "any"),
        "metadata": (lambda c: {**one(), "__metadata__": {"format": payload(c, "system"), payload(c, "system"): payload(c, "or2")}}, "any"),
        "dtype": (lambda c: one(dtype=payload(c, "system")), "error"),
        "shape": (lambda c: one(shape=[payload(c)]), "error"),
        "offsets": (lambda c: one(data_offsets=[0, payload(c)]), "error"),
    }
    cases = [Case(f"exec/safetensors/{name}", st(h), ("{d}/model.safetensors",), expect, fast=name == "tensor-name")
             for name, (h, expect) in safetensors.items()]

    def index(weight_map_of: Callable[[str], dict[str, str]], metadata: Callable[[str], Any] | None = None) -> Make:
        def text(canary: str) -> str:
            data: dict[str, Any] = {"weight_map": weight_map_of(canary)}
            if metadata:
                data["metadata"] = metadata(canary)
            return json.dumps(data)
        return files({"model.safetensors.index.json": text, "model-1.safetensors": safetensors_file(["w"])})

    idx = ("{d}/model.safetensors.index.json",)
    cases += [
        Case("exec/index/shard-shell", index(lambda c: {"w": f"model-$(touch {c}).safetensors"}), idx, "any"),
        Case("exec/index/shard-backtick", index(lambda c: {"w": f"`touch {c}`.safetensors"}), idx, "any"),
        Case("exec/index/shard-payload", index(lambda c: {"w": payload(c, "system")}), idx, "any"),
        Case("exec/index/key-payload", index(lambda c: {payload(c, "system"): "model-1.safetensors"}), idx, "any"),
        Case("exec/index/total-size", index(lambda c: {"w": "model-1.safetensors"}, lambda c: {"total_size": payload(c)}), idx, "any"),
    ]
    pickles: dict[str, Callable[[str], bytes]] = {
        "posix-system": lambda c: pickle_call("posix", "system", f"touch {c}"),
        "os-system": lambda c: pickle_call("os", "system", f"touch {c}"),
        "builtins-eval": lambda c: pickle_call("builtins", "eval", payload(c, "system")),
        "builtins-exec": lambda c: pickle_call("builtins", "exec", f"open('{c}', 'w').close()"),
        "subprocess": lambda c: b"csubprocess\ncall\n((S'touch'\nS'" + c.encode() + b"'\nltR.",
    }
    for name, data in pickles.items():
        cases.append(Case(f"exec/pt/zip-{name}", files({"model.pt": lambda c, d=data: torch_zip(d(c))}),
                          ("{d}/model.pt",), "error", fast=name == "posix-system"))
        cases.append(Case(f"exec/pt/legacy-{name}", files({"model.pt": data}), ("{d}/model.pt",), "error"))

    def load_from_bytes(canary: str) -> bytes:
        inner = pickle_call("posix", "system", f"touch {canary}")
        return (b"\x80\x03ctorch.storage\n_load_from_bytes\nq\x00B" + struct.pack("<I", len(inner)) + inner
                + b"\x85R.")

    cases.append(Case("exec/pt/zip-load-from-bytes", files({"model.pt": lambda c: torch_zip(load_from_bytes(c))}),
                      ("{d}/model.pt",), "error"))
    for ext in ("pth", "bin", "ckpt"):
        cases.append(Case(f"exec/pt/zip-posix-system-{ext}", files({f"model.{ext}": lambda c: torch_zip(pickles["posix-system"](c))}),
                          (f"{{d}}/model.{ext}",), "error"))
    return cases


SYMBOLIC_KERAS = K + ("inputs = keras.Input((img_size, img_size, 3))\nx = layers.Conv2D(8, 3)(inputs)\n"
                      "x = layers.Flatten()(x)\nmodel = keras.Model(inputs, layers.Dense(10)(x))\n")
TORCH_CLASS = T + ("class Net(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n"
                   "        self.fc = nn.Linear(n, 4)\n\n    def forward(self, x):\n        return self.fc(x)\n")


def option_case(case_id: str, args: Callable[[str], list[str]], expect: str = "error", text: str = SYMBOLIC_KERAS,
                sub: str = "", **kw: Any) -> Case:
    """paramwise run on a good file with options that hold the payload (the canary path is known only at run
    time, so the options are written to a file the runner reads: see `argv_file`)."""

    def make(folder: Path, canary: str) -> None:
        (folder / "model.py").write_text(text)
        (folder / "argv.json").write_text(json.dumps(args(canary)))

    head = (sub,) if sub else ()
    return Case(case_id, make, (*head, "{d}/model.py", "@argv.json"), expect, **kw)


def exec_option_cases() -> list[Case]:
    def p(form: str = "or2") -> Callable[[str], str]:
        return lambda c: payload(c, form)

    return [
        option_case("exec/option/set-value", lambda c: ["--set", f"img_size={payload(c)}"], fast=True),
        option_case("exec/option/set-value-system", lambda c: ["--set", f"img_size={payload(c, 'system')}"]),
        option_case("exec/option/set-value-quoted", lambda c: ["--set", f"img_size='{payload(c)}'"]),
        option_case("exec/option/set-name", lambda c: ["--set", f"{payload(c, 'system')}=3"]),
        option_case("exec/option/symbolic", lambda c: ["--symbolic", payload(c, "system")], "any", fast=True),
        option_case("exec/option/symbolic-list", lambda c: ["--symbolic", f"img_size,{payload(c, 'system')}"], "any"),
        option_case("exec/option/input-shape", lambda c: ["--input-shape", payload(c)]),
        option_case("exec/option/input-shape-dim", lambda c: ["--input-shape", f"1,{payload(c)}"]),
        option_case("exec/option/model", lambda c: ["--model", payload(c, "system")]),
        option_case("exec/option/class", lambda c: ["--class", payload(c, "system")], text=TORCH_CLASS),
        option_case("exec/option/args", lambda c: ["--class", "Net", "--args", payload(c)], text=TORCH_CLASS),
        option_case("exec/option/args-keyword", lambda c: ["--class", "Net", "--args", f"n={payload(c)}"], text=TORCH_CLASS),
        option_case("exec/option/check-claim", lambda c: ["--claim", payload(c)], sub="check"),
        option_case("exec/option/check-claim-list", lambda c: ["--claim", f"1,{payload(c)},3"], sub="check"),
        option_case("exec/option/check-claim-total", lambda c: ["--claim-total", payload(c)], sub="check"),
        option_case("exec/option/check-set", lambda c: ["--claim-total", "5", "--set", f"img_size={payload(c)}"], sub="check"),
    ]


# -- value: bad values and bad structure -------------------------------------------------------------------

BIG_DIGITS = "9" * 5000  # past Python's int/str conversion limit (4300 digits)
BAD_UNITS: list[tuple[str, str, str]] = [  # (label, JSON text of the value, expect)
    ("minus5", "-5", "error"), ("zero", "0", "error"), ("fraction", "3.5", "error"), ("float-whole", "3.0", "error"),
    ("nan", "NaN", "error"), ("infinity", "Infinity", "error"), ("minus-infinity", "-Infinity", "error"),
    ("text", '"abc"', "error"), ("digit-text", '"3"', "error"), ("null", "null", "error"), ("list", "[3]", "error"),
    ("true", "true", "any"), ("false", "false", "error"), ("object", "{}", "error"), ("empty-text", '""', "error"),
    ("huge-float", "1e308", "error"), ("overflow-float", "1e400", "error"), ("minus-zero", "-0.0", "error"),
    ("huge-int", "1000000000000000000000000000000", "any"), ("5000-digits", BIG_DIGITS, "error"),
]
BAD_BATCH_SHAPES: list[tuple[str, str, str]] = [
    ("minus4", "[null, -4]", "error"), ("zero", "[null, 0]", "any"), ("text", '"x"', "error"), ("object", "{}", "error"),
    ("empty", "[]", "error"), ("fraction", "[null, 3.5]", "error"), ("nan", "[null, NaN]", "error"),
    ("infinity", "[null, Infinity]", "error"), ("digit-text", '[null, "4"]', "error"), ("true", "[null, true]", "any"),
    ("huge", "[null, 100000000000000000000]", "any"), ("nested", "[[null]]", "error"), ("nested-dim", "[null, 4, [2]]", "error"),
    ("int", "5", "error"), ("5000-digits", f"[null, {BIG_DIGITS}]", "error"), ("null-dims-only", "[null, null]", "any"),
]


def value_cases() -> list[Case]:
    cases = []
    for label, value, expect in BAD_UNITS:
        text = json.dumps(dense_model(units="@V@")).replace('"@V@"', value)
        cases.append(json_case(f"value/json/dense-units-{label}", text, expect,
                               fast=label in ("minus5", "5000-digits")))
    for label, value, expect in BAD_BATCH_SHAPES:
        text = json.dumps(dense_model(batch_shape="@V@")).replace('"@V@"', value)
        cases.append(json_case(f"value/json/batch-shape-{label}", text, expect, fast=label == "minus4"))
    conv_bad = [
        ("filters-zero", {"filters": 0}), ("filters-minus", {"filters": -1}), ("filters-fraction", {"filters": 2.5}),
        ("filters-text", {"filters": "8"}), ("kernel-zero", {"kernel_size": [0, 3]}), ("kernel-minus", {"kernel_size": [-1, -1]}),
        ("kernel-one-dim", {"kernel_size": [3]}), ("kernel-three-dims", {"kernel_size": [3, 3, 3]}),
        ("kernel-fraction", {"kernel_size": 3.5}), ("kernel-text", {"kernel_size": "same"}), ("kernel-empty", {"kernel_size": []}),
        ("kernel-null", {"kernel_size": None}), ("kernel-too-big", {"kernel_size": [9, 9]}), ("strides-zero", {"strides": [0, 1]}),
        ("strides-minus", {"strides": -1}), ("padding-bogus", {"padding": "bogus"}), ("padding-int", {"padding": 3}),
        ("dilation-zero", {"dilation_rate": [0, 0]}), ("groups-zero", {"groups": 0}), ("groups-not-dividing", {"groups": 2}),
    ]
    for label, config in conv_bad:
        cases.append(json_case(f"value/json/conv-{label}", conv_model(**config), "error"))
    layer_bad = [
        ("upsampling-size-zero", upsampling_model([0, 2])), ("upsampling-size-minus", upsampling_model([-2, 2])),
        ("upsampling-size-fraction", upsampling_model(2.5)), ("upsampling-size-text", upsampling_model("2")),
        ("lstm-units-zero", sequential(input_layer([None, 5, 3]), layer("LSTM", "l", units=0))),
        ("embedding-input-dim-minus", sequential(input_layer([None, 5]), layer("Embedding", "e", input_dim=-1, output_dim=3))),
        ("mha-heads-zero", sequential(input_layer([None, 5, 8]), layer("MultiHeadAttention", "m", num_heads=0, key_dim=4))),
        ("reshape-two-unknowns", sequential(input_layer([None, 4]), layer("Reshape", "r", target_shape=[-1, -1]))),
        ("reshape-incompatible", sequential(input_layer([None, 4]), layer("Reshape", "r", target_shape=[5]))),
        ("reshape-zero", sequential(input_layer([None, 4]), layer("Reshape", "r", target_shape=[0]))),
        ("batchnorm-axis-out-of-range", sequential(input_layer([None, 4]), layer("BatchNormalization", "b", axis=10))),
        ("dropout-rate-5", sequential(input_layer([None, 4]), layer("Dropout", "d", rate=5), layer("Dense", "h", units=2))),
        ("dense-use-bias-text", dense_model(use_bias="yes")),
        ("conv1d-kernel-zero", sequential(input_layer([None, 8, 3]), layer("Conv1D", "c", filters=4, kernel_size=[0]))),
    ]
    for label, config in layer_bad:
        cases.append(json_case(f"value/json/{label}", config, "any" if label.startswith(("dropout", "dense-use")) else "error"))
    cases += structure_cases() + source_value_cases() + option_value_cases()
    for label, units in (("minus5", -5), ("text", "abc"), ("null", None)):
        cases.append(archive_case(f"value/keras-archive/dense-units-{label}", dense_model(units), "error"))
        cases.append(h5_case(f"value/keras-h5/dense-units-{label}", dense_model(units), "error"))
    cases.append(archive_case("value/keras-archive/batch-shape-minus4", dense_model(batch_shape=[None, -4]), "error"))
    cases.append(h5_case("value/keras-h5/batch-shape-object", dense_model(batch_shape={}), "error"))
    return cases


def structure_cases() -> list[Case]:
    def seq_layers(layers: Any) -> dict[str, Any]:
        return {"class_name": "Sequential", "config": {"name": "s", "layers": layers}}

    fun = upsampling_model()

    def fun_with(path: list[Any], value: Any) -> dict[str, Any]:
        cfg = json.loads(json.dumps(fun))
        target = cfg
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return cfg

    nodes = ["config", "layers", 1, "inbound_nodes"]
    history = [*nodes, 0, "args", 0, "config", "keras_history"]
    cycle = fun_with([*history], ["head", 0, 0])
    structural: list[tuple[str, Any, str]] = [
        ("layer-entry-int", seq_layers([input_layer([None, 4]), 5]), "error"),
        ("layer-entry-string", seq_layers([input_layer([None, 4]), "Dense"]), "error"),
        ("layer-entry-null", seq_layers([input_layer([None, 4]), None]), "error"),
        ("layer-entry-list", seq_layers([input_layer([None, 4]), [1, 2]]), "error"),
        ("layers-object", seq_layers({"a": 1}), "error"),
        ("layers-string", seq_layers("dense"), "error"),
        ("layers-int", seq_layers(3), "error"),
        ("layers-null", seq_layers(None), "error"),
        ("layers-empty", seq_layers([]), "any"),
        ("config-int", {"class_name": "Sequential", "config": 3}, "error"),
        ("config-null", {"class_name": "Sequential", "config": None}, "error"),
        ("config-missing", {"class_name": "Sequential"}, "error"),
        ("layer-config-list", seq_layers([input_layer([None, 4]), {"class_name": "Dense", "config": [1]}]), "error"),
        ("layer-class-int", seq_layers([input_layer([None, 4]), {"class_name": 7, "config": {"units": 2}}]), "any"),
        ("layer-class-missing", seq_layers([input_layer([None, 4]), {"config": {"units": 2}}]), "any"),
        ("history-missing-layer", fun_with(history, ["nowhere", 0, 0]), "error"),
        ("history-node-99", fun_with(history, ["img", 99, 0]), "error"),
        ("history-tensor-99", fun_with(history, ["img", 0, 99]), "error"),
        ("history-negative", fun_with(history, ["img", -1, -1]), "error"),
        ("history-short", fun_with(history, ["img"]), "error"),
        ("history-null", fun_with(history, None), "error"),
        ("cycle", cycle, "error"),
        ("self-loop", fun_with(history, ["up", 0, 0]), "error"),
        ("inbound-nodes-object", fun_with(nodes, {"args": []}), "error"),
        ("inbound-nodes-string", fun_with(nodes, "img"), "error"),
        ("inbound-args-deep", fun_with([*nodes, 0, "args"], [[[[[[[[[[keras_tensor("img")]]]]]]]]]]), "any"),
        ("input-layers-empty", fun_with(["config", "input_layers"], []), "error"),
        ("output-layers-unknown", fun_with(["config", "output_layers"], ["nowhere", 0, 0]), "error"),
        ("output-layers-int", fun_with(["config", "output_layers"], 5), "error"),
        ("duplicate-names", fun_with(["config", "layers", 2, "name"], "up"), "any"),
        ("tf2-node-five-items", fun_with(nodes, [[["img", 0, 0, {}, "extra"]]]), "any"),
        # a layer that cannot be read may be a `?` row with a warning (the reader's rule for unknown layers)
        ("wrapper-layer-null", sequential(input_layer([None, 5, 3]), layer("Bidirectional", "b", layer=None)), "any"),
        ("wrapper-layer-int", sequential(input_layer([None, 5, 3]), layer("TimeDistributed", "t", layer=3)), "any"),
        ("nested-model-broken", sequential(input_layer([None, 4]), {"class_name": "Sequential", "config": {"name": "in", "layers": 3}}), "any"),
        ("top-level-array", "[1, 2, 3]", "error"),
        ("top-level-sequential-in-array", '[{"class_name": "Sequential", "config": {"layers": []}}]', "error"),
    ]
    return [json_case(f"value/structure/{label}", config, expect, fast=label in ("layer-entry-int", "cycle"))
            for label, config, expect in structural]


KERAS_BAD_SOURCE = [  # (label, model line, expect): Keras itself is the oracle for what is bad
    ("dense-minus5", "keras.Sequential([keras.Input((4,)), layers.Dense(-5)])", "error"),
    ("dense-zero", "keras.Sequential([keras.Input((4,)), layers.Dense(0)])", "error"),
    ("dense-fraction", "keras.Sequential([keras.Input((4,)), layers.Dense(3.5)])", "error"),
    ("dense-text", "keras.Sequential([keras.Input((4,)), layers.Dense('abc')])", "error"),
    ("dense-none", "keras.Sequential([keras.Input((4,)), layers.Dense(None)])", "error"),
    ("dense-list", "keras.Sequential([keras.Input((4,)), layers.Dense([3])])", "error"),
    ("dense-nan", "keras.Sequential([keras.Input((4,)), layers.Dense(float('nan'))])", "error"),
    ("dense-inf", "keras.Sequential([keras.Input((4,)), layers.Dense(float('inf'))])", "error"),
    ("dense-function", "keras.Sequential([keras.Input((4,)), layers.Dense(len)])", "error"),
    ("conv2d-filters-zero", "keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(0, 3)])", "error"),
    ("conv2d-kernel-zero", "keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 0)])", "error"),
    ("conv2d-kernel-minus", "keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, -3)])", "error"),
    ("conv2d-kernel-one-dim", "keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, (3,))])", "error"),
    ("conv2d-strides-zero", "keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 3, strides=0)])", "error"),
    ("input-minus4", "keras.Sequential([keras.Input((-4,)), layers.Dense(2)])", "error"),
    ("input-text", "keras.Sequential([keras.Input(('x',)), layers.Dense(2)])", "error"),
    ("input-fraction", "keras.Sequential([keras.Input((3.5,)), layers.Dense(2)])", "error"),
    ("embedding-minus", "keras.Sequential([keras.Input((5,)), layers.Embedding(-1, 4)])", "error"),
    ("lstm-zero", "keras.Sequential([keras.Input((5, 3)), layers.LSTM(0)])", "error"),
    ("upsampling-zero", "keras.Sequential([keras.Input((8, 8, 3)), layers.UpSampling2D(0)])", "error"),
    ("maxpool-zero", "keras.Sequential([keras.Input((8, 8, 3)), layers.MaxPooling2D(0)])", "error"),
    ("reshape-incompatible", "keras.Sequential([keras.Input((4,)), layers.Reshape((5,))])", "error"),
    ("reshape-two-unknowns", "keras.Sequential([keras.Input((4,)), layers.Reshape((-1, -1))])", "error"),
    ("dense-true", "keras.Sequential([keras.Input((4,)), layers.Dense(True)])", "any"),
]
TORCH_BAD_SOURCE = [  # (label, module, input shape, expect): torch itself is the oracle
    ("linear-minus5", "nn.Linear(-5, 3)", "1, 4", "error"),
    ("linear-fraction", "nn.Linear(3.5, 2)", "1, 4", "error"),
    ("linear-text", "nn.Linear('a', 3)", "1, 4", "error"),
    ("linear-none", "nn.Linear(None, 3)", "1, 4", "error"),
    ("linear-zero-out", "nn.Linear(4, 0)", "1, 4", "any"),
    ("conv2d-kernel-minus", "nn.Conv2d(3, 8, -1)", "1, 3, 8, 8", "error"),
    ("conv2d-kernel-zero", "nn.Conv2d(3, 8, 0)", "1, 3, 8, 8", "any"),
    ("conv2d-groups", "nn.Conv2d(3, 8, 3, groups=2)", "1, 3, 8, 8", "error"),
    ("conv2d-padding-bogus", "nn.Conv2d(3, 8, 3, padding='bogus')", "1, 3, 8, 8", "error"),
    ("lstm-layers-zero", "nn.LSTM(8, 16, num_layers=0)", "5, 1, 8", "error"),
    ("lstm-layers-fraction", "nn.LSTM(8, 16, num_layers=2.5)", "5, 1, 8", "error"),
    ("embedding-minus", "nn.Embedding(-1, 3)", "1, 4", "error"),
    ("batchnorm-minus", "nn.BatchNorm2d(-1)", "1, 3, 8, 8", "error"),
    ("mha-not-dividing", "nn.MultiheadAttention(16, 3)", "5, 1, 16", "error"),
    ("linear-wrong-input", "nn.Linear(7, 3)", "1, 4", "any"),
]


def source_value_cases() -> list[Case]:
    cases = [py(f"value/keras-source/{label}", K + f"model = {line}\n", expect, fast=label == "dense-minus5")
             for label, line, expect in KERAS_BAD_SOURCE]
    for label, module, shape, expect in TORCH_BAD_SOURCE:
        forward = "return self.body(x, x, x)[0]" if "Multihead" in module else (
            "return self.body(x)[0]" if "LSTM" in module else "return self.body(x)")
        cases.append(py(f"value/torch-source/{label}", torch_net(f"self.body = {module}", forward, shape), expect,
                        fast=label == "linear-minus5"))
    return cases


def option_value_cases() -> list[Case]:
    def opt(label: str, args: list[str], expect: str = "error", text: str = SYMBOLIC_KERAS, sub: str = "", **kw: Any) -> Case:
        return option_case(f"value/option/{label}", lambda c, a=args: a, expect, text, sub, **kw)

    cases = [opt(f"set-{label}", ["--set", f"img_size={v}"], expect, fast=label == "text")
             for label, v, expect in [("text", "abc", "error"), ("minus4", "-4", "error"), ("zero", "0", "error"),
                                      ("fraction", "3.5", "error"), ("nan", "nan", "error"), ("inf", "inf", "error"),
                                      ("overflow", "1e309", "error"), ("empty", "", "error"),
                                      ("5000-digits", BIG_DIGITS, "error"), ("none", "None", "error"),
                                      ("true", "True", "any"), ("expression", "2**10", "error"),
                                      ("list", "[3]", "error"), ("huge", "9" * 60, "any")]]
    cases += [
        opt("set-name-not-identifier", ["--set", "1abc=3"]),
        opt("set-name-empty", ["--set", "=3"]),
        opt("set-name-keyword", ["--set", "class=3"]),
        opt("set-name-dunder", ["--set", "__import__=3"], "any"),
        opt("set-twice", ["--set", "img_size=3", "--set", "img_size=5"], "any"),
        opt("set-builtin-name", ["--set", "range=3", "--set", "img_size=8"], "any"),
        opt("set-module-name", ["--set", "keras=3", "--set", "img_size=8"], "any"),
        opt("input-shape-letters", ["--input-shape", "a,b"], text=TORCH_CLASS.replace("(self, n)", "(self, n=4)") + "\nmodel = Net()\n"),
        opt("input-shape-minus", ["--input-shape", "-1,3"], text=T + TORCH_TAIL),
        opt("input-shape-empty-dim", ["--input-shape", "1,,4"], "any", text=T + TORCH_TAIL),
        opt("input-shape-5000-digits", ["--input-shape", f"1,{BIG_DIGITS}"], text=T + TORCH_TAIL),
        opt("input-shape-float", ["--input-shape", "1,1e9"], text=T + TORCH_TAIL),
        opt("input-shape-parens", ["--input-shape", "((("], "any", text=T + TORCH_TAIL),
        opt("args-5000-digits", ["--class", "Net", "--args", BIG_DIGITS], "any", text=TORCH_CLASS),
        opt("args-empty-keyword", ["--class", "Net", "--args", "n="], text=TORCH_CLASS),
        opt("args-text", ["--class", "Net", "--args", "abc"], text=TORCH_CLASS),
        opt("args-minus", ["--class", "Net", "--args", "-4"], text=TORCH_CLASS),
        opt("class-missing", ["--class", "Nowhere"], text=TORCH_CLASS),
        opt("width-zero", ["--set", "img_size=8", "--width", "0"], "any"),
        opt("width-minus", ["--set", "img_size=8", "--width", "-5"], "any"),
        opt("width-huge", ["--set", "img_size=8", "--width", "1000000000"], "any", fast=True),
        opt("depth-minus", ["--set", "img_size=8", "--depth", "-1"], "any"),
        opt("depth-huge", ["--set", "img_size=8", "--depth", "1000000000"], "any"),
        opt("check-claim-nan", ["--set", "img_size=8", "--claim-total", "nan"], sub="check"),
        opt("check-claim-inf", ["--set", "img_size=8", "--claim-total", "1e999"], sub="check"),
        opt("check-claim-empty", ["--set", "img_size=8", "--claim", ""], sub="check"),
        opt("check-claim-5000-digits", ["--set", "img_size=8", "--claim-total", BIG_DIGITS], "any", sub="check"),
        opt("check-claim-many", ["--set", "img_size=8", "--claim", ",".join(["1"] * 40_000)], "any", sub="check"),
        opt("check-claim-negative", ["--set", "img_size=8", "--claim-total", "-5"], "any", sub="check"),
        opt("check-claim-fraction", ["--set", "img_size=8", "--claim", "1.5,2"], "any", sub="check"),
    ]
    return cases


# -- malformed files ---------------------------------------------------------------------------------------


def valid_config() -> bytes:
    return json.dumps(dense_model()).encode()


def archive(make_entries: Callable[[], list[Entry]], **kw: Any) -> Make:
    return files({"model.keras": lambda c: zip_bytes(make_entries(), **kw)})


def bomb_entries(name: str, stream: bytes, crc: int, size: int, method: int, declared: int | None = None) -> list[Entry]:
    bomb = Entry(name.encode(), stream, method, crc, size if declared is None else declared)
    return [entry("metadata.json", b"{}"), entry("config.json", valid_config()), bomb]


def malformed_archive_cases() -> list[Case]:
    config = valid_config()

    def with_config(**changes: Any) -> Callable[[], list[Entry]]:
        def make() -> list[Entry]:
            e = entry("config.json", config)
            for key, value in changes.items():
                setattr(e, key, value(e) if callable(value) else value)
            return [entry("metadata.json", b"{}"), e]
        return make

    def deflate_bomb(mib: int, declared: int | None = None, name: str = "model.weights.h5", byte: bytes = b"\0") -> Callable[[], list[Entry]]:
        return lambda: bomb_entries(name, *deflate_repeated(byte, mib), DEFLATED, declared)

    def bzip_bomb(blocks: int, declared: int | None = None) -> Callable[[], list[Entry]]:
        return lambda: bomb_entries("model.weights.h5", *bzip2_zeros(blocks), BZIP2, declared)

    def config_bomb(mib: int, declared: int | None = None) -> Callable[[], list[Entry]]:
        def make() -> list[Entry]:
            stream, crc, size = deflate_repeated(b" ", mib)
            head = entry("metadata.json", b"{}")
            return [head, Entry(b"config.json", stream, DEFLATED, crc, size if declared is None else declared)]
        return make

    def many_entries() -> list[Entry]:
        return [entry("metadata.json", b"{}"), entry("config.json", config)] + [
            entry(f"assets/{i}", b"", STORED) for i in range(65_000)]

    def duplicate() -> list[Entry]:
        return [entry("config.json", config), entry("config.json", b"[]"), entry("metadata.json", b"{}")]

    def symlink_config() -> list[Entry]:
        e = entry("config.json", b"/etc/passwd", STORED)
        e.external_attr, e.made_by = (0o120777 << 16), 0x0314
        return [entry("metadata.json", b"{}"), e]

    def with_member(name: str, data: bytes | Callable[[], bytes], method: int = DEFLATED) -> Callable[[], list[Entry]]:
        return lambda: [entry("metadata.json", b"{}"), entry("config.json", config),
                        entry(name, data() if callable(data) else data, method)]

    def half_weights() -> bytes:
        real = weights_h5()
        return real[: len(real) // 2]

    garbage = random.Random(7).randbytes(4096)
    cases = [
        Case("malformed/keras-archive/bad-crc", archive(with_config(crc=lambda e: e.crc ^ 0xDEADBEEF)), ("{d}/model.keras",), "error", fast=True),
        Case("malformed/keras-archive/size-smaller", archive(with_config(usize=lambda e: e.usize // 2)), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/size-larger", archive(with_config(usize=lambda e: e.usize * 2)), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/size-one-tb", archive(with_config(usize=0xFFFFFFF0)), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/csize-past-end", archive(with_config(csize=0x7FFFFFFF)), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/local-size-disagrees", archive(with_config(local_usize=1)), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/encrypted-flag", archive(with_config(flags=1)), ("{d}/model.keras",), "error", fast=True),
        Case("malformed/keras-archive/unknown-method", archive(with_config(method=99)), ("{d}/model.keras",), "error"),
        Case("malformed/keras-archive/lzma-method-garbage", archive(with_config(method=LZMA)), ("{d}/model.keras",), "error"),
        Case("malformed/keras-archive/deflate-bomb-2gib", archive(deflate_bomb(2048)), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/deflate-bomb-lying", archive(deflate_bomb(2048, declared=1024)), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/bzip2-bomb-6gib", archive(bzip_bomb(143)), ("{d}/model.keras",), "any", fast=True),
        Case("malformed/keras-archive/bzip2-bomb-lying", archive(bzip_bomb(143, declared=1024)), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/config-bomb-1gib", archive(config_bomb(1024)), ("{d}/model.keras",), "error"),
        Case("malformed/keras-archive/config-bomb-lying", archive(config_bomb(1024, declared=100)), ("{d}/model.keras",), "error"),
        Case("malformed/keras-archive/metadata-bomb", archive(deflate_bomb(1024, name="metadata.json", byte=b" ")), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/65000-entries", archive(many_entries), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/duplicate-config", archive(duplicate), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/symlink-config", archive(symlink_config), ("{d}/model.keras",), "error"),
        Case("malformed/keras-archive/garbage-weights", archive(with_member("model.weights.h5", garbage)), ("{d}/model.keras",), "any", fast=True),
        Case("malformed/keras-archive/hdf5-magic-garbage-weights", archive(with_member("model.weights.h5", b"\x89HDF\r\n\x1a\n" + garbage)), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/truncated-weights", archive(with_member("model.weights.h5", half_weights)), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/empty-weights", archive(with_member("model.weights.h5", b"")), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/weights-odd-layout", archive(with_member("model.weights.h5", lambda: weights_h5(odd_weights))), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/weights-deep-groups", archive(with_member("model.weights.h5", lambda: weights_h5(deep_groups))), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/config-latin1", archive(lambda: [entry("metadata.json", b"{}"), entry("config.json", config.replace(b'"seq"', b'"s\xe9q"'))]), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/config-null", archive(lambda: [entry("metadata.json", b"{}"), entry("config.json", b"null")]), ("{d}/model.keras",), "error"),
        Case("malformed/keras-archive/config-array", archive(lambda: [entry("metadata.json", b"{}"), entry("config.json", b"[]")]), ("{d}/model.keras",), "error"),
        Case("malformed/keras-archive/config-deep", archive(lambda: [entry("metadata.json", b"{}"), entry("config.json", deep_json(100_000))]), ("{d}/model.keras",), "error", fast=True),
        Case("malformed/keras-archive/metadata-deep", archive(lambda: [entry("metadata.json", deep_json(100_000)), entry("config.json", config)]), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/metadata-array", archive(lambda: [entry("metadata.json", b"[1]"), entry("config.json", config)]), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/no-central-directory", files({"model.keras": lambda c: keras_archive(dense_model())[:-22]}), ("{d}/model.keras",), "error"),
        Case("malformed/keras-archive/truncated", files({"model.keras": lambda c: keras_archive(dense_model(), weights_h5())[:900]}), ("{d}/model.keras",), "error"),
        Case("malformed/keras-archive/cd-offset-past-end", archive(lambda: [entry("metadata.json", b"{}"), entry("config.json", config)], cd_offset_delta=10**6), ("{d}/model.keras",), "error"),
        Case("malformed/keras-archive/entry-count-lies", archive(lambda: [entry("metadata.json", b"{}"), entry("config.json", config)], count=65535), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/long-comment", archive(lambda: [entry("metadata.json", b"{}"), entry("config.json", config)], comment=b"x" * 65535), ("{d}/model.keras",), "any"),
        Case("malformed/keras-archive/no-config", files({"model.keras": honest_zip({"metadata.json": b"{}"})}), ("{d}/model.keras",), "error"),
        Case("malformed/keras-archive/empty-zip", files({"model.keras": zip_bytes([])}), ("{d}/model.keras",), "error"),
    ]
    return cases


def odd_weights(f: Any) -> None:
    f.create_dataset("layers", data=[1, 2, 3])
    f.attrs["vars"] = "not a group"


def deep_groups(f: Any) -> None:
    g = f.create_group("layers/dense")
    for i in range(300):
        g = g.create_group(str(i))
    g.create_dataset("0", data=[1.0])


def deep_json(depth: int, opener: bytes = b"[", closer: bytes = b"]") -> bytes:
    return opener * depth + closer * depth


def malformed_h5_cases() -> list[Case]:
    config = json.dumps(dense_model())

    def h5(fill: Callable[[Any], None]) -> Make:
        return files({"model.h5": lambda c: h5_bytes(fill)})

    def attr(value: Any) -> Callable[[Any], None]:
        def fill(f: Any) -> None:
            f.attrs["model_config"] = value
            f.create_group("model_weights")
        return fill

    def weights_as_dataset(f: Any) -> None:
        f.attrs["model_config"] = config
        f.create_dataset("model_weights", data=[1, 2])

    def missing_layer(f: Any) -> None:
        f.attrs["model_config"] = config
        f.create_group("model_weights").attrs["layer_names"] = [b"dense", b"ghost"]

    def layer_names_ints(f: Any) -> None:
        f.attrs["model_config"] = config
        f.create_group("model_weights").attrs["layer_names"] = [1, 2, 3]

    def huge_dataset(f: Any) -> None:
        f.attrs["model_config"] = config
        g = f.create_group("model_weights/dense/seq/dense")
        g.create_dataset("kernel", shape=(10**7, 10**7), dtype="f4", chunks=(1, 1))

    def string_dataset(f: Any) -> None:
        f.attrs["model_config"] = config
        f.create_group("model_weights/dense/seq/dense").create_dataset("kernel", data="text")

    def external_link(target: str) -> Callable[[Any], None]:
        def fill(f: Any) -> None:
            import h5py

            f.attrs["model_config"] = config
            g = f.create_group("model_weights/dense")
            g["seq"] = h5py.ExternalLink(target, "/")
        return fill

    def soft_loop(f: Any) -> None:
        import h5py

        f.attrs["model_config"] = config
        g = f.create_group("model_weights/dense")
        g["a"] = h5py.SoftLink("/model_weights/dense/b")
        g["b"] = h5py.SoftLink("/model_weights/dense/a")

    def many_layer_names(f: Any) -> None:
        f.attrs["model_config"] = config
        f.create_group("model_weights").attrs["layer_names"] = [f"l{i}".encode() for i in range(2_000)]

    def half_of_real(canary: str) -> bytes:
        real = legacy_h5_model(dense_model())
        return real[: len(real) // 2]

    garbage = random.Random(8).randbytes(4096)
    arg = ("{d}/model.h5",)
    return [
        Case("malformed/keras-h5/config-not-utf8", h5(attr(b"\xff\xfe{\xc3\x28")), arg, "error"),
        Case("malformed/keras-h5/config-int", h5(attr(5)), arg, "error"),
        Case("malformed/keras-h5/config-array", h5(attr([b"a", b"b"])), arg, "error"),
        Case("malformed/keras-h5/config-empty", h5(attr("")), arg, "error"),
        Case("malformed/keras-h5/config-null", h5(attr("null")), arg, "error"),
        Case("malformed/keras-h5/config-deep", h5(attr(deep_json(100_000).decode())), arg, "error", fast=True),
        Case("malformed/keras-h5/weights-dataset", h5(weights_as_dataset), arg, "any"),
        Case("malformed/keras-h5/layer-names-missing", h5(missing_layer), arg, "any"),
        Case("malformed/keras-h5/layer-names-ints", h5(layer_names_ints), arg, "any"),
        Case("malformed/keras-h5/layer-names-2000", h5(many_layer_names), arg, "any"),
        Case("malformed/keras-h5/huge-dataset-shape", h5(huge_dataset), arg, "any"),
        Case("malformed/keras-h5/string-dataset", h5(string_dataset), arg, "any"),
        Case("malformed/keras-h5/external-link-passwd", h5(external_link("/etc/passwd")), arg, "any"),
        Case("malformed/keras-h5/external-link-fifo", both(h5(external_link("fifo.h5")), fifo("fifo.h5")), arg, "any"),
        Case("malformed/keras-h5/soft-link-loop", h5(soft_loop), arg, "any"),
        Case("malformed/keras-h5/truncated", files({"model.h5": half_of_real}), arg, "error", fast=True),
        Case("malformed/keras-h5/magic-then-garbage", files({"model.h5": b"\x89HDF\r\n\x1a\n" + garbage}), arg, "error"),
        Case("malformed/keras-h5/magic-only", files({"model.h5": b"\x89HDF\r\n\x1a\n"}), arg, "error"),
        Case("malformed/keras-h5/weights-only", h5(lambda f: f.attrs.__setitem__("layer_names", [b"dense"])), arg, "error"),
    ]


def malformed_json_cases() -> list[Case]:
    good = json.dumps(dense_model())
    head = '{"class_name": "Sequential", "config": {"name": "s", "layers": '
    return [
        json_case("malformed/json/deep-arrays", head + "[" * 100_000 + "]" * 100_000 + "}}", "error", fast=True),
        json_case("malformed/json/deep-objects", head + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}}", "error"),
        json_case("malformed/json/deep-1000", head + "[" * 1000 + "]" * 1000 + "}}", "error"),
        Case("malformed/json/bom", files({"model.json": b"\xef\xbb\xbf" + good.encode()}), ("{d}/model.json",), "ok", fast=True),
        Case("malformed/json/utf16", files({"model.json": good.encode("utf-16")}), ("{d}/model.json",), "any"),
        Case("malformed/json/utf32", files({"model.json": good.encode("utf-32")}), ("{d}/model.json",), "any"),
        json_case("malformed/json/truncated", good[: len(good) // 2], "error"),
        json_case("malformed/json/trailing-garbage", good + " {{{ garbage", "error"),
        Case("malformed/json/nul-bytes", files({"model.json": good.encode().replace(b'"seq"', b'"s\x00q"', 1) + b"\x00\x00"}), ("{d}/model.json",), "error"),
        Case("malformed/json/invalid-utf8", files({"model.json": good.encode().replace(b'"seq"', b'"s\xff\xfeq"')}), ("{d}/model.json",), "any"),
        json_case("malformed/json/duplicate-keys", good[:-1] + ', "config": {"name": "x", "layers": 3}}', "any"),
        json_case("malformed/json/comments", "// a model\n" + good, "any"),
        json_case("malformed/json/single-quotes", good.replace('"', "'"), "error"),
        json_case("malformed/json/leading-whitespace-1mb", " " * (1 << 20) + good, "any"),
        json_case("malformed/json/name-5mb", json.dumps(dense_model()).replace('"dense"', json.dumps("n" * 5_000_000)), "any"),
        json_case("malformed/json/name-lone-surrogate", good.replace('"dense"', '"\\ud800x"'), "any"),
        json_case("malformed/json/name-nul", good.replace('"dense"', '"a\\u0000b"'), "any"),
        json_case("malformed/json/name-ansi-escape", good.replace('"dense"', '"\\u001b[2J\\u001b[31mred"'), "any"),
        json_case("malformed/json/name-rtl-override", good.replace('"dense"', '"\\u202egnp.exe"'), "any"),
        json_case("malformed/json/empty", "", "error"),
        json_case("malformed/json/only-sniffed-words", '{"class_name": "Sequential"', "error"),
    ]


def malformed_safetensors_cases() -> list[Case]:
    arg = ("{d}/model.safetensors",)

    def case(label: str, data: bytes | Callable[[str], bytes], expect: str, **kw: Any) -> Case:
        return Case(f"malformed/safetensors/{label}", files({"model.safetensors": data}), arg, expect, **kw)

    def one(name: str = "w", **info: Any) -> bytes:
        header = {name: {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24], **info}}
        return safetensors_bytes(header, bytes(24))

    def raw(info_text: str) -> bytes:
        return safetensors_bytes(None, bytes(24), raw_header=('{"w": ' + info_text + "}").encode())

    header = json.dumps(tensors_header(["a.weight"])).encode()
    cases = [
        case("header-length-zero", safetensors_bytes(None, b"{}", raw_header=b"", declared=0), "error"),
        case("header-length-one", safetensors_bytes(None, b"", raw_header=b"{", declared=1), "error"),
        case("header-length-max", safetensors_bytes(None, b"", raw_header=header, declared=2**64 - 1), "error", fast=True),
        case("header-length-past-end", safetensors_bytes(None, b"", raw_header=header, declared=len(header) + 100), "error"),
        case("header-length-99mb", safetensors_bytes(None, b"", raw_header=header, declared=99 * 2**20), "error"),
        case("header-array", safetensors_bytes(None, raw_header=b"[1, 2]"), "error"),
        case("header-null", safetensors_bytes(None, raw_header=b"null"), "error"),
        case("header-number", safetensors_bytes(None, raw_header=b"12345"), "error"),
        case("header-not-json", safetensors_bytes(None, raw_header=b"{not json"), "error"),
        case("header-not-utf8", safetensors_bytes(None, raw_header=b'{"\xff\xfe": 1}'), "error"),
        case("header-bom", safetensors_bytes(None, bytes(24), raw_header=b"\xef\xbb\xbf" + header), "any"),
        case("header-trailing-spaces", safetensors_bytes(None, bytes(24), raw_header=header + b"   "), "ok"),
        case("header-deep", safetensors_bytes(None, raw_header=b'{"__metadata__": ' + deep_json(100_000) + b"}"), "error"),
        case("header-nan", raw('{"dtype": "F32", "shape": [NaN], "data_offsets": [0, 24]}'), "error"),
        case("empty-file", b"", "error"),
        case("five-bytes", b"\x05\x00\x00\x00\x00", "error"),
        case("eight-bytes", struct.pack("<Q", 2), "error"),
        case("100000-tensors", lambda c: safetensors_file([f"layers.{i}.weight" for i in range(100_000)], [1]), "ok"),
        case("name-empty", one(""), "any", fast=True),
        case("name-dots", one("..."), "any"),
        case("name-double-dot", one("a..b"), "any"),
        case("name-trailing-dot", one("a."), "any"),
        case("name-leading-dot", one(".a"), "any"),
        case("name-no-dot", one("emb_params"), "ok", fast=True),
        case("name-single-letter", one("w"), "ok"),
        case("name-20000-parts", one(".".join(["a"] * 20_000)), "any"),
        case("name-1mb", one("n" * (1 << 20)), "any"),
        case("name-nul-newline", one("a\x00b\nc"), "any"),
        case("name-ansi-escape", one("\x1b[2J\x1b[31mred.weight"), "any"),
        case("name-numeric", safetensors_file(["0", "0.0", "1.2.3"]), "any"),
        case("name-leaf-and-parent", safetensors_file(["a", "a.b", "a.b.c"]), "any"),
        case("dtype-unknown", one(dtype="F128"), "any"),
        case("dtype-int", one(dtype=5), "error"),
        case("dtype-null", one(dtype=None), "error"),
        case("dtype-long", one(dtype="F" * 100_000), "any"),
        case("shape-minus", one(shape=[-1]), "error"),
        case("shape-huge", one(shape=[10**30]), "any"),
        case("shape-fraction", one(shape=[3.5]), "error"),
        case("shape-text", one(shape=["a"]), "error"),
        case("shape-null", one(shape=None), "error"),
        case("shape-object", one(shape={}), "error"),
        case("shape-nested", one(shape=[[2]]), "error"),
        case("shape-true", one(shape=[True]), "any"),
        case("shape-scalar", one(shape=[]), "any"),
        case("shape-2-63", one(shape=[2**63]), "any"),
        case("shape-64-dims", one(shape=[2] * 64), "any"),
        case("shape-5000-digits", raw('{"dtype": "F32", "shape": [' + BIG_DIGITS + '], "data_offsets": [0, 24]}'), "error", fast=True),
        case("offsets-missing", safetensors_bytes({"w": {"dtype": "F32", "shape": [2, 3]}}, bytes(24)), "any"),
        case("offsets-reversed", one(data_offsets=[24, 0]), "any"),
        case("offsets-huge", one(data_offsets=[0, 10**30]), "any"),
        case("offsets-text", one(data_offsets=["a", "b"]), "error"),
        case("offsets-short", one(data_offsets=[1]), "error"),
        case("offsets-null", one(data_offsets=None), "error"),
        case("offsets-negative", one(data_offsets=[-5, 3]), "any"),
        case("entry-int", safetensors_bytes({"w": 5}), "error"),
        case("entry-list", safetensors_bytes({"w": []}), "error"),
        case("entry-string", safetensors_bytes({"w": "x"}), "error"),
        case("metadata-not-object", safetensors_bytes({"__metadata__": [1], **tensors_header(["w"])}, bytes(24)), "any"),
        case("metadata-only", safetensors_bytes({"__metadata__": {}}), "error"),
        case("mixed-dtypes", safetensors_bytes({"a.x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                                "a.y": {"dtype": "I64", "shape": [2], "data_offsets": [8, 24]},
                                                "b.z": {"dtype": "BOOL", "shape": [3], "data_offsets": [24, 27]},
                                                "b.w": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [27, 28]},
                                                "c.v": {"dtype": "BF16", "shape": [2], "data_offsets": [28, 32]}}, bytes(32)), "ok"),
        case("data-missing", safetensors_bytes(tensors_header(["a.weight"], [1000, 1000])), "any"),
        case("random-after-length", struct.pack("<Q", 100) + b"{" + random.Random(9).randbytes(200), "error"),
    ]
    return cases


def malformed_index_cases() -> list[Case]:
    arg = ("{d}/model.safetensors.index.json",)

    def index(weight_map: Any, extra: dict[str, Content] | None = None, raw: str | None = None) -> Make:
        text = raw if raw is not None else json.dumps({"metadata": {"total_size": 24}, "weight_map": weight_map})
        return files({"model.safetensors.index.json": text, "model-1.safetensors": safetensors_file(["w"]), **(extra or {})})

    return [
        Case("malformed/index/weight-map-list", index(["w"]), arg, "error"),
        Case("malformed/index/weight-map-values-int", index({"w": 1}), arg, "error"),
        Case("malformed/index/weight-map-empty", index({}), arg, "error"),
        Case("malformed/index/weight-map-missing", index(None, raw='{"metadata": {}, "weight_map_x": 1}'), arg, "error"),
        Case("malformed/index/deep", index(None, raw='{"weight_map": ' + deep_json(100_000, b"{\"a\": ", b"}").decode().replace("}", "1}", 1) + "}"), arg, "error", fast=True),
        Case("malformed/index/100000-entries", index(None, raw=json.dumps({"weight_map": {f"layers.{i}.w": "model-1.safetensors" for i in range(100_000)}})), arg, "any"),
        Case("malformed/index/shard-garbage", index({"w": "bad.safetensors"}, {"bad.safetensors": random.Random(3).randbytes(64)}), arg, "error"),
        Case("malformed/index/shard-missing", index({"w": "gone.safetensors"}), arg, "any"),
        Case("malformed/index/not-json", index(None, raw="weight_map {"), arg, "error"),
        Case("malformed/index/bom", files({"model.safetensors.index.json": b"\xef\xbb\xbf" + json.dumps({"weight_map": {"w": "model-1.safetensors"}}).encode(),
                                           "model-1.safetensors": safetensors_file(["w"])}), arg, "any"),
    ]


def torch_save(make_obj: Callable[[Any], Any], legacy: bool = False) -> Callable[[str], bytes]:
    """Bytes of torch.save(obj) (torch imported only when the case is made)."""

    def data(canary: str) -> bytes:
        import io

        import torch

        bio = io.BytesIO()
        torch.save(make_obj(torch), bio, _use_new_zipfile_serialization=not legacy)
        return bio.getvalue()

    return data


def malformed_pt_cases() -> list[Case]:
    arg = ("{d}/model.pt",)

    def case(label: str, data: Content, expect: str, **kw: Any) -> Case:
        return Case(f"malformed/pt/{label}", files({"model.pt": data}), arg, expect, **kw)

    def named(*names: str) -> Callable[[str], bytes]:
        return torch_save(lambda torch: {n: torch.zeros(2, 3) for n in names})

    good = torch_save(lambda torch: {"fc.weight": torch.zeros(2, 3), "fc.bias": torch.zeros(2)})
    return [
        case("name-empty", named(""), "any", fast=True),
        case("name-dots", named("..."), "any"),
        case("name-double-dot", named("a..b"), "any"),
        case("name-trailing-dot", named("a."), "any"),
        case("name-no-dot", named("emb_params"), "ok", fast=True),
        case("name-single-letter", named("w"), "ok"),
        case("name-leaf-and-parent", named("a", "a.b"), "any"),
        case("mixed-dtypes", torch_save(lambda torch: {"a.x": torch.zeros(2), "a.y": torch.zeros(2, dtype=torch.int64),
                                                       "b.z": torch.zeros(3, dtype=torch.bool), "c.w": torch.zeros(2, dtype=torch.bfloat16)}), "ok"),
        case("shared-children-40", lambda c: torch_zip(shared_children_pickle(40)), "any", fast=True),
        case("shared-children-legacy", lambda c: shared_children_pickle(40), "any"),
        case("nested-10000", lambda c: torch_zip(nested_dict_pickle(10_000)), "any"),
        case("nested-100000", lambda c: torch_zip(nested_dict_pickle(100_000)), "any"),
        case("top-level-list", torch_save(lambda torch: [torch.zeros(2)]), "error"),
        case("top-level-tensor", torch_save(lambda torch: torch.zeros(2)), "any"),
        case("top-level-int", torch_save(lambda torch: 5), "error"),
        case("top-level-none", torch_save(lambda torch: None), "error"),
        case("top-level-string", torch_save(lambda torch: "weights"), "error"),
        case("state-dict-under-key", torch_save(lambda torch: {"epoch": 3, "state_dict": {"fc.weight": torch.zeros(2, 3)}}), "ok"),
        case("legacy-format", torch_save(lambda torch: {"fc.weight": torch.zeros(2, 3)}, legacy=True), "ok"),
        case("data-pkl-garbage", lambda c: torch_zip(random.Random(4).randbytes(256)), "error"),
        case("data-pkl-missing", lambda c: honest_zip({"archive/version": b"3\n"}, STORED), "error"),
        case("truncated", lambda c: good(c)[:300], "error"),
        case("empty", b"", "error"),
        case("pickle-then-garbage", b"\x80\x02" + random.Random(5).randbytes(512), "error"),
        case("safetensors-named-pt", safetensors_file(["fc.weight"]), "ok"),
        case("huge-declared-storage", torch_save(lambda torch: {"fc.weight": torch.empty(10**6, 10**6, device="meta")}), "any"),
    ]


def malformed_source_cases() -> list[Case]:
    good = K + "model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\n"
    body = "model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\n"
    return [
        py("malformed/source/nul-bytes", good.encode().replace(b"layers.Dense", b"layers.\x00Dense"), "error", fast=True),
        py("malformed/source/utf16", good.encode("utf-16"), "any"),
        py("malformed/source/utf8-bom", b"\xef\xbb\xbf" + good.encode(), "ok"),
        py("malformed/source/only-bom", b"\xef\xbb\xbf", "error"),
        py("malformed/source/invalid-utf8", good.encode() + b"# \xff\xfe\xc3\x28\n", "any"),
        py("malformed/source/coding-cookie-bogus", "# -*- coding: no-such-codec -*-\n" + good, "any"),
        py("malformed/source/coding-cookie-utf7", "# coding: utf-7\n" + good, "any"),
        py("malformed/source/bidi-override", good.replace("model =", "model = \u202e"), "any"),
        py("malformed/source/zero-width-identifier", K + "mo\u200bdel = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\n", "any"),
        py("malformed/source/nfkc-identifier", K + "\uff4d\uff4fdel = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\n", "any"),
        py("malformed/source/cr-newlines", good.replace("\n", "\r"), "any"),
        py("malformed/source/form-feeds", good.replace("\n", "\n\f"), "any"),
        py("malformed/source/line-10mb", lambda c: K + "x = 1  # " + "a" * 10_000_000 + "\n" + body, "ok"),
        py("malformed/source/nested-ifs-200", K + "".join("    " * i + "if True:\n" for i in range(200)) + "    " * 200 + "pass\n" + body, "any"),
        py("malformed/source/nested-fors-30", K + "".join("    " * i + f"for i{i} in range(1):\n" for i in range(30)) + "    " * 30 + "pass\n" + body, "any"),
        py("malformed/source/tabs-and-spaces", K + "if True:\n\tx = 1\n        y = 2\n" + body, "any"),
        py("malformed/source/truncated", good[: len(good) - 20], "any"),  # pasted-code repair may close it
        py("malformed/source/lone-surrogate-escape", K + "name = '\\ud800'\nmodel = keras.Sequential([keras.Input((4,)), layers.Dense(2, name=name)])\n", "any"),
        py("malformed/source/only-comments", "# nothing here\n" * 1000, "error"),
        Case("malformed/pasted/repl-100000", files({"pasted.txt": lambda c: ">>> x = 1\n" * 100_000 + "".join(">>> " + line + "\n" for line in good.splitlines())}), ("{d}/pasted.txt",), "any"),
        Case("malformed/pasted/fences-10000", files({"pasted.txt": lambda c: "```\n```\n" * 10_000 + "```python\n" + good + "```\n"}), ("{d}/pasted.txt",), "any"),
        Case("malformed/pasted/line-numbers-100000", files({"pasted.txt": lambda c: "".join(f"{i} x = {i}\n" for i in range(100_000)) + good}), ("{d}/pasted.txt",), "any"),
        Case("malformed/pasted/prose-only-1mb", files({"pasted.txt": lambda c: "This model has many layers and it learns.\n" * 25_000}), ("{d}/pasted.txt",), "error"),
    ]


def random_cases() -> list[Case]:
    exts = [".py", ".txt", ".json", ".keras", ".h5", ".hdf5", ".safetensors", ".pt", ".pth", ".bin", ".ckpt",
            ".onnx", ".safetensors.index.json", ""]
    cases = []
    for i, ext in enumerate(exts):
        name = "model" + ext
        data = random.Random(100 + i).randbytes(4096)
        tag = ext.strip(".").replace(".", "-") or "no-extension"
        cases.append(Case(f"random/bytes/{tag}", files({name: data}), (f"{{d}}/{name}",), "error", fast=ext in (".py", ".keras")))
        cases.append(Case(f"random/empty/{tag}", files({name: b""}), (f"{{d}}/{name}",), "error"))
    magic = {"zip-keras": ("model.keras", b"PK\x03\x04"), "zip-pt": ("model.pt", b"PK\x03\x04"),
             "hdf5": ("model.h5", b"\x89HDF\r\n\x1a\n"), "safetensors": ("model.safetensors", struct.pack("<Q", 4000) + b"{"),
             "pickle": ("model.pt", b"\x80\x02"), "keras-source": ("model.py", b"import keras\nfrom keras import layers\n"),
             "torch-source": ("model.py", b"import torch\nfrom torch import nn\n"),
             "keras-json": ("model.json", b'{"class_name": "Sequential", "config": '),
             "no-extension-zip": ("model", b"PK\x03\x04config.json")}
    for j, (tag, (name, head)) in enumerate(magic.items()):
        data = head + random.Random(200 + j).randbytes(4096)
        cases.append(Case(f"random/magic/{tag}", files({name: data}), (f"{{d}}/{name}",), "error", fast=tag == "hdf5"))
    cases.append(Case("random/stdin-binary", NOTHING, ("-",), "error", stdin=random.Random(11).randbytes(4096), fast=True))
    return cases


# -- bomb: bounded work ------------------------------------------------------------------------------------

KERAS_BOMBS = [  # (label, statements before a valid model)
    ("list-range-1e9", "x = list(range(10**9))\n"),
    ("set-range-1e8", "s = set(range(10**8))\n"),
    ("tuple-range-1e9", "t = tuple(range(10**9))\n"),
    ("sorted-range-1e9", "s = sorted(range(10**9))\n"),
    ("dict-comprehension-1e9", "d = {i: i for i in range(10**9)}\n"),
    ("sum-range-1e13", "t = sum(range(10**13))\n"),
    ("max-range-1e12", "m = max(range(10**12))\n"),
    ("min-generator-1e12", "m = min(i for i in range(10**12))\n"),
    ("any-generator-1e13", "a = any(i < 0 for i in range(10**13))\n"),
    ("all-generator-1e13", "a = all(i >= 0 for i in range(10**13))\n"),
    ("zip-list-1e12", "z = list(zip(range(10**12), range(10**12)))\n"),
    ("enumerate-list-1e12", "e = list(enumerate(range(10**12)))\n"),
    ("reversed-list-1e12", "r = list(reversed(range(10**12)))\n"),
    ("nested-comprehension", "x = [a * b for a in range(10**6) for b in range(10**6)]\n"),
    ("pow-3-1e8", "p = pow(3, 10**8)\n"),
    ("pow-chain-4096", "x = 10**4096\nx = x**4096\nx = x**4096\n"),
    ("power-tower", "x = 2**2**2**2**2**2\n"),
    ("shift-1e10", "x = 1 << 10**10\n"),
    ("shift-1e12", "x = 1 << 10**12\n"),
    ("big-mul-chain", "x = 7**100000\nfor _ in range(20):\n    x = x * x\n"),
    ("divmod-huge", "q = divmod(10**(10**7), 3)\n"),
    ("str-doubling", "s = 'ab'\nfor _ in range(64):\n    s = s + s\n"),
    ("list-extend-doubling", "a = [0]\nfor _ in range(64):\n    a.extend(a)\n"),
    ("list-augassign-doubling", "a = [0]\nfor _ in range(64):\n    a += a\n"),
    ("list-mul-1e10", "a = [0] * 10**10\n"),
    ("tuple-mul-1e9", "t = (1,) * 10**9\n"),
    ("str-mul-1e10", "s = 'x' * 10**10\n"),
    ("str-mul-list-of-str", "s = ['x' * 10**6] * 10**4\nt = ''.join(s)\n"),
    ("join-1e9", "s = ','.join(str(i) for i in range(10**9))\n"),
    ("join-mul", "s = ''.join(['x'] * 10**9)\n"),
    ("replace-bomb", "s = 'ab' * 10**5\nt = s.replace('', s)\n"),
    ("replace-chain", "s = 'a' * 1000\nfor _ in range(10):\n    s = s.replace('a', 'aaaaaaaaaa')\n"),
    ("fstring-width", "s = f'{1:>{10**10}}'\n"),
    ("format-width", "s = '{:>10000000000}'.format(1)\n"),
    ("format-width-nested", "s = '{:{}}'.format(1, 10**10)\n"),
    ("percent-width", "s = '%10000000000d' % 1\n"),
    ("percent-star-width", "s = '%0*d' % (10**10, 1)\n"),
    ("zfill-1e10", "s = 'x'.zfill(10**10)\n"),
    ("split-huge", "s = ('a ' * 10**8).split()\n"),
    ("format-star-args", "s = '{}'.format(*range(10**9))\n"),
    ("max-star-args", "m = max(*range(10**8))\n"),
    ("sum-lists-quadratic", "x = sum([[1] * 1000] * 100000, [])\n"),
    ("in-operator-huge", "b = 'a' in 'b' * 10**10\n"),
    ("len-range-1e100", "n = len(range(10**100))\n"),
    ("range-index-1e100", "n = range(10**100)[-1]\n"),
    ("int-from-long-text", "n = int('9' * 100000)\n"),
    ("str-of-big-int", "s = str(10**100000)\n"),
    ("hex-of-big-int", "s = hex(10**(10**7))\n"),
    ("big-int-in-dense", None),  # made below: the count itself is a huge number
    ("big-int-in-input", None),
    ("deep-tuple-dict-key", "t = ()\nfor _ in range(300000):\n    t = (t,)\nd = {t: 1}\n"),
    ("deep-tuple-set", "t = ()\nfor _ in range(300000):\n    t = (t,)\ns = {t}\n"),
    ("deep-tuple-compare", "t = ()\nu = ()\nfor _ in range(300000):\n    t = (t,)\n    u = (u,)\nb = t == u\n"),
    ("deep-tuple-str", "t = ()\nfor _ in range(300000):\n    t = (t,)\ns = str(t)\n"),
    ("deep-list-repr", "a = []\nfor _ in range(300000):\n    a = [a]\ns = repr(a)\n"),
    ("deep-dict-in-name", "d = {}\nfor _ in range(300000):\n    d = {'a': d}\nname = str(d)\n"),
    ("plus-chain-500", "n = " + "+".join(["1"] * 500) + "\n"),
    ("plus-chain-100000", "n = " + "+".join(["1"] * 100_000) + "\n"),
    ("unary-minus-10000", "n = " + "- " * 10_000 + "1\n"),
    ("not-chain-10000", "b = " + "not " * 10_000 + "True\n"),
    ("attribute-chain", "class A:\n    pass\n\n\na = A()\na.b = a\nx = a" + ".b" * 10_000 + "\n"),
    ("call-chain", "def f():\n    return f\n\n\nx = f" + "()" * 10_000 + "\n"),
    ("subscript-chain", "x = [0]\nx[0] = x\ny = x" + "[0]" * 10_000 + "\n"),
    ("power-chain-parsed", "n = " + "**".join(["2"] * 1000) + "\n"),
    ("parentheses-10000", "n = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n"),
    ("nested-lambdas", "f = " + "lambda: " * 2000 + "1\n"),
    ("nested-lambda-calls", "f = " + "lambda: " * 500 + "1\nx = f" + "()" * 500 + "\n"),
    ("nested-list-literal", "x = " + "[" * 5000 + "]" * 5000 + "\n"),
    ("nested-functions-500", "".join("    " * i + f"def f{i}():\n" for i in range(500)) + "    " * 500 + "pass\n"),
    ("recursion", "def f(n):\n    return f(n + 1)\n\n\nx = f(0)\n"),
    ("mutual-recursion", "def f(n):\n    return g(n)\n\n\ndef g(n):\n    return f(n)\n\n\nx = f(0)\n"),
    ("recursion-with-list", "def f(a):\n    return f(a + a)\n\n\nx = f([0])\n"),
    ("while-true", "while True:\n    pass\n"),
    ("while-true-try", "while True:\n    try:\n        raise ValueError\n    except ValueError:\n        pass\n"),
    ("dict-fill-1e8", "d = {}\nfor i in range(10**8):\n    d[i] = i\n"),
    ("loop-1e12-add", "model0 = keras.Sequential([keras.Input((4,))])\nfor i in range(10**12):\n    model0.add(layers.Dense(4))\n"),
    ("functions-30-loops", "".join(f"def f{i}():\n    for j in range(10**12):\n        pass\n\n\n" for i in range(30)) + "".join(f"f{i}()\n" for i in range(30))),
    ("class-deep-inheritance", "class A0:\n    pass\n\n\n" + "".join(f"class A{i + 1}(A{i}):\n    pass\n\n\n" for i in range(2000))),
    ("class-diamond", "class B0:\n    pass\n\n\nclass C0:\n    pass\n\n\n" + "".join(f"class B{i + 1}(B{i}, C{i}):\n    pass\n\n\nclass C{i + 1}(B{i}, C{i}):\n    pass\n\n\n" for i in range(40))),
    ("print-huge", "print('x' * 10**9)\n"),
    ("print-loop", "for i in range(10**7):\n    print(i)\n"),
    ("generator-1e12", "def gen():\n    i = 0\n    while True:\n        yield i\n        i += 1\n\n\nx = list(gen())\n"),
    ("exception-message-huge", "raise ValueError('x' * 10**9)\n"),
    ("assert-huge", "assert False, 'x' * 10**9\n"),
    ("walrus-loop", "while (n := 1):\n    pass\n"),
    ("range-step-tiny", "x = list(range(0, 10**12, 1))\n"),
    ("float-loop", "x = 0.0\nwhile x < 1e300:\n    x += 1e-300\n"),
    ("set-comprehension-1e9", "s = {i for i in range(10**9)}\n"),
    ("string-in-loop", "s = ''\nfor i in range(10**8):\n    s += 'x'\n"),
]


def bomb_cases() -> list[Case]:
    cases = []
    fast = {"list-range-1e9", "sum-range-1e13", "deep-tuple-dict-key", "plus-chain-500", "functions-30-loops"}
    for label, stmt in KERAS_BOMBS:
        if label == "big-int-in-dense":
            text = K + "model = keras.Sequential([keras.Input((4,)), layers.Dense(10**5000)])\n"
        elif label == "big-int-in-input":
            text = K + "model = keras.Sequential([keras.Input((10**5000,)), layers.Dense(2)])\n"
        else:
            assert stmt is not None
            text = K + stmt + KERAS_TAIL
        cases.append(py(f"bomb/keras-source/{label}", text, "any", fast=label in fast))
    torch_bombs = {
        "lstm-layers-1e12": ("self.body = nn.LSTM(8, 16, num_layers=10**12)", "return self.body(x)[0]", "5, 1, 8"),
        "gru-layers-1e12": ("self.body = nn.GRU(8, 16, num_layers=10**12)", "return self.body(x)[0]", "5, 1, 8"),
        "rnn-layers-1e9": ("self.body = nn.RNN(8, 16, num_layers=10**9)", "return self.body(x)[0]", "5, 1, 8"),
        "transformer-decoder-1e12": ("self.body = nn.Transformer(d_model=16, nhead=2, num_encoder_layers=1, num_decoder_layers=10**12)", "return self.body(x, x)", "5, 1, 16"),
        "transformer-encoder-1e12": ("self.body = nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 2), num_layers=10**12)", "return self.body(x)", "5, 1, 16"),
        "modulelist-mul-1e9": ("self.body = nn.Sequential(*([nn.Linear(4, 4)] * 10**9))", "return self.body(x)", "1, 4"),
        "sequential-10000": ("self.body = nn.Sequential(*[nn.Linear(4, 4) for _ in range(10000)])", "return self.body(x)", "1, 4"),
        "linear-1e12": ("self.body = nn.Linear(10**12, 10**12)", "return self.body(x)", "1, 10**12"),
        "zeros-1e12-buffer": ("self.register_buffer('b', torch.zeros(10**6, 10**6))\nself.body = nn.Identity()", "return self.body(x)", "1, 4"),
        "forward-loop-1e12": ("self.body = nn.Linear(4, 4)", "for _ in range(10**12):\n            x = self.body(x)\n        return x", "1, 4"),
        "input-huge": ("self.body = nn.Conv2d(3, 8, 3)", "return self.body(x)", "1, 3, 10**9, 10**9"),
    }
    for label, (init, forward, shape) in torch_bombs.items():
        expect = "ok" if label == "sequential-10000" else "any"
        cases.append(py(f"bomb/torch-source/{label}", torch_net(init, forward, shape), expect,
                        fast=label == "lstm-layers-1e12"))
    cases += [
        py("bomb/keras-source/sequential-10000-comprehension", K + "model = keras.Sequential([keras.Input((4,))] + [layers.Dense(4) for _ in range(10000)])\n", "ok"),
        py("bomb/keras-source/sequential-50000-comprehension", K + "model = keras.Sequential([keras.Input((4,))] + [layers.Dense(4) for _ in range(50000)])\n", "any"),
        py("bomb/keras-source/sequential-10000-lines", K + "model = keras.Sequential()\nmodel.add(keras.Input((4,)))\n" + "model.add(layers.Dense(4))\n" * 10000, "ok"),
        py("bomb/keras-source/functional-10000", K + "x = inputs = keras.Input((4,))\nfor i in range(10000):\n    x = layers.Dense(4)(x)\nmodel = keras.Model(inputs, x)\n", "ok"),
        py("bomb/keras-source/undefined-30000", K + "".join(f"v{i} = u{i}\n" for i in range(30_000)) + KERAS_TAIL, "any", fast=True),
        py("bomb/keras-source/lines-100000", K + "x = 1\n" * 100_000 + KERAS_TAIL, "ok"),
        py("bomb/keras-source/one-line-5mb", lambda c: K + "x = '" + "a" * 5_000_000 + "'\n" + KERAS_TAIL, "ok"),
        Case("bomb/pasted/page-5mb-prose", files({"pasted.txt": lambda c: pasted_page()}), ("{d}/pasted.txt",), "any", fast=True),
        Case("bomb/pasted/prose-300-lines", files({"pasted.txt": lambda c: pasted_page(pad=0)}), ("{d}/pasted.txt",), "any"),
        json_case("bomb/json/sequential-10000", lambda c: sequential(input_layer([None, 4]), *[layer("Dense", f"d{i}", units=4) for i in range(10_000)]), "ok", fast=True),
        json_case("bomb/json/sequential-50000", lambda c: sequential(input_layer([None, 4]), *[layer("Dense", f"d{i}", units=4) for i in range(50_000)]), "any"),
        json_case("bomb/json/nested-150", lambda c: nested_sequential(150), "any", fast=True),
        json_case("bomb/json/nested-1000", lambda c: nested_sequential(1000), "any"),
        json_case("bomb/json/functional-chain-10000", lambda c: functional_chain(10_000), "ok"),
        json_case("bomb/json/fan-out-in", lambda c: fan_model(2000), "any"),
        json_case("bomb/json/units-1e12", dense_model(10**12, [None, 10**12]), "any"),
        Case("bomb/command/check-10000-claims-on-10000-layers", files({"model.py": K + "model = keras.Sequential([keras.Input((4,))] + [layers.Dense(4) for _ in range(10000)])\n",
                                                                       "argv.json": json.dumps(["--claim", ",".join(["20"] * 10_000)])}),
             ("check", "{d}/model.py", "@argv.json"), "any"),
        Case("bomb/command/list-1000-models", files({"model.py": K + "".join(f"m{i} = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\n" for i in range(1000))}),
             ("{d}/model.py", "--list"), "any", fast=True),
        Case("bomb/command/expand-nested-150", files({"model.json": lambda c: nested_sequential(150)}), ("{d}/model.json", "--expand", "--explain"), "any"),
        Case("bomb/command/symbolic-10000-layers", files({"model.py": K + "model = keras.Sequential([keras.Input((n,))] + [layers.Dense(4) for _ in range(10000)])\n"}),
             ("{d}/model.py", "--symbolic"), "any"),
        Case("bomb/command/as-torch-10000-layers", files({"model.py": K + "model = keras.Sequential([keras.Input((4,))] + [layers.Dense(4) for _ in range(10000)])\n"}),
             ("{d}/model.py", "--as", "torch"), "any"),
        Case("bomb/command/json-format-10000-layers", files({"model.py": K + "model = keras.Sequential([keras.Input((4,))] + [layers.Dense(4) for _ in range(10000)])\n"}),
             ("{d}/model.py", "--format", "json"), "ok"),
        Case("bomb/index/100000-shards-missing", files({"model.safetensors.index.json": lambda c: json.dumps({"weight_map": {f"t{i}": f"s{i}.safetensors" for i in range(100_000)}})}),
             ("{d}/model.safetensors.index.json",), "any"),
    ]
    return cases


def nested_sequential(depth: int) -> str:
    """A Sequential holding a Sequential ... `depth` deep (as text: json.dumps itself recurses)."""
    text = json.dumps(sequential(input_layer([None, 4]), layer("Dense", "d", units=4), name="s0"))
    head = json.dumps(input_layer([None, 4]))
    for i in range(1, depth):
        text = f'{{"module": "keras", "class_name": "Sequential", "config": {{"name": "s{i}", "layers": [{head}, {text}]}}}}'
    return text


def functional_chain(n: int) -> dict[str, Any]:
    inp = input_layer([None, 4], name="in")
    inp["name"], inp["inbound_nodes"] = "in", []
    layers_ = [inp]
    prev = "in"
    for i in range(n):
        layers_.append(node_layer("Dense", f"d{i}", [prev], units=4))
        prev = f"d{i}"
    return functional(layers_, [["in", 0, 0]], [[prev, 0, 0]])


def fan_model(n: int) -> dict[str, Any]:
    inp = input_layer([None, 4], name="in")
    inp["name"], inp["inbound_nodes"] = "in", []
    branches = [node_layer("Dense", f"b{i}", ["in"], units=2) for i in range(n)]
    add = node_layer("Add", "add", [])
    add["inbound_nodes"] = [{"args": [[keras_tensor(f"b{i}") for i in range(n)]], "kwargs": {}}]
    return functional([inp, *branches, add], [["in", 0, 0]], [["add", 0, 0]])


def pasted_page(pad: int = 16_000) -> str:
    """A page pasted from a lesson: 300 prose lines (each `pad` characters long) around the model's code."""
    code = ["model = Sequential()", "model.add(Conv2D(32, (3, 3), input_shape=(28, 28, 1)))", "model.add(Flatten())",
            "model.add(Dense(10))"]
    lines = ["from keras.models import Sequential", "from keras.layers import Conv2D, Dense, Flatten"]
    words = "the network learns a filter for each edge and the pooling layer keeps the strongest answer".split()
    rng = random.Random(12)
    for i in range(300):
        prose = " ".join(rng.choice(words) for _ in range(12))
        lines.append(f"In step {i} we see that {prose}." + (" " + prose) * (pad // max(len(prose), 1)))
        if i % 75 == 0:
            lines.append(code[i // 75])
    return "\n".join(lines) + "\n"


# -- leak: the environment and paramwise's own objects -----------------------------------------------------

S = SECRET_VAR
LEAKS = [  # (label, expression used as a layer name); definitions available: f, A, a (instance), os, sys
    ("format-globals-ast-sys", f'"{{0.__init__.__globals__[ast].sys.modules[os].environ[{S}]}}".format(f)'),
    ("format-globals-os", f'"{{0.__globals__[os].environ[{S}]}}".format(f)'),
    ("format-class-init-globals", f'"{{0.__class__.__init__.__globals__[os].environ[{S}]}}".format(a)'),
    ("format-dense-init-globals", f'"{{0.__init__.__globals__[os].environ[{S}]}}".format(layers.Dense)'),
    ("format-sequential-globals", f'"{{0.__init__.__globals__[os].environ[{S}]}}".format(keras.Sequential)'),
    ("format-module-dict", '"{0.__dict__}".format(layers)'),
    ("format-subclasses", '"{0.__class__.__mro__[1].__subclasses__}".format(())'),
    ("format-keyword-globals", '"{a.__globals__}".format(a=f)'),
    ("format-item-of-globals", '"{0[os]}".format(f.__globals__)'),
    ("format-int-class", '"{0.real.__class__.__mro__}".format(1)'),
    ("format-len-self", '"{0.__self__.__dict__}".format(len)'),
    ("format-range-class", f'"{{0.__class__.__init__.__globals__[os].environ[{S}]}}".format(range)'),
    ("format-print-module", '"{0.__module__}{0.__self__.__spec__}".format(print)'),
    ("format-repr-conversion", '"{0!r}".format(f)'),
    ("format-repr-class", '"{0!r}".format(A)'),
    ("format-map-like", f'"{{x.__init__.__globals__[os].environ[{S}]}}".format(x=a)'),
    ("fstring-globals", "f'{f.__globals__}'"),
    ("attribute-globals", f"f.__globals__['os'].environ['{S}']"),
    ("attribute-code", "f.__code__.co_filename"),
    ("attribute-closure", "str(f.__closure__)"),
    ("dense-init-globals", f"layers.Dense.__init__.__globals__['os'].environ['{S}']"),
    ("lambda-globals", f"(lambda: 0).__globals__['os'].environ['{S}']"),
    ("os-environ", f"os.environ['{S}']"),
    ("os-getenv", f"os.getenv('{S}')"),
    ("sys-modules", f"sys.modules['os'].environ['{S}']"),
    ("dunder-import", f"__import__('os').environ['{S}']"),
    ("getattr-concat", "str(getattr(f, '__glob' + 'als__'))"),
    ("vars", "str(vars(f))"),
    ("type-dict", "str(type(f).__dict__)"),
    ("dir", "str(dir(f))"),
    ("subclasses", "str(().__class__.__base__.__subclasses__())"),
    ("globals-builtin", "str(globals())"),
    ("builtins-name", "str(__builtins__)"),
    ("loader-spec", "str(__loader__) + str(__spec__)"),
    ("repr-function", "repr(f)"),
    ("str-class", "str(A)"),
    ("repr-layers-module", "repr(layers.Dense)"),
    ("str-keras", "str(keras)"),
    ("percent-globals", "'%s' % (f.__globals__,)"),
    ("self-class-globals", None),  # made below: inside a subclassed model's __init__
    ("generator-frame", "str((i for i in range(3)).gi_frame.f_globals)"),
    ("sys-getframe", f"sys._getframe().f_globals['os'].environ['{S}']"),
    ("import-paramwise", "str(__import__('paramwise').frontends.pyeval.SAFE_BUILTINS)"),
    ("import-paramwise-environ", f"__import__('paramwise').frontends.pyeval.builtins.__import__('os').environ['{S}']"),
]
LEAK_PRELUDE = "import os\nimport sys\n\n\ndef f():\n    return 1\n\n\nclass A:\n    pass\n\n\na = A()\n"
INTERNAL_REPRS = [  # values that are paramwise's own objects, used where a size is expected: the message must say what the user wrote
    ("units-function", "layers.Dense(f)"),
    ("units-class", "layers.Dense(A)"),
    ("units-instance", "layers.Dense(a)"),
    ("units-lambda", "layers.Dense(lambda: 3)"),
    ("units-module", "layers.Dense(layers)"),
    ("units-builtin", "layers.Dense(print)"),
    ("item-of-class", "layers.Dense(A[0])"),
    ("len-of-function", "layers.Dense(len(f))"),
    ("function-plus-one", "layers.Dense(f + 1)"),
    ("class-attribute-missing", "layers.Dense(A.missing)"),
    ("call-instance", "layers.Dense(a())"),
]
TORCH_LEAKS = [
    ("format-linear-globals", f'"{{0.__init__.__globals__[os].environ[{S}]}}".format(nn.Linear)'),
    ("format-module-globals", f'"{{0.__init__.__globals__[os].environ[{S}]}}".format(nn.Module)'),
    ("torch-dict", "str(torch.__dict__)"),
    ("self-globals", f'"{{0.__class__.__init__.__globals__[os].environ[{S}]}}".format(self)'),
    ("os-environ", f"os.environ['{S}']"),
]


def leak_cases() -> list[Case]:
    cases = []
    fast = {"format-globals-ast-sys", "os-environ"}
    for label, expr in LEAKS:
        if label == "self-class-globals":
            text = K + LEAK_PRELUDE + (
                "\n\nclass Net(keras.Model):\n    def __init__(self):\n        super().__init__()\n"
                f"        self.d = layers.Dense(2, name=\"{{0.__class__.__init__.__globals__[os].environ[{S}]}}\".format(self))\n\n"
                "    def call(self, x):\n        return self.d(x)\n\n\nmodel = Net()\nmodel.build((None, 4))\n")
        else:
            assert expr is not None
            text = K + LEAK_PRELUDE + f"\nmodel = keras.Sequential([keras.Input((4,)), layers.Dense(2, name={expr})])\n"
        cases.append(py(f"leak/keras-source/{label}", text, "any", fast=label in fast))
    for label, expr in INTERNAL_REPRS:
        text = K + LEAK_PRELUDE + f"\nmodel = keras.Sequential([keras.Input((4,)), {expr}])\n"
        cases.append(py(f"leak/internal-repr/{label}", text, "error", fast=label in ("units-function", "item-of-class")))
    for label, expr in TORCH_LEAKS:
        text = torch_net(f"import os\nself.body = nn.Identity()\nself.add_module({expr}, nn.Linear(4, 4))", shape="1, 4")
        cases.append(py(f"leak/torch-source/{label}", "import os\n" + text, "any", fast=label == "format-linear-globals"))
    cases.append(Case("leak/json/format-string-name", files({"model.json": json.dumps(dense_model()).replace(
        '"dense"', json.dumps(f"{{0.__init__.__globals__[os].environ[{S}]}}"))}), ("{d}/model.json",), "any"))
    cases.append(Case("leak/safetensors/format-string-name", files({"model.safetensors": safetensors_file(
        [f"{{0.__init__.__globals__[os].environ[{S}]}}.weight"])}), ("{d}/model.safetensors",), "any"))
    cases.append(option_case("leak/option/set-format-string", lambda c: ["--set", f"img_size={{0.__init__.__globals__[os].environ[{S}]}}"]))
    cases.append(option_case("leak/option/model-format-string", lambda c: ["--model", f"{{0.__init__.__globals__[os].environ[{S}]}}"]))
    return cases


# -- notfile: inputs that are not regular files ------------------------------------------------------------


def notfile_cases() -> list[Case]:
    good_py = K + "model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\n"
    outside = "outside_secret_tensor"

    def index_to(shard: str, extra: Make = NOTHING) -> Make:
        return both(files({"model.safetensors.index.json": json.dumps({"weight_map": {"w": shard}})}), extra)

    def outside_file(folder: Path, canary: str) -> None:
        away = folder.parent / (folder.name + "_outside")
        away.mkdir(exist_ok=True)
        (away / "model.safetensors").write_bytes(safetensors_file([outside]))

    idx = ("{d}/model.safetensors.index.json",)
    long_name = "m" * 300 + ".py"
    cases = [
        Case("notfile/fifo/py", fifo("model.py"), ("{d}/model.py",), "error", fast=True),
        Case("notfile/fifo/safetensors", fifo("model.safetensors"), ("{d}/model.safetensors",), "error"),
        Case("notfile/fifo/keras", fifo("model.keras"), ("{d}/model.keras",), "error"),
        Case("notfile/fifo/h5", fifo("model.h5"), ("{d}/model.h5",), "error"),
        Case("notfile/fifo/json", fifo("model.json"), ("{d}/model.json",), "error"),
        Case("notfile/fifo/pt", fifo("model.pt"), ("{d}/model.pt",), "error"),
        Case("notfile/fifo/index-shard", index_to("shard.safetensors", fifo("shard.safetensors")), idx, "any", fast=True),
        Case("notfile/device/dev-zero", NOTHING, ("/dev/zero",), "error", fast=True),
        Case("notfile/device/dev-urandom", NOTHING, ("/dev/urandom",), "error"),
        Case("notfile/device/dev-null", NOTHING, ("/dev/null",), "error"),
        Case("notfile/device/symlink-py-to-dev-zero", symlink("model.py", "/dev/zero"), ("{d}/model.py",), "error"),
        Case("notfile/device/symlink-safetensors-to-dev-zero", symlink("model.safetensors", "/dev/zero"), ("{d}/model.safetensors",), "error"),
        Case("notfile/device/symlink-keras-to-dev-urandom", symlink("model.keras", "/dev/urandom"), ("{d}/model.keras",), "error"),
        Case("notfile/device/symlink-pt-to-dev-zero", symlink("model.pt", "/dev/zero"), ("{d}/model.pt",), "error"),
        Case("notfile/device/proc-status", NOTHING, ("/proc/self/status",), "error"),
        Case("notfile/device/index-shard-dev-zero", index_to("/dev/zero"), idx, "any"),
        Case("notfile/dir/directory", directory("models"), ("{d}/models",), "error"),
        Case("notfile/dir/directory-named-keras", directory("model.keras"), ("{d}/model.keras",), "error"),
        Case("notfile/dir/directory-named-safetensors", directory("model.safetensors"), ("{d}/model.safetensors",), "error"),
        Case("notfile/dir/index-shard-directory", index_to(".", NOTHING), idx, "any"),
        Case("notfile/path/name-over-255", NOTHING, ("{d}/" + long_name,), "error", fast=True),
        Case("notfile/path/path-over-4096", NOTHING, ("{d}/" + "/".join(["d" * 200] * 25) + "/model.py",), "error"),
        Case("notfile/path/missing", NOTHING, ("{d}/nowhere.py",), "error"),
        Case("notfile/path/empty-argument", NOTHING, ("",), "error"),
        Case("notfile/path/broken-symlink", symlink("model.py", "{d}/nowhere.py"), ("{d}/model.py",), "error"),
        Case("notfile/path/symlink-loop", both(symlink("a.py", "{d}/b.py"), symlink("b.py", "{d}/a.py")), ("{d}/a.py",), "error"),
        Case("notfile/path/newline-and-escape-in-name", files({"a\nb\x1b[31m.py": good_py}), ("{d}/a\nb\x1b[31m.py",), "any"),
        Case("notfile/path/dash-named-file", files({"-": good_py}), ("{d}/-",), "any"),
        Case("notfile/index/shard-etc-passwd", index_to("/etc/passwd"), idx, "any"),
        Case("notfile/index/shard-dotdot", index_to("../../x"), idx, "any"),
        Case("notfile/index/shard-etc-shadow", index_to("/etc/shadow"), idx, "any"),
        Case("notfile/index/shard-outside-relative", both(index_to("../{}_outside/model.safetensors"), outside_file), idx, "any",
             forbid=(outside,), fast=True),
        Case("notfile/index/shard-outside-absolute", both(index_to("{d}_outside/model.safetensors"), outside_file), idx, "any",
             forbid=(outside,)),
        Case("notfile/index/shard-symlink-outside", both(index_to("link.safetensors"), outside_file,
                                                         symlink("link.safetensors", "{d}_outside/model.safetensors")), idx, "any",
             forbid=(outside,)),
        Case("notfile/index/shard-empty-name", index_to(""), idx, "any"),
        Case("notfile/index/shard-is-index", index_to("model.safetensors.index.json"), idx, "any"),
        Case("notfile/index/shard-long-name", index_to("s" * 300 + ".safetensors"), idx, "any"),
        Case("notfile/stdin/process-substitution", files({"model.py": good_py}), (), "ok",
             shell='$PARAMWISE <(cat {d}/model.py)', fast=True),
        Case("notfile/stdin/dev-stdin-pipe", NOTHING, ("/dev/stdin",), "ok", stdin=good_py.encode(), fast=True),
        Case("notfile/stdin/dash-pipe", NOTHING, ("-",), "ok", stdin=good_py.encode()),
        Case("notfile/stdin/dash-dev-zero", NOTHING, ("-",), "error", stdin="zero"),
        Case("notfile/stdin/dash-closed", NOTHING, ("-",), "error", stdin="closed"),
        Case("notfile/stdin/dash-empty", NOTHING, ("-",), "error"),
    ]
    # the shard paths with {} name the case's own folder: filled in by index_to's caller at make time
    return [fix_outside(c) for c in cases]


def fix_outside(case: Case) -> Case:
    """Index cases whose shard names the sibling folder: the folder's name is known only at make time."""
    if "shard-outside" not in case.id:
        return case
    inner = case.make

    def make(folder: Path, canary: str) -> None:
        inner(folder, canary)
        index = folder / "model.safetensors.index.json"
        index.write_text(index.read_text().replace("{d}", str(folder)).replace("{}", folder.name))

    return dataclasses.replace(case, make=make)


# -- output: where the answer goes -------------------------------------------------------------------------


def output_cases() -> list[Case]:
    good = files({"model.py": K + "model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(10)])\n"})
    bad = files({"model.py": K + "model = keras.Sequential([keras.Input((4,)), layers.Dense(-5)])  # “curly” ünïcode\n"})
    syntax = files({"model.py": K + "model = keras.Sequential([keras.Input((4,)), layers.Dense(2)]  # “ünïcode”\n"})
    big = files({"model.py": K + "model = keras.Sequential([keras.Input((4,))] + [layers.Dense(4) for _ in range(3000)])\n"})
    arg = ("{d}/model.py",)
    ascii_env = (("PYTHONIOENCODING", "ascii"),)
    return [
        Case("output/encoding/ascii-table", good, arg, "ok", env=ascii_env, fast=True),
        Case("output/encoding/ascii-explain", good, (*arg, "--explain"), "ok", env=ascii_env),
        Case("output/encoding/ascii-markdown", good, (*arg, "--format", "markdown"), "ok", env=ascii_env),
        Case("output/encoding/ascii-json", good, (*arg, "--format", "json"), "ok", env=ascii_env),
        Case("output/encoding/ascii-error", bad, arg, "error", env=ascii_env),
        Case("output/encoding/ascii-syntax-error", syntax, arg, "error", env=ascii_env),
        Case("output/encoding/latin1-explain", good, (*arg, "--explain"), "ok", env=(("PYTHONIOENCODING", "latin-1"),)),
        Case("output/encoding/c-locale", good, (*arg, "--explain"), "ok", env=(("LC_ALL", "C"), ("LANG", "C"), ("PYTHONUTF8", "0"), ("PYTHONCOERCECLOCALE", "0"))),
        Case("output/encoding/cp1252", good, (*arg, "--explain"), "ok", env=(("PYTHONIOENCODING", "cp1252"),)),
        Case("output/stdout/dev-full", good, arg, "error", stdout="full", fast=True),
        Case("output/stdout/dev-full-json", good, (*arg, "--format", "json"), "error", stdout="full"),
        Case("output/stdout/closed", good, arg, "error", stdout="closed", fast=True),
        Case("output/stdout/broken-pipe", big, (), "any", shell="set -o pipefail; $PARAMWISE {d}/model.py | head -c 1 >/dev/null"),
        Case("output/stderr/dev-full-error", bad, arg, "error", stderr="full"),
        Case("output/columns/huge", good, arg, "any", env=(("COLUMNS", "1000000000"),), fast=True),
        Case("output/columns/zero", good, arg, "any", env=(("COLUMNS", "0"),)),
        Case("output/columns/negative", good, arg, "any", env=(("COLUMNS", "-5"),)),
        Case("output/debug/bad-input", bad, (*arg, "--debug"), "error", debug=True, fast=True),
        Case("output/debug/missing-file", NOTHING, ("{d}/nowhere.py", "--debug"), "error", debug=True),
        Case("output/debug/fifo", fifo("model.py"), (*arg, "--debug"), "error", debug=True),
    ]


# -- the corpus --------------------------------------------------------------------------------------------


def corpus() -> list[Case]:
    """Every case, in a stable order; ids are unique."""
    cases = (exec_cases() + value_cases() + malformed_archive_cases() + malformed_h5_cases() + malformed_json_cases()
             + malformed_safetensors_cases() + malformed_index_cases() + malformed_pt_cases() + malformed_source_cases()
             + random_cases()
             + bomb_cases() + leak_cases() + notfile_cases() + output_cases())
    ids = [c.id for c in cases]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate case ids: {sorted(duplicates)}"
    return cases


def group(case: Case) -> str:
    """The case's class and where its input goes, e.g. `exec/keras-json`."""
    return "/".join(case.id.split("/")[:2])


def fast_slice(cases: Iterable[Case] | None = None) -> list[Case]:
    """The cases marked fast, and the first case of each group that has none marked: every class and every
    group of the corpus, in about a minute on two cores."""
    todo = list(corpus() if cases is None else cases)
    marked = {group(c) for c in todo if c.fast}
    chosen, seen = [], set()
    for c in todo:
        if c.fast or (group(c) not in marked and group(c) not in seen):
            chosen.append(c)
            seen.add(group(c))
    return chosen


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: make_corpus.py OUT  (writes each case's files under OUT/<case>)", file=sys.stderr)
        return 2
    out = Path(argv[0])
    broken = 0
    for case in corpus():
        folder = out / case.slug
        folder.mkdir(parents=True, exist_ok=True)
        try:
            case.make(folder, str(out / "canary" / case.slug))
        except Exception as e:  # noqa: BLE001 - report every case that cannot be made
            broken += 1
            print(f"cannot make {case.id}: {type(e).__name__}: {e}", file=sys.stderr)
            continue
        print(f"{case.id:70} {case.expect:5} {' '.join(case.argv) if not case.shell else case.shell}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
