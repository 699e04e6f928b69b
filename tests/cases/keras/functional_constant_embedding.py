# A position embedding applied to keras.ops.arange(...) (a constant, as UNETR writes it): no model input feeds it,
# so Keras runs it at once and the Model neither lists nor counts that Embedding.
import keras
from keras import layers as L

inputs = L.Input((16, 8))
patch = L.Dense(32)(inputs)
positions = keras.ops.arange(0, 16, 1)
pos = L.Embedding(input_dim=16, output_dim=32)(positions)
x = patch + pos
out = L.Dense(4)(x)
model = keras.Model(inputs, out)
