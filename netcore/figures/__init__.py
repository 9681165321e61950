"""Figure registry: every module in this package registers FigureSpec objects.

Importing this package (or any figure module) must not import matplotlib; the
draw functions import it themselves, so a cached build never pays for it.
"""
