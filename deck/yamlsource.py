"""YAML loading that remembers where every key was written.

PyYAML's plain ``safe_load`` forgets line numbers, but a good error message
needs them ("deck.yaml:12: unknown key 'epoch'"). We compose the node tree,
build plain Python values from it, and keep a map from key paths to lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from deck.errors import DeckError

KeyPath = tuple[str | int, ...]


@dataclass
class LocatedYaml:
    """Plain data from a YAML file plus the line of every mapping key and list item."""

    path: Path
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, *keys: str | int) -> int:
        """Line of the deepest known prefix of ``keys`` (1 when nothing matches)."""
        for end in range(len(keys), 0, -1):
            found = self.lines.get(tuple(keys[:end]))
            if found:
                return found
        return 1


def load_yaml(path: Path, text: str) -> LocatedYaml:
    """Parse ``text`` (the contents of ``path``) keeping line numbers."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise DeckError(path, line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise DeckError(path, None, f"invalid YAML: {exc}") from None
    located = LocatedYaml(path, None)
    if node is not None:
        located.data = _construct(node, (), located.lines, path)
    return located


def _construct(node: yaml.Node, where: KeyPath, lines: dict[KeyPath, int], path: Path) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, path)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise DeckError(path, key_node.start_mark.line + 1, f"duplicate key '{key}'")
            lines[where + (key,)] = key_node.start_mark.line + 1
            result[key] = _construct(value_node, where + (key,), lines, path)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[where + (index,)] = item.start_mark.line + 1
            items.append(_construct(item, where + (index,), lines, path))
        return items
    return _scalar(node, path)


def _scalar(node: yaml.Node, path: Path) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise DeckError(path, node.start_mark.line + 1, "a mapping key must be a plain value")
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:  # ValueError: a date such as 2026-02-30
        raise DeckError(path, node.start_mark.line + 1, f"invalid value {node.value!r}: {exc}") from None
