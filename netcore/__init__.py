"""netcore: a small, honest multilayer perceptron trained on MNIST with numpy.

Every number and figure the talk shows comes from this package, so it favours
readability and reproducibility over generality.
"""

# The deck computation interface (see deck/compute.py): a talk names `netcore` in deck.yaml.
from netcore.plugin import DEMOS_DIR, NAMESPACE, SECTION, catalog, produce, validate  # noqa: E402,F401
