# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn
import torch.nn.functional as F


class AttentionPool(nn.Module):
    def __init__(self, d=32):
        super().__init__()
        self.score = nn.Linear(d, 1, bias=False)

    def forward(self, h):
        w = F.softmax(self.score(h).squeeze(-1), dim=1)
        return torch.bmm(w.unsqueeze(1), h).squeeze(1)


class DocClassifier(nn.Module):
    def __init__(self, vocab=400, d=32, classes=3):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.gru = nn.GRU(d, d // 2, batch_first=True, bidirectional=True)
        self.pool = AttentionPool(d)
        self.out = nn.Linear(d, classes)

    def forward(self, x):
        h, _ = self.gru(self.emb(x))
        return self.out(self.pool(h))


model = DocClassifier()
input_shape = (2, 15)
input_dtype = torch.long
