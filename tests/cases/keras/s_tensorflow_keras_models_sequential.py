from tensorflow.keras.layers import Dense, Flatten, MaxPooling2D, Conv2D
from tensorflow.keras.models import Sequential

model = Sequential()
model.add(Conv2D(6, kernel_size=5, activation="tanh", input_shape=(32, 32, 1)))
model.add(MaxPooling2D(2))
model.add(Conv2D(16, kernel_size=5, activation="tanh"))
model.add(MaxPooling2D(2))
model.add(Flatten())
model.add(Dense(120, activation="tanh"))
model.add(Dense(84, activation="tanh"))
model.add(Dense(10, activation="softmax"))
