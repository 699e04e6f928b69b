import keras
from keras import layers

sizes = [2 ** k for k in range(3, 7) if k != 5]
names = [f"fc_{s}" for s in sizes]

model = keras.Sequential(name="stack")
model.add(keras.Input(shape=(10,)))
for size, name in zip(sizes, names):
    if size > 8:
        model.add(layers.Dense(size, activation="relu", name=name))
    else:
        model.add(layers.Dense(size, name=name))
    model.add(layers.Dropout(0.1))
model.add(layers.Dense(1))
