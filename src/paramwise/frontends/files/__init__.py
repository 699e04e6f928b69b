"""Saved models and checkpoints, read as data: Keras configs (.json, .keras, .h5), safetensors and .pt
state dicts. Never the source interpreter."""
