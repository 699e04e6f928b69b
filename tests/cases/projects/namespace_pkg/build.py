import torch
from nets.tagger import Tagger

model = Tagger(d=24)
