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


class YamlMap(dict):
    """A mapping that knows the line of itself and of each key."""

    line: int
    key_lines: dict[str, int]


class YamlList(list):
    """A sequence that knows the line of itself and of each item."""

    line: int
    item_lines: list[int]


def line_of(value: Any, default: int | None = None) -> int | None:
    return getattr(value, "line", default)


class YamlFileError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_yaml_text(text: str, name: str) -> Any:
    """Parse YAML text into plain values with line numbers, refusing unsafe tags."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _convert(node, loader, name)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        detail = error.problem or "could not be read"
        if error.context:
            detail = f"{error.context}, {detail}"
        raise YamlFileError(Problem(name, line, "", f"this is not valid YAML: {detail}")) from None
    except yaml.YAMLError as error:
        raise YamlFileError(Problem(name, None, "", f"this is not valid YAML: {error}")) from None
    finally:
        loader.dispose()


def read_yaml_file(path: Path, display_name: str | None = None) -> Any:
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


def _convert(node: yaml.Node, loader: yaml.SafeLoader, name: str) -> Any:
    if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
        raise YamlFileError(
            Problem(name, node.start_mark.line + 1, "", f"the tag {node.tag} is not allowed here")
        )
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves YAML merge keys (<<) safely
        result = YamlMap()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, name)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise YamlFileError(
                    Problem(name, key_node.start_mark.line + 1, "", "a key must be plain text")
                )
            key = str(key)
            if key in result:
                raise YamlFileError(
                    Problem(
                        name,
                        key_node.start_mark.line + 1,
                        "",
                        f"the key '{key}' appears twice in the same block",
                    )
                )
            result[key] = _convert(value_node, loader, name)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        result_list = YamlList(_convert(item, loader, name) for item in node.value)
        result_list.line = node.start_mark.line + 1
        result_list.item_lines = [item.start_mark.line + 1 for item in node.value]
        return result_list
    # A scalar: the safe constructor refuses tags such as !!python/object.
    return loader.construct_object(node, deep=True)
