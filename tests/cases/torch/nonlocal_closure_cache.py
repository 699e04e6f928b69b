# nonlocal: a closure's cache (Perceiver's cache_fn) returns the same module every call, so it is shared and counted once
import torch.nn as nn
from functools import wraps

def cache_fn(f):
    cache = None
    @wraps(f)
    def cached_fn(*args, _cache=True, **kwargs):
        if not _cache:
            return f(*args, **kwargs)
        nonlocal cache
        if cache is not None:
            return cache
        cache = f(*args, **kwargs)
        return cache
    return cached_fn

def counter():
    n = 0
    def inc():
        nonlocal n
        n += 1
        return n
    return inc

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        get_ff = cache_fn(lambda: nn.Linear(8, 8))
        c = counter(); c(); c()
        self.layers = nn.ModuleList([get_ff() for _ in range(3)])
        self.other = nn.Linear(8, c())
model = Net()
