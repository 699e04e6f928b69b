from keras import layers as kl
from keras import models as km

model = km.Sequential([kl.Input((6, 6, 2)), kl.Conv2D(3, 2), kl.Flatten(), kl.Dense(2)])
