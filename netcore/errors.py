"""Exceptions raised by netcore; each renders as one line a speaker can act on."""

from __future__ import annotations


class NetcoreError(Exception):
    """Base class, so the deck pipeline can catch every netcore failure at once."""

    def __str__(self) -> str:
        # One line, always: the build prints errors as `FILE:LINE: message`.
        return " ".join(super().__str__().split())


class DataError(NetcoreError):
    """A data file is missing, truncated, corrupted or in the wrong format."""


class ConfigError(NetcoreError):
    """A network setting is wrong; `.key` is the offending key under `network:`."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


class DivergenceError(NetcoreError):
    """Training blew up (NaN, infinity or an exploding cost)."""


class FigureError(NetcoreError):
    """A figure module is malformed (duplicate name, bad format, missing alt text)."""


class CacheError(NetcoreError):
    """The cache directory cannot be used (e.g. not writable)."""
