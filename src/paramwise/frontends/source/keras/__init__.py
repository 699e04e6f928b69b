"""Keras source: layers, models and the reader (`keras.Sequential([...])`, functional and subclassed
models)."""
