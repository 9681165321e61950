"""netcore: a small, honest multilayer perceptron trained on MNIST with numpy.

Every number and figure the talk shows comes from this package, so it favours
readability and reproducibility over generality.
"""

# The deck computation interface (deck/compute.py): a talk names `netcore` in deck.yaml.
# Looked up lazily, so importing netcore.training or netcore.config loads nothing else.
_PLUGIN = ("NAMESPACE", "SECTION", "DEMOS_DIR", "catalog", "produce", "validate")


def __getattr__(name: str):
    if name in _PLUGIN:
        from netcore import plugin

        return getattr(plugin, name)
    raise AttributeError(f"module 'netcore' has no attribute {name!r}")
