# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class NeuMF(nn.Module):
    def __init__(self, n_users=50, n_items=80, factors=8, layers=(32, 16, 8)):
        super().__init__()
        self.embed_user_GMF = nn.Embedding(n_users, factors)
        self.embed_item_GMF = nn.Embedding(n_items, factors)
        self.embed_user_MLP = nn.Embedding(n_users, layers[0] // 2)
        self.embed_item_MLP = nn.Embedding(n_items, layers[0] // 2)
        mlp = []
        for a, b in zip(layers[:-1], layers[1:]):
            mlp += [nn.Dropout(0.1), nn.Linear(a, b), nn.ReLU()]
        self.MLP_layers = nn.Sequential(*mlp)
        self.predict_layer = nn.Linear(factors + layers[-1], 1)


model = NeuMF()
