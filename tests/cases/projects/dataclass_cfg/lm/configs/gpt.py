from dataclasses import dataclass


@dataclass
class GPTConfig:
    vocab_size: int = 256
    block_size: int = 32
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 64
    bias: bool = True


def tiny():
    return GPTConfig(n_layer=1, n_embd=32)
