"""`trainable=False` given to a Keras layer's constructor, where Keras 3 keeps the layer's weights in sublayers it
makes without passing that flag on (MultiHeadAttention's EinsumDense layers, the layer a wrapper holds, ConvLSTM's
cell, RNN's cell): the layer says it is not trainable, and its weights stay trainable, in `model.summary()` and in
what an optimizer trains. LSTM, GRU and SimpleRNN pass the flag to their cells: they freeze. Setting `.trainable`
later freezes every one. paramwise froze them all (a silently wrong trainable count: 0 where Keras says 168).
Each case is checked against Keras itself."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("keras")
import keras_oracle  # noqa: E402

LAYERS = {
    "multi_head_attention": ("layers.MultiHeadAttention(2, 3, trainable=False)", "(4, 6)", "q, q"),
    "grouped_query_attention": ("layers.GroupQueryAttention(8, 4, 2, trainable=False)", "(4, 16)", "q, q"),
    "time_distributed": ("layers.TimeDistributed(layers.Dense(3), trainable=False)", "(4, 5)", "q"),
    "bidirectional": ("layers.Bidirectional(layers.LSTM(2, return_sequences=True), trainable=False)", "(4, 5)", "q"),
    "rnn_of_a_cell": ("layers.RNN(layers.LSTMCell(2), trainable=False)", "(4, 5)", "q"),
    "conv_lstm": ("layers.ConvLSTM2D(2, 3, trainable=False)", "(3, 8, 8, 2)", "q"),
    "lstm_freezes": ("layers.LSTM(2, trainable=False)", "(4, 5)", "q"),
    "dense_freezes": ("layers.Dense(3, trainable=False)", "(4, 5)", "q"),
}


@pytest.mark.parametrize("made, shape, args", list(LAYERS.values()), ids=list(LAYERS))
def test_trainable_false_in_the_constructor_counts_as_keras_counts(tmp_path: Path, made: str, shape: str, args: str) -> None:
    text = f"""
import keras
from keras import layers

q = keras.Input({shape})
layer = {made}
model = keras.Model(q, layer({args}))
"""
    report = keras_oracle.agrees(tmp_path, text)
    assert report.total > 0
    # set once the model is built, the flag freezes them all, as Keras sets it on every sublayer
    later = text.replace(", trainable=False)", ")") + "layer.trainable = False\n"
    frozen = keras_oracle.agrees(tmp_path, later)
    assert frozen.trainable == 0 and frozen.non_trainable == frozen.total == report.total
    # set before the first call, it reaches the sublayers made by then: MultiHeadAttention's are made at that call
    before = text.replace(", trainable=False)", ")").replace("model = ", "layer.trainable = False\nmodel = ")
    keras_oracle.agrees(tmp_path, before)


SUBCLASSES = """
import keras
from keras import layers


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(4)
        self.scale = self.add_weight(shape=(4,), name="scale")

    def call(self, x):
        return self.dense(x) * self.scale


class Head(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.out = layers.Dense(3)

    def call(self, x):
        return self.out(x)


x = keras.Input((5,))
block, head = Block(trainable=False), Head(trainable=False)
model = keras.Model(x, [block(x), head(x)])
"""


def test_trainable_false_given_to_a_subclass_freezes_its_own_weights_only(tmp_path: Path) -> None:
    # Keras 3: the Block's own `scale` is frozen, its Dense and the Head's are not (paramwise froze all 46)
    report = keras_oracle.agrees(tmp_path, SUBCLASSES)
    assert 0 < report.non_trainable < report.total
    frozen = keras_oracle.agrees(tmp_path, SUBCLASSES + "block.trainable = False\nhead.trainable = False\n")
    assert frozen.trainable == 0
