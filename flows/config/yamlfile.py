"""The one YAML loader of config/: dates stay text, and a key written twice in a mapping is a problem.

PyYAML keeps the last of two equal keys without a word, so a recipient with `email:` twice would
silently lose the first address. Here every duplicate is reported with its file and line, and the
file still loads (the last value, as before) so the other problems of the same run are found too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present


class _ConfigLoader(_Base):
    """Leaves dates as text, so pydantic parses them and a bad one (2024-13-01) is reported with its key;
    notes keys that appear twice in one mapping."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[str] = []

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            # keys a `<<: *anchor` merge brings in may be overridden on purpose: only written keys count
            for key_node, _ in [(k, v) for k, v in node.value if k.tag != "tag:yaml.org,2002:merge"]:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: the base constructor reports it
                    continue
                line = key_node.start_mark.line + 1
                if first is not None:
                    self.duplicates.append(f"line {line}: key {key!r} appears twice in one mapping "
                                           f"(first on line {first}); keep one")
                else:
                    seen[key] = line
        return super().construct_mapping(node, deep=deep)


_ConfigLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


UNREADABLE = type("Unreadable", (), {"__repr__": lambda self: "UNREADABLE"})()  # a file that did not parse


def read_yaml(path: Path) -> tuple[Any, list[str]]:
    """(content, problems) of one config file: UNREADABLE when it does not parse; each problem names the file."""
    loader = _ConfigLoader(Path(path).read_text(encoding="utf-8"))
    try:
        content = loader.get_single_data()
    except yaml.YAMLError as exc:
        return UNREADABLE, [f"{path}: not valid YAML: {' '.join(str(exc).split())}"]
    finally:
        loader.dispose()
    return content, [f"{path}: {problem}" for problem in loader.duplicates]


def read_yaml_text(text: str) -> Any:
    """A YAML document that is not a config file (prefect.yaml), read the same way; raises yaml.YAMLError."""
    loader = _ConfigLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
