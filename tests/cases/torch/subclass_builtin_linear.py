# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
import torch
import torch.nn as nn


class NoisyLinear(nn.Linear):
    def __init__(self, in_features, out_features, sigma=0.017):
        super().__init__(in_features, out_features, bias=True)
        self.sigma_weight = nn.Parameter(torch.full((out_features, in_features), sigma))
        self.register_buffer("epsilon_weight", torch.zeros(out_features, in_features))


class DQN(nn.Module):
    def __init__(self, obs=8, actions=4):
        super().__init__()
        self.fc = nn.Linear(obs, 64)
        self.noisy = NoisyLinear(64, actions)


model = DQN()
