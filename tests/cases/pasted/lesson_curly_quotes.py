import tensorflow as tf

img_SIZE = 32


def create_model():
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(kernel_size=(3, 3), filters=32, padding="same", activation="relu",
                               input_shape=[img_SIZE, img_SIZE, 3], name="Conv1"),
        tf.keras.layers.Conv2D(kernel_size=(3, 3), filters=64, padding="same", activation="relu", name="Conv2",
                               use_bias=True),
        tf.keras.layers.MaxPooling2D(pool_size=2, name="Max1"),
        tf.keras.layers.Conv2D(kernel_size=(3, 3), filters=128, padding="same", activation="relu", name="Conv3"),
        tf.keras.layers.Conv2D(kernel_size=(1, 1), filters=256, padding="same", activation="relu", name="Conv4"),
        tf.keras.layers.GlobalAveragePooling2D(name="GAP1"),
        tf.keras.layers.Dense(10, "relu", name="Dense1"),
        tf.keras.layers.Dense(10, "softmax", name="Output"),
    ])
    return model


model = create_model()
