# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class PerceiverLite(nn.Module):
    def __init__(self, num_latents=8, latent_dim=32, input_dim=12, heads=4):
        super().__init__()
        self.latents = nn.Parameter(torch.randn(num_latents, latent_dim))
        self.input_proj = nn.Linear(input_dim, latent_dim)
        self.cross = nn.MultiheadAttention(latent_dim, heads, batch_first=True)
        self.self_attn = nn.ModuleList([nn.TransformerEncoderLayer(latent_dim, heads, 64, batch_first=True) for _ in range(2)])
        self.head = nn.Linear(latent_dim, 3)

    def forward(self, x):
        b = x.shape[0]
        kv = self.input_proj(x)
        q = self.latents.unsqueeze(0).expand(b, -1, -1)
        z, _ = self.cross(q, kv, kv)
        for layer in self.self_attn:
            z = layer(z)
        return self.head(z.mean(dim=1))


model = PerceiverLite()
input_shape = (2, 20, 12)
