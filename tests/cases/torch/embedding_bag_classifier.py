# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch.nn as nn


class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size=1000, embed_dim=16, num_class=4):
        super(TextClassificationModel, self).__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()


model = TextClassificationModel()
