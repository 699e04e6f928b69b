import torch

from lm.configs import GPTConfig
from lm.modeling.gpt import GPT

config = GPTConfig(n_layer=3, n_head=2, bias=False)
model = GPT(config)
