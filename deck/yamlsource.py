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
# A deck.yaml holds a few hundred values. Aliases (*name) repeat a value without
# copying it in the text, so nested ones multiply ("billion laughs"): we stop
# counting well before that costs time or memory.
MAX_VALUES = 50_000
MAX_DEPTH = 100


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
    except RecursionError:
        raise DeckError(path, None, f"invalid YAML: nested more than {MAX_DEPTH} levels deep") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise DeckError(path, line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise DeckError(path, None, f"invalid YAML: {exc}") from None
    located = LocatedYaml(path, None)
    if node is not None:
        located.data = _Builder(path, located.lines).build(node, (), 1)
    return located


class _Builder:
    """Plain values from a node tree, counting every value an alias makes us build again."""

    def __init__(self, path: Path, lines: dict[KeyPath, int]):
        self.path = path
        self.lines = lines
        self.built = 0
        self.open: set[int] = set()  # nodes being built: an alias to one of them is a loop
        self.loader = yaml.SafeLoader("")  # one scalar constructor for the whole file (it is costly to make)

    def build(self, node: yaml.Node, where: KeyPath, line: int) -> Any:
        """``line`` is where the reference to ``node`` was written (an alias's own line)."""
        self.built += 1
        if self.built > MAX_VALUES:
            raise DeckError(self.path, line, f"YAML expands to more than {MAX_VALUES:,} values (aliases within aliases?)",
                            "write the values out instead of repeating them with *aliases")
        if len(where) > MAX_DEPTH:
            raise DeckError(self.path, line, f"YAML nested more than {MAX_DEPTH} levels deep")
        if id(node) in self.open:
            raise DeckError(self.path, line, "a YAML alias refers to the value that contains it")
        if isinstance(node, yaml.MappingNode):
            self.open.add(id(node))
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = _scalar(key_node, self.path, self.loader)
                if not isinstance(key, str):
                    key = str(key)
                key_line = key_node.start_mark.line + 1
                if key in result:
                    raise DeckError(self.path, key_line, f"duplicate key '{key}'")
                self.lines[where + (key,)] = key_line
                # Inside an alias the nodes were written up at its anchor: report the alias's line.
                result[key] = self.build(value_node, where + (key,), max(key_line, line))
            self.open.discard(id(node))
            return result
        if isinstance(node, yaml.SequenceNode):
            self.open.add(id(node))
            items = []
            for index, item in enumerate(node.value):
                item_line = item.start_mark.line + 1
                self.lines[where + (index,)] = item_line
                items.append(self.build(item, where + (index,), max(item_line, line)))
            self.open.discard(id(node))
            return items
        return _scalar(node, self.path, self.loader)


def _scalar(node: yaml.Node, path: Path, loader: yaml.SafeLoader | None = None) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise DeckError(path, node.start_mark.line + 1, "a mapping key must be a plain value")
    loader = loader or yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:  # ValueError: a date such as 2026-02-30
        raise DeckError(path, node.start_mark.line + 1, f"invalid value {node.value!r}: {exc}") from None
