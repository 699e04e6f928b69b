# The modules inside torch's built-in composites are reached as torch reaches them: attn.out_proj of
# nn.MultiheadAttention (CLIP initialises and sizes from it), encoder.layers[0].linear1 of nn.TransformerEncoder
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, d=16, h=4):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, h)
        nn.init.normal_(self.attn.in_proj_weight, std=0.02)
        nn.init.normal_(self.attn.out_proj.weight, std=0.02)
        self.proj = nn.Linear(d, self.attn.out_proj.out_features * 2)
        self.attn.out_proj.bias.requires_grad = False
        layer = nn.TransformerEncoderLayer(d, h, dim_feedforward=32)
        self.enc = nn.TransformerEncoder(layer, num_layers=2)
        self.enc.layers[0].linear1.requires_grad_(False)
        self.head = nn.Linear(self.enc.layers[1].linear2.out_features, 3)

    def forward(self, x):
        y = self.attn(x, x, x)[0]
        return self.head(self.enc(y)), self.proj(y)


model = Block()
input_shape = (3, 2, 16)
