# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch.nn as nn

model = nn.Transformer(d_model=32, nhead=4, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=64)
