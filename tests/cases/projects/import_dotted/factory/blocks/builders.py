import torch.nn as nn

ACTS = {"relu": nn.ReLU, "gelu": nn.GELU, "silu": nn.SiLU}


def mlp(sizes, act="relu", norm=False):
    layers = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            if norm:
                layers.append(nn.LayerNorm(b))
            layers.append(ACTS[act]())
    return nn.Sequential(*layers)
