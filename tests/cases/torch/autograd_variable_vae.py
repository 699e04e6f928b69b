# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
# Pre-0.4 style: the noise of the reparametrisation is wrapped in torch.autograd.Variable.
import torch
import torch.nn as nn
from torch.autograd import Variable


class TinyVAE(nn.Module):
    def __init__(self, n_in=64, hidden=32, latent=8):
        super().__init__()
        self.enc = nn.Linear(n_in, hidden)
        self.mu = nn.Linear(hidden, latent)
        self.logvar = nn.Linear(hidden, latent)
        self.dec = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, n_in), nn.Sigmoid())

    def forward(self, x):
        h = torch.relu(self.enc(x))
        mu, logvar = self.mu(h), self.logvar(h)
        std = logvar.mul(0.5).exp()
        eps = Variable(torch.randn_like(std), requires_grad=False)
        z = eps.mul(std).add(mu)
        return self.dec(z), mu, logvar


model = TinyVAE()
input_shape = (5, 64)
