"""netcore: a small, honest multilayer perceptron trained on MNIST with numpy.

Every number and figure the talk shows comes from this package, so it favours
readability and reproducibility over generality.
"""
