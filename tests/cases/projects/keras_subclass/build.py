import keras
from kmodels.mlp import ResMLP

model = ResMLP(width=24, depth=3)
model(keras.ops.zeros((1, 16)))
