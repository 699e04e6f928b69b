from keras.layers import Conv2D, Dense, Flatten
from keras.models import Sequential

model = Sequential()
model.add(Conv2D(8, (3, 3), input_shape=(10, 10, 1)))
model.add(Flatten())
model.add(Dense(2))
