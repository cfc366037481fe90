"""Gate and engine agree: a text the gate lets through never makes the engine call out.

Each generated query mixes a ``SERVICE`` call to a local listener with the tricks that make
parsers disagree: comments ended by every line terminator (CR, LF, CRLF, U+0085, U+2028, U+2029),
``\\u`` escapes inside and outside strings and IRIs, strings and IRIs holding ``#``, and PREFIX
declarations named like keywords. The gate (normalise, then rdflib's parse, as a worker does it)
judges the text; whatever it accepts, the engine runs here *unconfined* on the normalised text,
and the listener must see no request. A control shows that the engine does call the listener when
it is handed the raw text the gate would have refused.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgcase.web.errors import QueryRefusedError, QuerySyntaxError
from kgcase.web.gate import check_query, prepare_query
from listener import Listener, listening

TERMINATORS = ["\r", "\n", "\r\n", "\u0085", "\u2028", "\u2029"]


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    body = b'{"head": {"vars": []}, "results": {"bindings": [{}]}}'
    with listening(body=body, content_type="application/sparql-results+json") as server:
        yield server


def gate(text: str) -> str | None:
    """The text a worker would run, or None if the gate refuses it (as /sparql does)."""
    try:
        checked = prepare_query(text)
        if checked.parse:
            check_query(checked.text, frozenset(), checked.service_words)
    except (QuerySyntaxError, QueryRefusedError):
        return None
    return checked.text


def run(text: str) -> None:
    """Run ``text`` on an empty store, to the last row; the engine's own errors are fine."""
    try:
        result = ox.Store().query(text)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (SyntaxError, OSError, ValueError):
        pass


def _services(endpoint: str) -> list[str]:
    service = f"SERVICE <{endpoint}> {{ ?a ?b ?c }}"
    return [service, service.replace("SERVICE", "SERVI\\u0043E"), service.lower(),
            f"SERVICE SILENT <{endpoint}> {{ ?a ?b ?c }}",
            service.replace(f"<{endpoint}>", "<" + endpoint.replace("/", "\\u002F") + ">")]


NOISE = st.sampled_from([
    "# x", "#", "\\u0023", "\\u000A", "\\u000D", '"', "'", '"""', "'''", '\\"', "\\",
    "<urn:a#b>", "<urn:\\u0023>", "<", ">", "{", "}", "?s ?p ?o .", "BIND(1 AS ?z)",
    'BIND("#" AS ?q)', "FILTER(?s < ?o)", "service:x", ":SERVICE", "?service",
    "PREFIX service: <urn:p#>", " ", "\t", *TERMINATORS,
])
#: What may open a span that one parser reads as inert: a comment, a string, an IRI, an escape.
HIDERS = st.sampled_from(["# x", "#", '"', "'", '"""', "'''", "<urn:a#", "\\u0023", "\\",
                          "FILTER(?s <", ""])
ENDERS = st.sampled_from([*TERMINATORS, "\\u000A", "\\u000D", '"', "'", '"""', ">", ""])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_what_the_gate_lets_through_never_calls_out(listener: Listener,
                                                    data: st.DataObject) -> None:
    draw = data.draw
    head = draw(st.sampled_from(["", "PREFIX service: <urn:p#>\n", "# c\r"]))
    body = [*draw(st.lists(NOISE, max_size=3)), draw(HIDERS), *draw(st.lists(NOISE, max_size=2)),
            draw(ENDERS), draw(st.sampled_from(_services(listener.url))),
            *draw(st.lists(NOISE, max_size=3))]
    text = f"{head}SELECT * WHERE {{ {''.join(body)} \n}}"
    before = listener.hits
    allowed = gate(text)
    if allowed is not None:
        run(allowed)
    assert listener.hits == before, f"the gate let through a SERVICE call: {text!r}"


@pytest.mark.parametrize("terminator", TERMINATORS)
def test_a_comment_hides_nothing_whatever_ends_it(listener: Listener, terminator: str) -> None:
    text = f"SELECT * WHERE {{ # x{terminator}SERVICE <{listener.url}> {{ ?a ?b ?c }}\n}}"
    before = listener.hits
    allowed = gate(text)
    if allowed is not None:
        run(allowed)
    assert listener.hits == before


def test_the_engine_calls_out_when_handed_the_raw_text(listener: Listener) -> None:
    """The control: the CR-comment text, unnormalised, reaches the listener through the engine,
    so the tests above would see a call that got through."""
    before = listener.hits
    run(f"SELECT * WHERE {{ # x\rSERVICE <{listener.url}> {{ ?a ?b ?c }}\n}}")
    assert listener.hits == before + 1


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "?s ?p ?o .", "# note", "\n", "\r", "\r\n", 'BIND("a#b\\u00e9" AS ?x)', "<urn:a#b> ?p ?o .",
    "OPTIONAL { ?s <urn:p> ?v }", "FILTER(?o != 'x')", "BIND(<urn:\\u0061> AS ?i)",
    'BIND("""x\ny""" AS ?l)', " ", "\t",
]), min_size=1, max_size=6))
def test_normalising_keeps_what_a_valid_query_means(pieces: list[str]) -> None:
    """A query the engine accepts as written answers the same once normalised."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a#b"), ox.NamedNode("urn:p"), ox.Literal("v")))
    text = f"SELECT * WHERE {{ {' '.join(pieces)} \n}}"
    try:
        raw = _answer(store, text)
    except SyntaxError:
        return
    assert _answer(store, prepare_query(text).text) == raw


def _answer(store: ox.Store, text: str) -> list[str]:
    result = store.query(text)
    names = [v.value for v in result.variables]
    return sorted(str(sorted(zip(names, map(str, row), strict=True))) for row in result)
