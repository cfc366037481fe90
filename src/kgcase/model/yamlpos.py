"""Read YAML keeping the line of every value, and refusing duplicate keys.

PyYAML's composer gives a node tree with marks; we build plain Python data from it and a
map from each path (a tuple of keys and list indexes, as pydantic reports ``loc``) to a line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kgcase.errors import CaseFileError, Problem

Loc = tuple[str | int, ...]
#: libyaml's parser when PyYAML was built with it (about 15x faster), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_with_lines(path: Path) -> tuple[Any, dict[Loc, int]]:
    """Parse ``path``; return the data and ``{loc: line}``. Raise :class:`CaseFileError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CaseFileError(
            [Problem(path, None, "", f"not UTF-8 text ({exc.reason})", "save the file as UTF-8")]
        ) from None
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise CaseFileError(
            [
                Problem(
                    path,
                    line,
                    "",
                    f"not valid YAML: {getattr(exc, 'problem', exc)}",
                    "check indentation and quoting around this line",
                )
            ]
        ) from None
    if node is None:
        raise CaseFileError(
            [Problem(path, 1, "", "the file is empty", "start from cases/cabrera-2016.yaml")]
        )
    lines: dict[Loc, int] = {}
    problems: list[Problem] = []
    data = _build(node, (), lines, problems, path, yaml.SafeLoader(""))
    if problems:
        raise CaseFileError(problems)
    return data, lines


def line_for(lines: dict[Loc, int], loc: Loc) -> int | None:
    """The line of ``loc`` or of its nearest ancestor present in the file."""
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def _build(
    node: yaml.Node,
    loc: Loc,
    lines: dict[Loc, int],
    problems: list[Problem],
    path: Path,
    loader: yaml.SafeLoader,
) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in out:
                problems.append(
                    Problem(
                        path,
                        key_node.start_mark.line + 1,
                        _dotted((*loc, key)),
                        f"duplicate key {key!r}",
                        "keep one entry; YAML would silently drop the first",
                    )
                )
                continue
            out[key] = _build(value_node, (*loc, key), lines, problems, path, loader)
            lines[(*loc, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(v, (*loc, i), lines, problems, path, loader) for i, v in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


dotted = _dotted
