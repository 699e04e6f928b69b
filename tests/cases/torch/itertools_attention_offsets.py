# LeViT's attention biases: offsets counted over itertools.product of the resolution grid (a parameter and a
# buffer sized by what the loops build)
import itertools
import torch
import torch.nn as nn

class Attention(nn.Module):
    def __init__(self, dim=16, num_heads=2, resolution=7):
        super().__init__()
        self.qkv = nn.Linear(dim, dim * 3)
        points = list(itertools.product(range(resolution), range(resolution)))
        N = len(points)
        attention_offsets = {}
        idxs = []
        for p1 in points:
            for p2 in points:
                offset = (abs(p1[0] - p2[0]), abs(p1[1] - p2[1]))
                if offset not in attention_offsets:
                    attention_offsets[offset] = len(attention_offsets)
                idxs.append(attention_offsets[offset])
        self.attention_biases = nn.Parameter(torch.zeros(num_heads, len(attention_offsets)))
        self.register_buffer("attention_bias_idxs", torch.LongTensor(idxs).view(N, N))

model = Attention()
