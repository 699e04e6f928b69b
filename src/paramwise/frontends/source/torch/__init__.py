"""PyTorch source: nn.Module classes built by the interpreter, their forward() followed on symbolic
tensors."""
