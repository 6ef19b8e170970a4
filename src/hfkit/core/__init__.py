"""Core layer: types, configuration, errors and the model registry. Imports nothing heavy."""
