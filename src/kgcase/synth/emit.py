"""A small deterministic YAML emitter for case dicts (several times faster than ``yaml.dump``).

It writes the layout of the curated seed: block mappings, short mappings and lists of
scalars in flow style (``{table: table1, row: CRP}``, ``[tcz, hcq]``), strings plain when
that is unambiguous and JSON-quoted otherwise (a JSON string is a valid YAML double-quoted
scalar). ``yaml.safe_load(dump(d)) == d`` for the str/int/bool/None/list/dict data of a case.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

WIDTH = 120
_PLAIN = re.compile(r"[A-Za-z][\w .,;()'/%+=<>^*&|-]*[\w.)'%*]|[A-Za-z]")
_CURIE = re.compile(r"[A-Za-z][A-Za-z0-9]*:[A-Za-z0-9_.]+")
_RESERVED = frozenset(("yes", "no", "true", "false", "on", "off", "null", "y", "n"))
_BREAK_BEFORE = frozenset(("tables", "patients", "claims", "hypotheses", "ambiguities"))
#: Keys whose mapping or list of scalars is written in flow style when it fits on a line.
_FLOW = frozenset((
    "values", "source", "indication", "concomitant", "components", "authors", "references",
    "concerns", "columns",
))
#: Keys whose list items (mappings of scalars) are each written on one line when they fit.
_FLOW_ITEMS = frozenset(("time_points",))


@lru_cache(maxsize=8192)
def _string(v: str, flow: bool) -> str:
    if (_PLAIN.fullmatch(v) or _CURIE.fullmatch(v)) and v.lower() not in _RESERVED and not (
        flow and "," in v
    ):
        return v
    return json.dumps(v, ensure_ascii=False)


def scalar(v: Any, flow: bool = False) -> str:
    """One scalar as YAML text; strings plain where safe, else double-quoted."""
    if type(v) is str:
        return _string(v, flow)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        text = repr(v)
        return text if "e" not in text and "n" not in text else json.dumps(str(v))
    raise TypeError(f"cannot emit {type(v).__name__}")


def inline(v: Any) -> str:
    """Flow-style text of a scalar, a list or a mapping."""
    t = type(v)
    if t is str:
        return _string(v, True)
    if t is dict:
        return "{" + ", ".join([f"{k}: {inline(x)}" for k, x in v.items()]) + "}"
    if t is list:
        return "[" + ", ".join([inline(x) for x in v]) + "]"
    return scalar(v, flow=True)


def _mapping(d: dict[str, Any], indent: int, out: list[str], top: bool = False,
             lead: str | None = None) -> None:
    pad = " " * indent
    for k, v in d.items():
        head = f"{lead or pad}{k}:"
        lead = None
        t = type(v)
        if top and k in _BREAK_BEFORE:
            out.append("")
        if t is str:
            out.append(f"{head} {_string(v, False)}")
        elif t is not dict and t is not list:
            out.append(f"{head} {scalar(v)}")
        elif not v:
            out.append(f"{head} {'{}' if t is dict else '[]'}")
        elif k in _FLOW and len(text := f"{head} {inline(v)}") <= WIDTH:
            out.append(text)
        else:
            out.append(head)
            if t is dict:
                _mapping(v, indent + 2, out)
            else:
                _sequence(v, indent + 2, out, flow_items=k in _FLOW_ITEMS)


def _sequence(items: list[Any], indent: int, out: list[str], flow_items: bool) -> None:
    pad = " " * indent
    for x in items:
        if type(x) is not dict or not x:
            out.append(f"{pad}- {inline(x)}")
        elif flow_items and len(text := f"{pad}- {inline(x)}") <= WIDTH:
            out.append(text)
        else:
            _mapping(x, indent + 2, out, lead=f"{pad}- ")


def dump(data: dict[str, Any], header: str = "") -> str:
    """The YAML text of ``data`` (a mapping), after ``header`` (comment lines)."""
    out: list[str] = [header.rstrip("\n")] if header else []
    _mapping(data, 0, out, top=True)
    return "\n".join(out) + "\n"
