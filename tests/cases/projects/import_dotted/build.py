import torch
from factory.policy import ActorCritic

model = ActorCritic(obs=17, actions=6, hidden=(32, 32))
