import keras
from kfn import build_model

model = build_model(num_classes=5)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
