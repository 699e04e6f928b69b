# The model of the pasted MNIST question as its code ran: no MaxPooling2D and no Flatten, so both Dense
# layers act on the last axis of the 26x26x32 feature map.
from keras.layers import Conv2D, Dense
from keras.models import Sequential


def define_model():
    model = Sequential()
    model.add(Conv2D(32, (3, 3), activation="relu", kernel_initializer="he_uniform", input_shape=(28, 28, 1)))
    model.add(Dense(100, activation="relu", kernel_initializer="he_uniform"))
    model.add(Dense(10, activation="softmax"))
    return model


model = define_model()
