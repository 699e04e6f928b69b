from keras.layers import Conv2D, Dense, Flatten
from keras.models import Sequential

model = Sequential([Conv2D(4, 3, input_shape=(10, 10, 1)), Flatten(), Dense(5)])
