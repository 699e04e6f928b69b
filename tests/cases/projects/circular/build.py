import torch
from cyc.encoder import autoencoder

model = autoencoder(40)
