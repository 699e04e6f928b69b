"""Patterns from third-party model code that paramwise refused or marked incomplete although the framework builds
it: a class deriving from a built-in Keras layer (`class StandardizedConv2D(layers.Conv2D)`), a string path kept
on a module (`self.checkpoint_file = os.path.join(...)`), a parameter made from a NumPy array of known shape
(`torch.from_numpy(np.roll(np.linspace(...), 1))`), and a Sequential of Sequentials that Keras builds when the
nested models are added. Each count is checked against the framework itself."""

from __future__ import annotations

from pathlib import Path

import pytest

import paramwise
from helpers import check_invariants
from paramwise.errors import INCOMPLETE

pytest.importorskip("torch")
pytest.importorskip("keras")
import keras_oracle  # noqa: E402
import torch_oracle  # noqa: E402


def keras_agrees(tmp_path: Path, text: str, oracle_text: str | None = None) -> paramwise.Report:
    report: paramwise.Report = keras_oracle.agrees(tmp_path, text, oracle_text)
    return report


def torch_agrees(tmp_path: Path, text: str) -> paramwise.Report:
    path = tmp_path / "m.py"
    path.write_text(text)
    report = paramwise.read(str(path))
    check_invariants(report)
    assert torch_oracle.compare(report, torch_oracle.build(path)["model"]) == []
    return report


def incomplete(report: paramwise.Report) -> list[str]:
    return [w.code for w in report.warnings if w.code in INCOMPLETE]


# -- a class deriving from a built-in Keras layer -------------------------------------------------------------

LAYER_SUBCLASSES = {
    "overrides_call_in_a_sequential": """
import keras
from keras import layers
class MyConv(layers.Conv2D):
    def call(self, inputs):
        return super().call(inputs)
model = keras.Sequential([keras.Input(shape=(28, 28, 1)), MyConv(4, 3), layers.Flatten(), layers.Dense(2)])
""",
    "overrides_convolution_op_functional": """
import keras
from keras import layers, ops
class Standardized(layers.Conv2D):
    def convolution_op(self, inputs, kernel):
        mean = ops.mean(kernel, axis=[0, 1, 2], keepdims=True)
        return ops.conv(inputs, kernel - mean, strides=list(self.strides), padding="valid")
x = keras.Input((16, 16, 3))
y = Standardized(8, 3, name="std")(x)
y = Standardized(8, 3, use_bias=False)(y)
model = keras.Model(x, layers.Dense(4)(layers.GlobalAveragePooling2D()(y)))
""",
    "own_init_passes_kwargs_on": """
import keras
from keras import layers
class Scaled(layers.Dense):
    def __init__(self, units, scale=2.0, **kwargs):
        self.scale = scale
        super().__init__(units, **kwargs)
    def call(self, inputs):
        return super().call(inputs) * self.scale
model = keras.Sequential([keras.Input(shape=(10,)), Scaled(7, activation="relu"), Scaled(3, scale=0.5)])
""",
    "inside_a_subclassed_model": """
import keras
from keras import layers
class MyDense(layers.Dense):
    pass
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.a = MyDense(16)
        self.b = layers.Dense(2)
    def call(self, x):
        return self.b(self.a(x))
model = Net()
model(keras.ops.zeros((1, 8)))
""",
    "explicit_base_init": """
import keras
from keras import layers
class MyConv(layers.Conv2D):
    def __init__(self, filters, **kwargs):
        layers.Conv2D.__init__(self, filters, 3, **kwargs)
model = keras.Sequential([keras.Input((8, 8, 2)), MyConv(4), MyConv(2, strides=2)])
""",
    "subclass_of_sequential": """
import keras
from keras import layers
class Net(keras.Sequential):
    def __init__(self, n=10):
        super().__init__([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(n)])
model = Net()
""",
    "subclass_of_sequential_nested_with_add": """
import keras
from keras import layers
class Block(keras.Sequential):
    def __init__(self):
        super().__init__(name="block")
        self.add(keras.Input((8,)))
        self.add(layers.Dense(4))
inputs = keras.Input((8,))
model = keras.Model(inputs, layers.Dense(2)(Block()(inputs)))
""",
}


@pytest.mark.parametrize("text", list(LAYER_SUBCLASSES.values()), ids=list(LAYER_SUBCLASSES))
def test_a_subclass_of_a_builtin_layer_matches_keras(tmp_path: Path, text: str) -> None:
    report = keras_agrees(tmp_path, text)
    assert report.complete, [u.what for u in report.unread]


def test_a_subclass_of_a_builtin_layer_through_keras_core(tmp_path: Path) -> None:
    text = """
import keras_core as keras
from keras_core import layers
class MyConv(layers.Conv2D):
    pass
model = keras.Sequential([keras.layers.Input(shape=(28, 28, 1)), MyConv(4, 3)])
"""
    report = keras_agrees(tmp_path, text, oracle_text=text.replace("keras_core", "keras"))
    assert [r.type for r in report.rows if r.depth == 0] == ["MyConv"]
    assert report.complete


def test_a_builtin_layer_subclass_that_adds_weights_is_incomplete_not_wrong(tmp_path: Path) -> None:
    # its own build() and a layer set on it: counted as the built-in layer builds, and said to be incomplete
    path = tmp_path / "m.py"
    path.write_text("""
import keras
from keras import layers
class Gated(layers.Dense):
    def build(self, input_shape):
        super().build(input_shape)
        self.gate = self.add_weight(shape=(self.units,))
model = keras.Sequential([keras.Input(shape=(5,)), Gated(3)])
""")
    report = paramwise.read(str(path))
    assert "custom_weights" in incomplete(report)
    assert not report.complete


# -- torch: values that are plainly not modules ---------------------------------------------------------------

def test_a_path_string_on_a_module_keeps_the_reading_complete(tmp_path: Path) -> None:
    report = torch_agrees(tmp_path, """
import os
import torch.nn as nn
import torch.optim as optim
class Net(nn.Module):
    def __init__(self, name='net', chkpt_dir='tmp'):
        super().__init__()
        self.checkpoint_file = os.path.join(chkpt_dir, name + '_sac')
        self.fc = nn.Linear(8, 4)
        self.optimizer = optim.Adam(self.parameters(), lr=1e-3)
model = Net()
""")
    assert incomplete(report) == []
    assert report.complete


def test_numpy_arrays_made_in_the_file_size_parameters(tmp_path: Path) -> None:
    # SincNet: band edges from np.linspace, shifted with np.roll, scaled, then torch.from_numpy
    report = torch_agrees(tmp_path, """
import numpy as np
import torch
from torch import nn
class SincConv(nn.Module):
    def __init__(self, n_filt=80, fs=16000):
        super().__init__()
        mel = np.linspace(80, 2595 * np.log10(1 + (fs / 2) / 700), n_filt)
        f = 700 * (10 ** (mel / 2595) - 1)
        self.b1 = nn.Parameter(torch.from_numpy(np.roll(f, 1) / fs))
        self.band = nn.Parameter(torch.from_numpy((f - np.roll(f, 1)) / fs))
        self.window = nn.Parameter(torch.from_numpy(np.zeros((2, n_filt)).astype("float32")), requires_grad=False)
        self.noise = nn.Parameter(torch.Tensor(np.random.normal(0, 1, size=(3, 4))))
        self.scale = nn.Parameter(torch.tensor(np.ones(5)) * 0.5)
model = SincConv()
""")
    assert report.complete


def test_numpy_arrays_without_a_readable_shape_are_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("""
import numpy as np
import torch
from torch import nn
class M(nn.Module):
    def __init__(self, data):
        super().__init__()
        self.p = nn.Parameter(torch.from_numpy(np.asarray(data)))
model = M(load())
""")
    with pytest.raises(paramwise.InputError):
        paramwise.read(str(path))


# -- Keras: a Sequential of Sequentials ------------------------------------------------------------------------

def test_a_sequential_built_by_adding_a_second_nested_model_matches_keras(tmp_path: Path) -> None:
    report = keras_agrees(tmp_path, """
from keras.models import Sequential
from keras.layers import Dense
g = Sequential()
g.add(Dense(8, input_shape=(4,)))
d = Sequential()
d.add(Dense(1, input_shape=(8,)))
model = Sequential()
model.add(g)
d.trainable = False
model.add(d)
""")
    assert report.complete


def test_a_sequential_holding_one_nested_model_is_not_built(tmp_path: Path) -> None:
    # Keras 3 builds it only once a second layer is added: alone, `model.count_params()` fails there too
    path = tmp_path / "m.py"
    path.write_text("""
from keras.models import Sequential
from keras.layers import Dense
g = Sequential()
g.add(Dense(8, input_shape=(4,)))
model = Sequential()
model.add(g)
""")
    with pytest.raises(paramwise.InputError, match="no input shape"):
        paramwise.read(str(path))


# -- Keras: a reshape to (batch, -1, ...) inside a layer's call() ------------------------------------------------

BATCH_RESHAPES = {
    "patch_extract_then_embed": """
import keras
from keras import layers, ops
class PatchExtract(layers.Layer):
    def __init__(self, patch_size, **kwargs):
        super().__init__(**kwargs)
        self.patch_size = patch_size
    def call(self, x):
        B, C = ops.shape(x)[0], ops.shape(x)[-1]
        x = ops.image.extract_patches(x, self.patch_size)
        return ops.reshape(x, (B, -1, self.patch_size * self.patch_size * C))
x = keras.Input((32, 32, 3))
y = PatchExtract(4)(x)
model = keras.Model(x, layers.Dense(5)(layers.Flatten()(y)))
""",
    "flatten_and_twice_the_batch": """
import keras
from keras import layers, ops
class Flat(layers.Layer):
    def call(self, x):
        B = ops.shape(x)[0]
        return ops.reshape(x, (B, -1))
class Twice(layers.Layer):
    def call(self, x):
        B = ops.shape(x)[0]
        return ops.reshape(x, (B * 2, -1))
x = keras.Input((4, 5, 6))
model = keras.Model(x, [layers.Dense(3)(Flat()(x)), layers.Dense(2)(Twice()(x))])
""",
    "in_a_lambda": """
import keras
from keras import layers, ops
x = keras.Input((6, 10))
y = layers.Lambda(lambda t: ops.reshape(t, (ops.shape(t)[0], -1)))(x)
model = keras.Model(x, layers.Dense(4)(y))
""",
}


@pytest.mark.parametrize("text", list(BATCH_RESHAPES.values()), ids=list(BATCH_RESHAPES))
def test_a_reshape_to_the_batch_size_in_call_matches_keras(tmp_path: Path, text: str) -> None:
    report = keras_agrees(tmp_path, text)
    assert report.complete, [u.what for u in report.unread]


def test_an_overridden_parameters_method_is_said(tmp_path: Path) -> None:
    # MAML's learner returns only some of its parameters from parameters(): the count is of the registered ones
    # (named_parameters, state_dict), with a warning naming the override, never silently
    path = tmp_path / "m.py"
    path.write_text("""
import torch
import torch.nn as nn
class Learner(nn.Module):
    def __init__(self):
        super().__init__()
        self.vars = nn.ParameterList([nn.Parameter(torch.ones(10, 10))])
        self.vars_bn = nn.ParameterList([nn.Parameter(torch.zeros(64), requires_grad=False)])
    def parameters(self):
        return self.vars
model = Learner()
""")
    report = paramwise.read(str(path))
    model = torch_oracle.build(path)["model"]
    assert report.total == sum(p.numel() for _, p in model.named_parameters())
    assert [w.code for w in report.warnings if "overrides parameters()" in w.message] == ["not_run"]


def test_layer_arguments_read_back_as_attributes_match_keras(tmp_path: Path) -> None:
    # `self.a.units * 2` sizes another layer; `self.emb.input_dim - 1` clamps indices (keras-io GRN/VSN)
    report = keras_agrees(tmp_path, """
import keras
from keras import layers
class Widen(layers.Layer):
    def __init__(self):
        super().__init__()
        self.a = layers.Dense(6)
        self.b = layers.Dense(self.a.units * 2)
        self.emb = layers.Embedding(50, 4)
        self.conv = layers.Conv1D(3, 5, padding="same")
    def call(self, x):
        idx = keras.ops.clip(keras.ops.cast(x[:, :2], "int32"), 0, self.emb.input_dim - 1)
        k = self.conv.kernel_size[0] + self.conv.filters
        seq = keras.ops.reshape(x[:, :k], (-1, k, 1))
        return keras.ops.concatenate([self.b(self.a(x)), keras.ops.reshape(self.emb(idx), (-1, 8)),
                                      keras.ops.reshape(self.conv(seq), (-1, 3 * k))], axis=-1)
x = keras.Input((10,))
model = keras.Model(x, layers.Dense(2)(Widen()(x)))
""")
    assert report.complete, [u.what for u in report.unread]


def test_dunder_import_of_a_modelled_module_is_that_module(tmp_path: Path) -> None:
    # a one-line config: __import__("argparse").Namespace(...) (and types.SimpleNamespace) read as `import argparse`;
    # any other module is not imported and stays unread
    report = torch_agrees(tmp_path, """
import torch.nn as nn
class Model(nn.Module):
    def __init__(self, configs, space):
        super().__init__()
        self.fc = nn.Linear(configs.seq_len, configs.pred_len)
        self.head = nn.Linear(configs.pred_len, space.shape[0])
model = Model(__import__("argparse").Namespace(seq_len=336, pred_len=96), __import__("types").SimpleNamespace(shape=(6,)))
""")
    assert report.complete
    path = tmp_path / "os.py"
    path.write_text("import torch.nn as nn\nn = __import__('os').cpu_count()\nmodel = nn.Linear(4, n)\n")
    with pytest.raises(paramwise.InputError):
        paramwise.read(str(path))


def test_a_numpy_sinusoid_table_sizes_an_embedding(tmp_path: Path) -> None:
    # nlp-tutorial's Transformer: a position table built with np.power in list comprehensions, sliced and assigned
    report = torch_agrees(tmp_path, """
import numpy as np
import torch
import torch.nn as nn
def get_sinusoid_encoding_table(n_position, d_model):
    def cal_angle(position, hid_idx):
        return position / np.power(10000, 2 * (hid_idx // 2) / d_model)
    def get_posi_angle_vec(position):
        return [cal_angle(position, hid_j) for hid_j in range(d_model)]
    sinusoid_table = np.array([get_posi_angle_vec(pos_i) for pos_i in range(n_position)])
    sinusoid_table[:, 0::2] = np.sin(sinusoid_table[:, 0::2])
    sinusoid_table[:, 1::2] = np.cos(sinusoid_table[:, 1::2])
    return torch.FloatTensor(sinusoid_table)
class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.src_emb = nn.Embedding(10, 16)
        self.pos_emb = nn.Embedding.from_pretrained(get_sinusoid_encoding_table(6, 16), freeze=True)
        self.mask = nn.Parameter(torch.from_numpy(np.triu(np.ones((1, 5, 5)), 1).astype('float32')))
model = Encoder()
""")
    assert report.complete


def test_a_vocabulary_built_with_re_from_a_text_in_the_file(tmp_path: Path) -> None:
    # nlp-tutorial's BERT: vocab_size = len(word_dict) from re.sub / split / set over a literal text
    report = torch_agrees(tmp_path, """
import re
import torch.nn as nn
text = ('Hello, how are you? I am Romeo.\\n'
        'Hello, Romeo My name is Juliet. Nice to meet you.\\n'
        'Oh Congratulations, Juliet')
sentences = re.sub("[.,!?\\\\-]", '', text.lower()).split('\\n')
word_list = list(set(" ".join(sentences).split()))
word_dict = {'[PAD]': 0, '[CLS]': 1, '[SEP]': 2, '[MASK]': 3}
for i, w in enumerate(word_list):
    word_dict[w] = i + 4
words = re.split(r"\\s+", "a b  c")
model = nn.Sequential(nn.Embedding(len(word_dict), 8), nn.Linear(8, len(words)))
""")
    assert report.complete


def test_a_regex_that_could_backtrack_is_not_run(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("import re\nimport torch.nn as nn\n"
                    "n = len(re.findall('(a+)+$', 'a' * 40 + 'b'))\nmodel = nn.Linear(4, n)\n")
    report = paramwise.read(str(path))  # returns at once: n is a named unknown size, the count a formula in it
    assert "unknown_size" in [w.code for w in report.warnings]


def test_a_layer_returned_under_an_unread_condition_in_call_is_warned(tmp_path: Path) -> None:
    # keras-io GRN/VSN: `if keras.backend.backend() == "torch": return ...` in call(); which layer is built (and
    # so counted) depends on the backend, a value paramwise does not read: warned, not silently the other branch
    path = tmp_path / "m.py"
    path.write_text("""
import keras
from keras import layers

class L(layers.Layer):
    def __init__(self):
        super().__init__()
        self.d1 = layers.Dense(3)
        self.d2 = layers.Dense(5)
    def call(self, x):
        if keras.backend.backend() == "torch":
            return self.d1(x)
        return self.d2(x)

inp = keras.Input((4,))
model = keras.Model(inp, L()(inp))
""")
    report = paramwise.read(str(path))
    assert any("keras.backend.backend()" in w.message for w in report.warnings)
    assert not report.complete


@pytest.mark.parametrize("center", [True, False])
def test_stft_split_at_indices_and_istft_match_keras(tmp_path: Path, center: bool) -> None:
    # keras-io vocal separation (TFC-TDF U-Net): ops.stft, ops.split(x, [x.shape[2] - 1], axis=2), ops.istft
    keras_agrees(tmp_path, f"""
import keras
from keras import layers, ops
inputs = keras.Input((4000,))
real, imag = ops.stft(inputs, 200, 100, 256, center={center})
x = ops.concatenate((ops.expand_dims(real, -1), ops.expand_dims(imag, -1)), axis=-1)
x = ops.split(x, [x.shape[2] - 1], axis=2)[0]
a, b, c = ops.split(x, [3, 30], axis=1)
x = layers.Conv2D(4, 3, padding="same")(x)
y = layers.Dense(3)(ops.reshape(a, (-1, a.shape[1] * a.shape[2] * a.shape[3])))
z = layers.Dense(2)(ops.reshape(c, (-1, c.shape[1] * 16)))
w = ops.istft((real, imag), 200, 100, 256, center={center})
w = layers.Dense(5)(w)
w2 = layers.Dense(6)(ops.istft((real, imag), 200, 100, 256, length=3990, center={center}))
model = keras.Model(inputs, [x, y, z, w, w2])
""")


def test_tf_split_takes_sizes(tmp_path: Path) -> None:
    # tf.split(x, [2, -1], axis=1): sizes (TensorFlow's rule), where keras.ops.split takes indices; TensorFlow is
    # not installed, so Keras builds the same model with ops.split at index 2
    model = "model = keras.Model(inputs, [keras.layers.Dense(1)(a), keras.layers.Dense(1)(b)])\n"
    report = keras_agrees(
        tmp_path,
        "import tensorflow as tf\nfrom tensorflow import keras\ninputs = keras.Input((10,))\n"
        "a, b = tf.split(inputs, [2, -1], axis=1)\n" + model,
        "import keras\nfrom keras import ops\ninputs = keras.Input((10,))\n"
        "a, b = ops.split(inputs, [2], axis=1)\n" + model,
    )
    assert report.complete


@pytest.mark.parametrize("line", [
    "model = nn.Linear(4, 8) if big else nn.Linear(4, 2)",
    "model = nn.Linear(4, 8 if big else 2)",
    "model = nn.Linear(4, big and 8 or 2)",
    "model = nn.Linear(4, big or 2)",
])
def test_a_value_chosen_by_an_unread_condition_is_warned(tmp_path: Path, line: str) -> None:
    # `A if cond else B` / `cond and A or B` on a value paramwise does not read picked one silently, where the
    # `if` statement was warned
    path = tmp_path / "m.py"
    path.write_text(f"import os\nimport torch.nn as nn\nbig = os.environ.get('BIG')\n{line}\n")
    report = paramwise.read(str(path))
    assert not report.complete
    assert any("paramwise does not read" in w.message for w in report.warnings)


def test_a_value_chosen_by_a_read_condition_is_not_warned(tmp_path: Path) -> None:
    report = torch_agrees(tmp_path, "import torch.nn as nn\nbig = len('ab') > 1\n"
                                    "model = nn.Sequential(nn.Linear(4, 8 if big else 2), nn.Linear(8, big and 3 or 5))\n")
    assert report.complete and not report.warnings


@pytest.mark.parametrize("text", [
    "layers = []\nwhile big:\n    layers.append(nn.Linear(4, 4))\n    big = False\n"
    "model = nn.Sequential(*layers, nn.Linear(4, 2))\n",
    "model = nn.Sequential(*[nn.Linear(4, 4) for _ in range(3) if big], nn.Linear(4, 2))\n",
])
def test_a_loop_or_filter_on_an_unread_condition_is_warned(tmp_path: Path, text: str) -> None:
    # a `while` test or a comprehension's `if` on a value paramwise does not read was taken as false, silently
    path = tmp_path / "m.py"
    path.write_text(f"import os\nimport torch.nn as nn\nbig = os.environ.get('BIG')\n{text}")
    report = paramwise.read(str(path))
    assert not report.complete


def test_a_loop_and_filter_on_read_conditions_match_torch(tmp_path: Path) -> None:
    report = torch_agrees(tmp_path, "import torch.nn as nn\nn = 3\nlayers = []\nwhile n:\n"
                                    "    layers.append(nn.Linear(4, 4))\n    n -= 1\n"
                                    "model = nn.Sequential(*layers, *[nn.Linear(4, 4) for i in range(5) if i % 2])\n")
    assert report.complete


def test_not_of_an_unread_value_is_unread(tmp_path: Path) -> None:
    # `bias=not norm` with norm unread gave bias=True silently
    path = tmp_path / "m.py"
    path.write_text("import os\nimport torch.nn as nn\nnorm = os.environ.get('NORM')\n"
                    "model = nn.Conv2d(3, 8, 3, bias=not norm)\n")
    with pytest.raises(paramwise.InputError, match="cannot read"):
        paramwise.read(str(path))


def test_not_of_read_values_matches_torch(tmp_path: Path) -> None:
    torch_agrees(tmp_path, "import torch.nn as nn\nnorm = len('a') > 0\n"
                           "model = nn.Sequential(nn.Conv2d(3, 8, 3, bias=not norm), nn.Conv2d(8, 2, 1, bias=not None))\n")
