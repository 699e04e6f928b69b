# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class SentimentRNN(nn.Module):
    def __init__(self, vocab_size=500, embedding_dim=32, hidden_dim=16, output_dim=1, n_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.embedding.weight.requires_grad = False
        self.rnn = nn.LSTM(embedding_dim, hidden_dim, num_layers=n_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)
        self.sigmoid = nn.Sigmoid()

    def forward(self, text):
        embedded = self.embedding(text)
        output, (hidden, cell) = self.rnn(embedded)
        return self.sigmoid(self.fc(hidden.squeeze(0)))


model = SentimentRNN()
input_shape = (3, 25)
input_dtype = torch.long
