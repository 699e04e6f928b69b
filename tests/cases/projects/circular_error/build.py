import torch
from loop.a import Body

model = Body()
