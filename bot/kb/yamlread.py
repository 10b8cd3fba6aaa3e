"""Safe YAML reading that remembers line numbers.

Moderators edit these files by hand, so every error must say which file and line
to look at. `yaml.safe_load` forgets positions; composing the node graph with the
safe loader keeps them while still refusing every unsafe tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is several times faster; both are safe loaders
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 2_000_000
"""A knowledge file is text written by people; anything bigger is a mistake or an attack."""

MAX_NODES = 200_000
"""Values a file may expand to. Aliases repeat a node without copying it, so a few
hundred bytes can stand for billions of values ("billion laughs"); the shipped base
is about 10,000."""

MAX_DEPTH = 40
"""How deeply blocks may nest; a knowledge file needs five or six levels."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a knowledge file, worded for a moderator."""

    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        position = f"{self.file}:{self.line}" if self.line else self.file
        where = f" {self.where}:" if self.where else ""
        return f"{position}:{where} {self.message}"


class YamlMap(dict[str, Any]):
    """A mapping that knows the line of itself and of each key."""

    line: int
    key_lines: dict[str, int]


class YamlList(list[Any]):
    """A sequence that knows the line of itself and of each item."""

    line: int
    item_lines: list[int]


def line_of(value: Any, default: int | None = None) -> int | None:
    """The line a parsed value came from, for problem messages."""
    return getattr(value, "line", default)


class YamlFileError(Exception):
    """A file that cannot be read at all, carrying the one problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_yaml_text(text: str, name: str) -> Any:
    """Parse YAML text into plain values with line numbers, refusing unsafe tags and
    bounding what aliases and nesting can expand to."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _Converter(loader, name).convert(node, 0)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        detail = error.problem or "could not be read"
        if error.context:
            detail = f"{error.context}, {detail}"
        raise YamlFileError(Problem(name, line, "", f"this is not valid YAML: {detail}")) from None
    except yaml.YAMLError as error:
        raise YamlFileError(Problem(name, None, "", f"this is not valid YAML: {error}")) from None
    except RecursionError:  # the parser itself recursing on thousands of nested brackets
        raise YamlFileError(
            Problem(name, None, "", f"blocks are nested too deeply (the limit is {MAX_DEPTH})")
        ) from None
    finally:
        loader.dispose()


def read_yaml_file(path: Path, display_name: str | None = None) -> Any:
    """Read a knowledge file safely, turning oversized or non-UTF-8 files into a problem."""
    name = display_name or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise YamlFileError(
                Problem(
                    name, None, "", f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
                )
            )
        raw = path.read_bytes()
    except OSError as error:
        raise YamlFileError(Problem(name, None, "", f"cannot be read: {error.strerror}")) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlFileError(
            Problem(name, None, "", f"is not UTF-8 text (byte {error.start})")
        ) from None
    return read_yaml_text(text, name)


_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _Converter:
    """Turns composed nodes into plain values, counting every value it produces."""

    def __init__(self, loader: yaml.SafeLoader, name: str) -> None:
        self.loader = loader
        self.name = name
        self.nodes = 0

    def _problem(self, node: yaml.Node, message: str) -> YamlFileError:
        return YamlFileError(Problem(self.name, node.start_mark.line + 1, "", message))

    def convert(self, node: yaml.Node, depth: int) -> Any:
        """Turn one node into a plain value, enforcing the size, depth and tag limits."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self._problem(
                node, f"aliases expand to more than {MAX_NODES:,} values; write the values out"
            )
        if depth > MAX_DEPTH:
            raise self._problem(node, f"blocks are nested too deeply (the limit is {MAX_DEPTH})")
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
            raise self._problem(node, f"the tag {node.tag} is not allowed here")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            result_list = YamlList(self.convert(item, depth + 1) for item in node.value)
            result_list.line = node.start_mark.line + 1
            result_list.item_lines = [item.start_mark.line + 1 for item in node.value]
            return result_list
        # A scalar: the safe constructor refuses tags such as !!python/object.
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as error:
            # 2025-02-30, or an integer of thousands of digits.
            raise self._problem(
                node, f"'{_shorten(node.value)}' is not a valid value ({_reason(error)})"
            ) from None

    def _mapping(self, node: yaml.MappingNode, depth: int) -> YamlMap:
        self.loader.flatten_mapping(node)  # resolves YAML merge keys (<<) safely
        result = YamlMap()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.convert(key_node, depth + 1)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise self._problem(key_node, "a key must be plain text")
            key = str(key)
            if key in result:
                raise self._problem(key_node, f"the key '{key}' appears twice in the same block")
            result[key] = self.convert(value_node, depth + 1)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result


def _shorten(value: object, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _reason(error: Exception) -> str:
    message = str(error).split("\n")[0]
    return _shorten(message, 80)
