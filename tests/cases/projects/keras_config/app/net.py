from tensorflow import keras

from app import config as cfg


def make_mlp():
    model = keras.Sequential()
    model.add(keras.Input(shape=(cfg.FEATURES,)))
    for units in cfg.HIDDEN:
        model.add(keras.layers.Dense(units, activation="relu"))
        model.add(keras.layers.Dropout(cfg.DROPOUT))
    model.add(keras.layers.Dense(cfg.CLASSES, activation="softmax"))
    return model
