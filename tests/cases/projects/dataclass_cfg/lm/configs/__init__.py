from .gpt import GPTConfig, tiny
