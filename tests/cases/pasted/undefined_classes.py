# bound with --set n_features=20 --set num_classes=3 in the test
from keras.models import Sequential
from keras.layers import Dense

n_features = 20
num_classes = 3
model = Sequential()
model.add(Dense(64, activation='relu', input_dim=n_features))
model.add(Dense(32, activation='relu'))
model.add(Dense(num_classes, activation='softmax'))
