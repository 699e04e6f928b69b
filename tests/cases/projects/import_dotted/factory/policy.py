import torch
import torch.nn as nn

import factory.blocks.builders


class ActorCritic(nn.Module):
    def __init__(self, obs=8, actions=4, hidden=(64, 64)):
        super().__init__()
        self.actor = factory.blocks.builders.mlp([obs, *hidden, actions], act="gelu")
        self.critic = factory.blocks.builders.mlp([obs, *hidden, 1], norm=True)
        self.log_std = nn.Parameter(torch.zeros(actions))
