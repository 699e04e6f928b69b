"""What real Keras code does, read from source and checked against Keras itself (torch backend): custom layers
whose call() slices, unpacks and reshapes, weights made with add_weight, Lambda bodies, NumPy arrays, the
preprocessing and augmentation layers, keras.applications called in a file, get_layer, dict outputs, and the
Keras 1 API. Where Keras 3 cannot run a spelling (Keras 1, keras_core, tf.TensorShape), the oracle runs the
same model spelled for Keras 3."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import paramwise

pytest.importorskip("keras")
pytest.importorskip("torch")
from keras_oracle import agrees, build  # noqa: E402


def check(tmp_path: Path, text: str, oracle_text: str | None = None) -> paramwise.Report:
    """paramwise's reading of `text` equals Keras' model built from `oracle_text` (default: the same text), complete."""
    report: paramwise.Report = agrees(tmp_path, text, oracle_text)
    assert report.complete, [u.what for u in report.unread]
    return report


# -- custom layers: call() bodies ---------------------------------------------------------------------

CALL_BODIES = {
    "unpacks_a_list": """
import keras
class AddPair(keras.layers.Layer):
    def call(self, inputs):
        a, b = inputs
        return a + b
x = keras.Input((4,))
p, q = keras.layers.Dense(2)(x), keras.layers.Dense(2)(x)
model = keras.Model(x, keras.layers.Dense(3)(AddPair()([p, q])))
""",
    "indexes_a_tuple_of_three": """
import keras
class Mix(keras.layers.Layer):
    def call(self, inputs):
        return keras.ops.concatenate([inputs[0], inputs[1] * inputs[2]], axis=-1)
x = keras.Input((4,))
model = keras.Model(x, keras.layers.Dense(2)(Mix()((x, x, x))))
""",
    "slices_with_ellipsis": """
import keras
class Gate(keras.layers.Layer):
    def call(self, inputs):
        n = inputs.shape[-1] // 2
        return inputs[..., :n] * keras.activations.sigmoid(inputs[..., n:])
x = keras.Input((None, 10))
model = keras.Model(x, keras.layers.Dense(3)(Gate()(x)))
""",
    "slices_steps_and_newaxis": """
import keras
class Pick(keras.layers.Layer):
    def call(self, x):
        return x[:, ::2, None, 1:-1]
x = keras.Input((9, 7))
model = keras.Model(x, keras.layers.Dense(5)(keras.layers.Flatten()(Pick()(x))))
""",
    "reshapes_with_ops_shape": """
import keras
from keras import ops
class Flat(keras.layers.Layer):
    def call(self, images):
        s = ops.shape(images)
        return ops.reshape(images, (s[0], s[1] * s[2], s[3]))
x = keras.Input((6, 5, 3))
model = keras.Model(x, keras.layers.Dense(4)(Flat()(x)))
""",
    "position_embedding_with_arange": """
import keras
from keras import layers, ops
class TokenAndPosition(layers.Layer):
    def __init__(self, maxlen, vocab, dim):
        super().__init__()
        self.tokens = layers.Embedding(vocab, dim)
        self.positions = layers.Embedding(maxlen, dim)
    def call(self, x):
        maxlen = ops.shape(x)[-1]
        positions = self.positions(ops.arange(0, maxlen, 1))
        return self.tokens(x) + positions
inp = layers.Input((20,), dtype="int32")
x = TokenAndPosition(20, 100, 8)(inp)
model = keras.Model(inp, layers.Dense(2)(layers.GlobalAveragePooling1D()(x)))
""",
    "broadcast_to_and_expand_dims": """
import keras
from keras import ops
class Tile(keras.layers.Layer):
    def call(self, x):
        y = ops.expand_dims(x, 1)
        return ops.broadcast_to(y, (ops.shape(x)[0], 3, 4))
x = keras.Input((4,), batch_size=2)
model = keras.Model(x, keras.layers.Dense(2)(Tile()(x)))
""",
    "sums_and_transposes": """
import keras
from keras import ops
class Pool(keras.layers.Layer):
    def call(self, x):
        return ops.transpose(ops.mean(x, axis=1, keepdims=True), (0, 2, 1))
x = keras.Input((5, 6))
model = keras.Model(x, keras.layers.Dense(2)(Pool()(x)))
""",
    "sine_of_a_dense_layer": """
import keras
class Sine(keras.layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.dense = keras.layers.Dense(units)
    def call(self, x):
        return keras.ops.sin(30.0 * self.dense(x))
inp = keras.Input((2,))
model = keras.Model(inp, Sine(8)(Sine(4)(inp)))
""",
    "vae_sampling": """
import keras
from keras import layers, ops
class Sampling(layers.Layer):
    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch, dim = ops.shape(z_mean)[0], ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim))
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon
x = keras.Input((6,))
z = Sampling()([layers.Dense(2)(x), layers.Dense(2)(x)])
model = keras.Model(x, layers.Dense(3)(z))
""",
    "tiles_and_repeats": """
import keras
from keras import ops
class Std(keras.layers.Layer):
    def call(self, x):
        std = ops.mean(ops.square(x - ops.mean(x, axis=0, keepdims=True)), axis=[1, 2], keepdims=True)
        return ops.concatenate([x, ops.tile(std, (1, 4, 4, 1)), ops.repeat(x[..., :1], 2, axis=-1)], axis=-1)
x = keras.Input((4, 4, 3))
model = keras.Model(x, keras.layers.Dense(2)(keras.layers.Flatten()(Std()(x))))
""",
    "image_resize_and_patches": """
import keras
from keras import ops
class Patches(keras.layers.Layer):
    def call(self, x):
        x = ops.image.resize(x, (12, 12))
        patches = ops.image.extract_patches(x, 4)
        batch, h, w, d = ops.shape(patches)
        return ops.reshape(patches, (batch, h * w, d))
x = keras.Input((9, 9, 3))
model = keras.Model(x, keras.layers.Dense(2)(Patches()(x)))
""",
    "tensordot": """
import keras
from keras import ops
class Dot(keras.layers.Layer):
    def call(self, inputs):
        a, b = inputs
        return ops.tensordot(a, b, axes=([2], [1]))
a, b = keras.Input((3, 4), batch_size=2), keras.Input((4, 5), batch_size=2)
model = keras.Model([a, b], keras.layers.Dense(2)(Dot()([a, b])))
""",
    "splits_in_two": """
import keras
from keras import ops
class GLU(keras.layers.Layer):
    def call(self, x):
        a, b = ops.split(x, 2, axis=-1)
        return a * ops.sigmoid(b)
x = keras.Input((3, 8))
model = keras.Model(x, keras.layers.Dense(2)(GLU()(x)))
""",
}


@pytest.mark.parametrize("name", CALL_BODIES)
def test_call_bodies(tmp_path: Path, name: str) -> None:
    check(tmp_path, CALL_BODIES[name])


# -- weights made with add_weight -----------------------------------------------------------------

WEIGHTS = {
    "in_build_from_the_input_shape": """
import keras
class Scale(keras.layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")
        super().build(input_shape)
    def call(self, x):
        return x * self.w
model = keras.Sequential([keras.Input((5,)), Scale(), keras.layers.Dense(1)])
""",
    "a_dense_of_its_own": """
import keras
class MyDense(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
    def build(self, input_shape):
        self.kernel = self.add_weight(shape=[input_shape[-1], self.units], name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")
    def call(self, X):
        return X @ self.kernel + self.bias
model = keras.Sequential([keras.Input((8,)), MyDense(30), MyDense(1)])
""",
    "input_shape_through_kwargs": """
import keras
class MyDense(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
    def build(self, input_shape):
        self.kernel = self.add_weight(shape=[input_shape[-1], self.units], name="kernel")
    def call(self, X):
        return X @ self.kernel
model = keras.Sequential([MyDense(30, input_shape=[8]), MyDense(1)])
""",
    "in_init_and_frozen": """
import keras
class Affine(keras.layers.Layer):
    def __init__(self, n):
        super().__init__()
        self.w = self.add_weight(shape=(n,), initializer="ones", name="w")
        self.mean = self.add_weight(shape=(n,), initializer="zeros", trainable=False, name="mean")
    def call(self, x):
        return (x - self.mean) * self.w
model = keras.Sequential([keras.Input((5,)), Affine(5), keras.layers.Dense(1)])
""",
    "variables_held_as_attributes": """
import numpy as np
import keras
class Scaled(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.offset = keras.Variable(np.zeros((3, 4)), trainable=False)
        self.scale = keras.Variable(initializer="ones", shape=(4,))
    def call(self, x):
        return x * self.scale
model = keras.Sequential([keras.Input((4,)), Scaled(), keras.layers.Dense(2)])
""",
    "build_with_a_list_of_shapes": """
import keras
class Bilinear(keras.layers.Layer):
    def build(self, input_shape):
        a, b = input_shape
        self.w = self.add_weight(shape=(a[-1], b[-1]), name="w")
    def call(self, inputs):
        a, b = inputs
        return keras.ops.sum(a @ self.w * b, axis=-1, keepdims=True)
x, y = keras.Input((3,)), keras.Input((4,))
model = keras.Model([x, y], Bilinear()([x, y]))
""",
}


def test_a_models_own_weight_is_a_row(tmp_path: Path) -> None:
    """A weight a subclassed model makes itself is counted, and shown as a row of its own (Keras lists only
    layers in model.layers, so the totals are compared)."""
    path = tmp_path / "m.py"
    path.write_text("""
import numpy as np
import keras
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.d = keras.layers.Dense(3)
        self.temperature = self.add_weight(shape=(), initializer="ones", name="temperature", trainable=False)
    def call(self, x):
        return self.d(x) / self.temperature
model = Net()
model(np.ones((2, 4)))
""")
    report = paramwise.read(str(path))
    model = build(path)
    assert (report.total, report.trainable) == (model.count_params(), sum(int(np.prod(w.shape)) for w in model.trainable_weights))
    assert [r.name for r in report.rows if r.depth == 0] == ["dense", "temperature"]


@pytest.mark.parametrize("name", WEIGHTS)
def test_add_weight(tmp_path: Path, name: str) -> None:
    check(tmp_path, WEIGHTS[name])


def test_a_weight_of_unknown_shape_is_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("""
import keras
import pandas as pd
n = pd.read_csv("x.csv").shape
class Scale(keras.layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=n, name="w")
    def call(self, x):
        return x
model = keras.Sequential([keras.Input((5,)), Scale(), keras.layers.Dense(1)])
""")
    report = paramwise.read(str(path))
    assert not report.complete
    assert "custom_weights" in [w.code for w in report.warnings]


def test_a_call_that_cannot_be_followed_is_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("""
import keras
import tensorflow as tf
class Up(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.conv = keras.layers.Conv2D(4, 3, padding="same")
    def call(self, x):
        return self.conv(tf.signal.stft(x, 4, 2))
x = keras.Input((8, 8, 3))
model = keras.Model(x, keras.layers.Dense(2)(keras.layers.Flatten()(Up()(x))))
""")
    report = paramwise.read(str(path))
    assert not report.complete
    assert "assumed_shape" in [w.code for w in report.warnings]


def test_compute_output_shape_is_used_where_call_cannot_be_followed(tmp_path: Path) -> None:
    text = """
import keras
import tensorflow as tf
class Up(keras.layers.Layer):
    def call(self, x):
        return tf.signal.stft(x, 4, 2)
    def compute_output_shape(self, s):
        return (s[0], 16, 16, s[3])
x = keras.Input((8, 8, 3))
model = keras.Model(x, keras.layers.Dense(2)(keras.layers.Flatten()(Up()(x))))
"""
    check(tmp_path, text, text.replace("tf.signal.stft(x, 4, 2)", "keras.ops.image.resize(x, (16, 16))"))


# -- models called and built in other ways ---------------------------------------------------------------

BUILDS = {
    "subclass_called_on_numpy_random": """
import numpy as np
import keras
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.d1 = keras.layers.Dense(4)
        self.d2 = keras.layers.Dense(2)
    def call(self, x):
        return self.d2(self.d1(x))
model = Net()
_ = model(np.random.rand(1, 3))
""",
    "subclass_called_on_np_zeros": """
import numpy as np
import keras
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = keras.layers.Conv2D(2, 3)
    def call(self, x):
        return self.conv(x)
model = Net()
model(np.zeros((2, 8, 8, 3), dtype="float32"))
""",
    "numpy_shapes": """
import numpy as np
import keras
x_train = np.zeros((100, 28, 28))
x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255.0
inputs = keras.Input(shape=x_train.shape[1:])
x = keras.layers.Conv2D(4, 3)(inputs)
outputs = keras.layers.Dense(int(np.prod((2, 3))))(keras.layers.Flatten()(x))
model = keras.Model(inputs, outputs)
""",
    "numpy_literal": """
import numpy as np
import keras
data = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
model = keras.Sequential([keras.Input(data.shape[1:]), keras.layers.Dense(data.shape[0] * 2)])
""",
    "len_of_np_unique": """
import numpy as np
import keras
y_train = np.array([0, 2, 2, 0, 1])
n_classes = len(np.unique(y_train))
labels = np.array(["cat", "dog", "bird"])
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(n_classes), keras.layers.Dense(len(labels))])
""",
    "numpy_stacks": """
from numpy import array, hstack, vstack
import keras
dataset = hstack((array([[1], [2], [3]]), array([[4], [5], [6]])))
X = array([dataset[0:2, :], dataset[1:3, :]])
rows = vstack((array([1, 2, 3]), array([4, 5, 6])))
model = keras.Sequential([keras.Input((2, X.shape[2])), keras.layers.LSTM(rows.shape[0] * 2), keras.layers.Dense(X.shape[2])])
""",
    "get_layer_frozen": """
import keras
from keras import layers
model = keras.Sequential([keras.Input((8,)), layers.Dense(4, name="a"), layers.Dense(2, name="b")])
model.get_layer("a").trainable = False
""",
    "get_layer_by_index_in_a_functional_model": """
import keras
from keras import layers
x = keras.Input((8,))
model = keras.Model(x, layers.Dense(2)(layers.BatchNormalization()(layers.Dense(4)(x))))
model.get_layer(index=1).trainable = False
""",
    "dict_outputs": """
import keras
from keras import layers
x = keras.Input((8,))
h = layers.Dense(4)(x)
model = keras.Model(inputs=x, outputs={"a": layers.Dense(1, name="a")(h), "b": layers.Dense(3, name="b")(h)})
""",
    "dict_inputs": """
import keras
from keras import layers
a, b = keras.Input((3,), name="a"), keras.Input((5,), name="b")
model = keras.Model(inputs={"a": a, "b": b}, outputs=layers.Dense(2)(layers.Concatenate()([a, b])))
""",
}


@pytest.mark.parametrize("name", BUILDS)
def test_builds(tmp_path: Path, name: str) -> None:
    check(tmp_path, BUILDS[name])


def test_values_changed_in_place_are_not_used(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("""
import numpy as np
import keras
y = np.array([0, 1, 1, 0])
y[0] = 7
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(len(np.unique(y)))])
""")
    with pytest.raises(paramwise.InputError, match="np.unique"):  # never the stale 2 classes
        paramwise.read(str(path))


def test_models_are_named_as_keras_names_them(tmp_path: Path) -> None:
    """A built Sequential model takes a "functional" name of its own, so later models are named past it."""
    check(tmp_path, """
import keras
ffn = keras.Sequential([keras.layers.Dense(4)])
x = keras.Input((3,))
seq = keras.Sequential()
seq.add(keras.Input((3,)))
seq.add(keras.layers.Dense(2))
seq.add(keras.layers.Dense(3))
inner = keras.Model(x, ffn(x))
y = keras.Input((3,))
model = keras.Model(y, keras.layers.Dense(1)(inner(y)))
""")


def test_comparisons_of_tensors_are_tensors(tmp_path: Path) -> None:
    check(tmp_path, """
import keras
from keras import ops
class CausalMask(keras.layers.Layer):
    def call(self, x, mask=None):
        n = ops.shape(x)[1]
        i = ops.arange(n)[:, None]
        j = ops.arange(n)
        m = ops.cast(i >= j, "float32")
        if mask is not None:
            m = m * mask
        return x * ops.expand_dims(m, 0)
x = keras.Input((5, 5))
model = keras.Model(x, keras.layers.Dense(2)(CausalMask()(x)))
""")


def test_build_with_a_tensor_shape(tmp_path: Path) -> None:
    text = """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Embedding(input_dim=39, output_dim=16), tf.keras.layers.GRU(8)])
model.build(tf.TensorShape([None, None]))
"""
    check(tmp_path, text, text.replace("tf.TensorShape([None, None])", "(None, None)"))


def test_keras_core_is_keras(tmp_path: Path) -> None:
    text = """
import keras_core as keras
from keras_core import layers
model = keras.Sequential([layers.Input((7, 12)), layers.LSTM(16), layers.Dense(1)])
"""
    check(tmp_path, text, text.replace("keras_core", "keras"))


# -- Lambda layers ---------------------------------------------------------------------------------

LAMBDAS = {
    "distance_of_two_inputs": """
import keras
from keras import layers, ops
def dist(v):
    x, y = v
    return ops.sqrt(ops.sum(ops.square(x - y), axis=1, keepdims=True))
a, b = keras.Input((10,)), keras.Input((10,))
d = layers.Lambda(dist)([a, b])
model = keras.Model([a, b], layers.Dense(1)(layers.BatchNormalization()(d)))
""",
    "reshape_in_a_lambda": """
import keras
from keras import layers, ops
x = keras.Input((12,))
y = layers.Lambda(lambda t: ops.reshape(t, (-1, 3, 4)))(x)
model = keras.Model(x, layers.Dense(2)(y))
""",
    "arguments_passed_on": """
import keras
from keras import layers, ops
x = keras.Input((6, 4))
y = layers.Lambda(lambda t, axis: ops.mean(t, axis=axis), arguments={"axis": 1})(x)
model = keras.Model(x, layers.Dense(2)(y))
""",
}


@pytest.mark.parametrize("name", LAMBDAS)
def test_lambda_bodies(tmp_path: Path, name: str) -> None:
    check(tmp_path, LAMBDAS[name])


def test_a_lambda_that_cannot_be_followed_is_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("""
import keras
import tensorflow as tf
x = keras.Input((8, 8, 3))
y = keras.layers.Lambda(lambda t: tf.signal.stft(t, 4, 2))(x)
model = keras.Model(x, keras.layers.Dense(2)(keras.layers.Flatten()(y)))
""")
    report = paramwise.read(str(path))
    assert not report.complete
    assert "assumed_shape" in [w.code for w in report.warnings]


# -- preprocessing and augmentation ------------------------------------------------------------------------


def test_augmentation_layers(tmp_path: Path) -> None:
    check(tmp_path, """
import keras
from keras import layers
augment = keras.Sequential([
    layers.RandomFlip("horizontal"), layers.RandomRotation(0.1), layers.RandomZoom(0.2, 0.1),
    layers.RandomTranslation(0.1, 0.1), layers.RandomContrast(0.2), layers.RandomBrightness(0.1),
])
model = keras.Sequential([
    keras.Input((32, 32, 3)), augment, layers.RandomCrop(24, 20), layers.Rescaling(1.0 / 255),
    layers.Resizing(16, 16), layers.Normalization(), layers.Conv2D(4, 3), layers.GlobalAveragePooling2D(),
    layers.Dense(2),
])
""")


# -- keras.applications ---------------------------------------------------------------------------

APPLICATIONS = [
    "MobileNetV2(weights=None, input_shape=(96, 96, 3))",
    "MobileNetV2(weights=None, alpha=0.5, include_top=False, pooling='avg', input_shape=(97, 97, 3))",
    "MobileNet(weights=None, alpha=0.25, input_shape=(128, 128, 3), classes=7)",
    "MobileNetV3Small(weights=None, input_shape=(64, 64, 3), include_top=False)",
    "ResNet50(weights=None, classes=10)",
    "ResNet50V2(weights=None, include_top=False, input_shape=(64, 64, 3), pooling='max')",
    "VGG16(weights=None, include_top=False, input_shape=(64, 64, 3))",
    "EfficientNetB0(weights=None, input_shape=(64, 64, 3), classes=5)",
    "EfficientNetV2B0(weights=None, include_top=False, input_shape=(64, 64, 3))",
    "DenseNet121(weights=None, input_shape=(64, 64, 3), include_top=False, pooling='max')",
    "InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3))",
    "Xception(weights=None, classes=3, input_shape=(71, 71, 3))",
    "InceptionResNetV2(weights=None, include_top=False, input_shape=(75, 75, 3))",
    "ConvNeXtTiny(weights=None, include_top=False, input_shape=(32, 32, 3))",
]


@pytest.mark.parametrize("call", APPLICATIONS)
def test_applications(tmp_path: Path, call: str) -> None:
    check(tmp_path, f"import keras\nmodel = keras.applications.{call}\n")


def test_an_application_as_a_base(tmp_path: Path) -> None:
    check(tmp_path, """
import keras
base = keras.applications.MobileNetV2(weights="imagenet", include_top=False, input_shape=(96, 96, 3))
base.trainable = False
x = keras.layers.GlobalAveragePooling2D()(base.output)
model = keras.Model(base.input, keras.layers.Dense(5)(x))
""".replace('weights="imagenet"', "weights=None"))


def test_an_application_on_an_input_tensor_keeps_the_layers_before_it(tmp_path: Path) -> None:
    check(tmp_path, """
import keras
inp = keras.Input((64, 64, 3))
x = keras.layers.Conv2D(3, 1)(keras.layers.Rescaling(1 / 255.0)(inp))
model = keras.applications.MobileNetV2(weights=None, include_top=False, input_tensor=x, pooling="avg")
""")


def test_transfer_learning_with_preprocess_input(tmp_path: Path) -> None:
    check(tmp_path, """
import keras
from keras import layers
base_model = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights=None)
base_model.trainable = False
inputs = keras.Input(shape=(96, 96, 3))
x = layers.RandomFlip("horizontal")(inputs)
x = keras.applications.mobilenet_v2.preprocess_input(x)
x = base_model(x, training=False)
x = layers.Dropout(0.2)(layers.GlobalAveragePooling2D()(x))
model = keras.Model(inputs, layers.Dense(1)(x))
""")


def test_an_application_checks_its_arguments(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("import keras\nmodel = keras.applications.ResNet50(weights='imagenet', classes=10)\n")
    with pytest.raises(paramwise.InputError, match="classes"):
        paramwise.read(str(path))


# -- the Keras 1 API ----------------------------------------------------------------------------------


def test_keras1_convolution_is_read_as_keras1_meant_it(tmp_path: Path) -> None:
    text = """
from keras.models import Sequential
from keras.layers import Convolution2D, Dense, Flatten, MaxPooling2D, Dropout
model = Sequential()
model.add(Convolution2D(16, 3, 3, border_mode='same', input_shape=(3, 16, 16)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(p=0.25))
model.add(Flatten())
model.add(Dense(output_dim=10, init='uniform'))
"""
    keras3 = """
from keras.models import Sequential
from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D, Dropout, Input
model = Sequential()
model.add(Input((3, 16, 16)))
model.add(Conv2D(16, (3, 3), padding='same', data_format='channels_first'))
model.add(MaxPooling2D(pool_size=(2, 2), data_format='channels_first'))
model.add(Dropout(0.25))
model.add(Flatten())
model.add(Dense(10))
"""
    report = check(tmp_path, text, keras3)
    assert "keras1_api" in [w.code for w in report.warnings]


def test_keras1_channels_last_and_recurrent(tmp_path: Path) -> None:
    text = """
from keras.models import Sequential
from keras.layers import Convolution1D, LSTM, Dense
model = Sequential()
model.add(Convolution1D(nb_filter=8, filter_length=3, border_mode='valid', subsample_length=1, input_shape=(20, 4)))
model.add(LSTM(output_dim=6, inner_init='orthogonal', dropout_W=0.1))
model.add(Dense(1, W_regularizer=None))
"""
    keras3 = """
from keras.models import Sequential
from keras.layers import Conv1D, LSTM, Dense, Input
model = Sequential([Input((20, 4)), Conv1D(8, 3), LSTM(6), Dense(1)])
"""
    check(tmp_path, text, keras3)


# -- model.build() on a subclassed model -------------------------------------------------------------

BUILT_BY_BUILD = """
import keras
from keras import layers
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.d1 = layers.Dense(8)
        self.d2 = layers.Dense(2)
        self.scale = self.add_weight(shape=(2,), name="scale")
    def call(self, x):
        return self.d2(self.d1(x)) * self.scale
model = Net()
model.build((None, 4))
"""


@pytest.mark.parametrize("text", [
    BUILT_BY_BUILD,
    BUILT_BY_BUILD.replace("self.d2 = layers.Dense(2)", "self.d2 = keras.Sequential([layers.Dense(4), layers.Dense(2)])"),
], ids=["layers", "a_nested_sequential"])
def test_build_alone_leaves_keras_layers_unbuilt_and_says_so(tmp_path: Path, text: str) -> None:
    """Keras' default build() marks the model built and builds none of its layers: count_params() has only the weight
    __init__ made until the first call. paramwise counts what the model has once called, and warns."""
    path = tmp_path / "net.py"
    path.write_text(text)
    keras_model = build(path)
    weights_before = keras_model.count_params()
    keras_model(np.ones((1, 4), dtype="float32"))
    report = paramwise.read(str(path))
    assert weights_before < keras_model.count_params() == report.total  # the premise: Keras counts fewer before the call
    assert [w.code for w in report.warnings].count("unbuilt_layers") == 1
    assert report.complete


def test_no_unbuilt_warning_once_the_model_is_called(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(BUILT_BY_BUILD + "y = model(keras.Input((4,)))\n")
    report = paramwise.read(str(path))
    assert build(path).count_params() == report.total
    assert "unbuilt_layers" not in [w.code for w in report.warnings]


# -- Sequential.pop() -----------------------------------------------------------------------------------

POPS = {
    # pop() of a built model chains it again without the last layer: it counted the popped layer's weights and
    # fed the next add() from the popped layer's output (23 where Keras says 10)
    "then_add": """
import keras
from keras import layers
model = keras.Sequential([keras.Input((4,)), layers.Dense(3, name="x")])
model.pop()
model.add(layers.Dense(2, name="x"))
""",
    "twice_built_by_input_shape": """
import keras
from keras import layers
model = keras.Sequential([layers.Dense(3, input_shape=(4,)), layers.Dense(5), layers.Dense(6)])
model.pop()
model.pop()
model.add(layers.Dense(2))
""",
    "built_by_build": """
import keras
from keras import layers
model = keras.Sequential([layers.Dense(3), layers.Dense(5)])
model.build((None, 4))
model.pop()
""",
    "with_add_after": """
import keras
from keras import layers
model = keras.Sequential()
model.add(keras.Input((4,)))
model.add(layers.Dense(3))
model.add(layers.Dense(5))
last = model.pop()
model.add(layers.Dense(7))
""",
}


@pytest.mark.parametrize("name", POPS)
def test_sequential_pop_matches_keras(tmp_path: Path, name: str) -> None:
    check(tmp_path, POPS[name])
