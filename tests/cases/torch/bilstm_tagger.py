# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class BiLSTMTagger(nn.Module):
    def __init__(self, vocab=300, emb=24, hidden=32, tags=9):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, num_layers=2, bidirectional=True, batch_first=True)
        self.proj = nn.Linear(2 * hidden, tags)

    def forward(self, tokens):
        h, _ = self.lstm(self.embed(tokens))
        return self.proj(h)


model = BiLSTMTagger()
input_shape = (2, 11)
input_dtype = torch.long
