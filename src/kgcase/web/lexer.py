"""Normalise a request's SPARQL text into the one text that is both checked and run.

The safety gate parses with rdflib and the engine is Oxigraph. Their lexers differ where it
matters: rdflib ends a ``#`` comment only at LF, Oxigraph also at CR; rdflib decodes ``\\u``
escapes anywhere before it parses (as the SPARQL spec says), Oxigraph only inside strings and
IRIs. A text written to fall between the two reads as a comment to one and as a ``SERVICE`` call
to the other. So neither sees the request's own text: :func:`normalise` lexes it once and returns

* the text with every comment removed (from ``#`` to the first CR or LF, or the end);
* every ``\\u``/``\\U`` escape inside a string or an IRI decoded (re-escaped as ``\\"``, ``\\'``,
  ``\\\\``, ``\\n`` or ``\\r`` where the raw character would end the token), so that no escape is
  left for either parser to read its own way; an escape elsewhere is an error, as it is to
  Oxigraph;

and refuses (400) an escape that is not a character, a text that would still hold an escape
sequence (``"\\\\u0041"``), and nesting deeper than the limit (deep nesting overflows a parser's
stack). It also counts the bare ``SERVICE`` and ``LOAD`` keywords it saw, which the gate holds
against what rdflib's parse found (:mod:`kgcase.web.gate`).

The gate decides on this text and the engine runs this text, and nothing else.

>>> checked = normalise("SELECT * WHERE { # x\\rSERVICE <urn:s> { ?a ?b ?c }\\n}")
>>> checked.text, checked.service_words
('SELECT * WHERE {  \\rSERVICE <urn:s> { ?a ?b ?c }\\n}', 1)
>>> normalise('ASK { ?s ?p "caf\\\\u00e9" }').text
'ASK { ?s ?p "café" }'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kgcase.web.errors import QuerySyntaxError

#: rdflib's own pre-pass pattern: the normalised text must give it nothing to decode.
ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_HEX_ESCAPE = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_TOKENS = re.compile(
    rf"""(?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*+\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*+''')
      |(?P<short>"(?:[^"\\\n\r]|\\.)*+"|'(?:[^'\\\n\r]|\\.)*+')
      |(?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_HEX_ESCAPE})*+>)
      |(?P<comment>\#[^\r\n]*+)
      |(?P<open>[{{(\[])|(?P<close>[}})\]])
      |(?P<local>\\[_~.\-!$&'()*+,;=/?\#@%])
      |(?P<backslash>\\)
      |(?P<name>[?$]?[^\W\d][\w\-.:%]*+)
      |(?P<other>[^"'<\#{{}}()\[\]\\\w?$]++|\d++|.)""",
    re.VERBOSE | re.DOTALL | re.IGNORECASE,
)
#: A raw character that would end the token it is decoded into: written as an ECHAR instead.
_STRING_ECHAR = {'"': '\\"', "'": "\\'", "\\": "\\\\", "\n": "\\n", "\r": "\\r"}
_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')


@dataclass(frozen=True)
class Normalised:
    """The text to check and run, and what the lexer saw in it."""

    text: str
    depth: int  # deepest nesting of { ( [
    service_words: int  # bare SERVICE keywords (not inside strings, IRIs or names)
    load_words: int  # bare LOAD keywords


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _decode(escape: str, text: str, offset: int) -> str:
    code = int(escape[2:], 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise QuerySyntaxError(
            f"{escape} at {_position(text, offset)} is not a Unicode character: write a code "
            "point up to \\U0010FFFF, outside the surrogates D800-DFFF"
        )
    return chr(code)


def _decode_string(token: str, text: str, offset: int) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(0).startswith("\\\\") or not ESCAPE.fullmatch(match.group(0)):
            return match.group(0)  # an ECHAR (or \\ followed by u…): kept as written
        char = _decode(match.group(0), text, offset + match.start())
        return _STRING_ECHAR.get(char, char)

    return re.sub(rf"\\\\|{_HEX_ESCAPE}|\\.", one, token, flags=re.DOTALL)


def _decode_iri(token: str, text: str, offset: int) -> str:
    def one(match: re.Match[str]) -> str:
        char = _decode(match.group(0), text, offset + match.start())
        if _IRI_FORBIDDEN.match(char):
            raise QuerySyntaxError(
                f"{match.group(0)} at {_position(text, offset + match.start())} stands for a "
                "character an IRI may not hold"
            )
        return char

    return re.sub(_HEX_ESCAPE, one, token)


def normalise(text: str, *, max_depth: int = 100,
              anchors: list[tuple[int, int]] | None = None) -> Normalised:
    """The text the gate checks and the engine runs (see the module docstring).

    :raises QuerySyntaxError: an escape that is not a character, or is outside a string or an
        IRI; a text still holding an escape sequence; nesting deeper than ``max_depth`` (400).
    """
    parts: list[str] = []
    depth = deepest = services = loads = written = 0
    for match in _TOKENS.finditer(text):
        kind, token = match.lastgroup, match.group(0)
        if anchors is not None:  # where each token starts in the output and in the input
            anchors.append((written, match.start()))
        if kind in ("long", "short"):
            token = _decode_string(token, text, match.start())
        elif kind == "iri":
            token = _decode_iri(token, text, match.start())
        elif kind == "comment":
            token = " "  # noqa: S105 (a comment becomes white space)
        elif kind == "open":
            depth += 1
            if depth > max_depth:
                raise QuerySyntaxError(
                    f"the query nests groups, brackets or parentheses more than {max_depth} "
                    f"deep (at {_position(text, match.start())}); the limit is {max_depth} "
                    "(setting max_query_depth): flatten the query"
                )
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "backslash":
            raise QuerySyntaxError(
                f"a backslash at {_position(text, match.start())} outside a string, an IRI or "
                "a prefixed name's escape (\\- \\. …): \\u escapes are read only inside strings "
                "and IRIs; write the character itself"
            )
        elif kind == "name":
            word = token.upper()
            services += word == "SERVICE"
            loads += word == "LOAD"
        parts.append(token)
        written += len(token)
    normalised = "".join(parts)
    left = ESCAPE.search(normalised)
    if left is not None:
        raise QuerySyntaxError(
            f"the query holds {left.group(0)!r} after its escapes are read (a string with a "
            "backslash before 'u' and hex digits), which parsers read in different ways: "
            "write the text without it"
        )
    return Normalised(normalised, deepest, services, loads)


_ENGINE_POSITION = re.compile(r"^error at (\d+):(\d+): ")
_DELIMITERS = set("{}()[],;.")
#: Characters of the offending line shown on either side of the caret.
_CONTEXT = 60


def _token_before(text: str, offset: int) -> int:
    """The start of the last token that ends before ``offset``."""
    end = offset
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if end == 0:
        return 0
    start = end - 1
    if text[start] in _DELIMITERS:
        return start
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in _DELIMITERS:
        start -= 1
    return start


def locate(message: str, raw: str, max_depth: int = 100) -> str:
    """The engine's syntax error ``error at L:C: …`` about the normalised text, restated at the
    place in the request's own text ``raw``, with the line and a caret under it.

    Oxigraph reports the furthest position its parser reached, which is past the offending
    token when white space or the end of the text follows it; the caret goes to that token.

    >>> print(locate("error at 1:25: expected one of LATERAL, SERVICE", "SELECT * WHERE { ?s ?p }"))
    SPARQL syntax error at line 1, column 24: expected one of LATERAL, SERVICE
      SELECT * WHERE { ?s ?p }
                             ^
    """
    found = _ENGINE_POSITION.match(message)
    if found is None:
        return message
    anchors: list[tuple[int, int]] = []
    text = normalise(raw, max_depth=max_depth, anchors=anchors).text
    line, column = int(found.group(1)), int(found.group(2))
    starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
    offset = min(starts[min(line, len(starts)) - 1] + column - 1, len(text))
    if offset >= len(text) or offset == 0 or text[offset - 1].isspace():
        offset = _token_before(text, offset)
    at = max(i for i, (written, _) in enumerate(anchors) if written <= offset) if anchors else 0
    written, start = anchors[at] if anchors else (0, 0)
    place = min(start + offset - written, len(raw))
    row = raw.count("\n", 0, place) + 1
    line_start = raw.rfind("\n", 0, place) + 1
    line_end = raw.find("\n", place)
    shown = raw[line_start:len(raw) if line_end < 0 else line_end]
    col = place - line_start
    left = max(col - _CONTEXT, 0)
    excerpt = "".join(" " if c.isspace() else c for c in shown[left:col + _CONTEXT])
    return (f"SPARQL syntax error at line {row}, column {col + 1}: "
            f"{message[found.end():]}\n  {excerpt}\n  {' ' * (col - left)}^")
