"""Blueprint: the SPARQL 1.1 Protocol query endpoint ``/sparql`` and its service description.

* ``GET /sparql?query=…``, ``POST`` form-encoded (``query=…``) or ``POST`` with a body of type
  ``application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri`` set the dataset.
* Without a protocol dataset and without ``FROM`` in the query, the default graph is the union of
  all named graphs.
* ``Accept`` (or ``format=``) picks the serialisation; 406 when nothing fits.
* 400 (``text/plain``, with the parser's message) for a missing, repeated or malformed query,
  403 for an update or a SERVICE call, 415 for another body type, 414 / 413 for oversized requests.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, request
from werkzeug.datastructures import MultiDict

from kgcase.errors import quoted
from kgcase.web.description import describe_service
from kgcase.web.errors import (
    NotAcceptableError,
    QueryRefusedError,
    QuerySyntaxError,
    UnsupportedMediaTypeError,
    UriTooLongError,
)
from kgcase.web.gate import prepare_query
from kgcase.web.lexer import locate
from kgcase.web.negotiate import (
    GRAPH_OFFERS,
    SELECT_OFFERS,
    Offers,
    ResultFormat,
    choose_format,
    format_by_key,
    media_types,
)
from kgcase.web.service import Plan, get_service, to_response
from kgcase.web.urls import public_base

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"


def acceptable(offers: Offers, params: MultiDict[str, str]) -> ResultFormat | None:
    """The format asked for by ``format=`` if given, else by the Accept header (or None)."""
    key = params.get("format")
    return format_by_key(key, offers) if key else choose_format(request.headers.get("Accept"),
                                                                 offers)


def not_acceptable(params: MultiDict[str, str], *offers: Offers) -> NotAcceptableError:
    """The 406 error, listing what could be served (quoting at most 100 characters asked)."""

    asked = params.get("format") or request.headers.get("Accept")
    available = ", ".join(t for o in offers for t in media_types(o))
    return NotAcceptableError(f"cannot answer this query as {quoted(asked)}; "
                              f"available: {available}")


def choose_formats(form: str | None, params: MultiDict[str, str]) -> dict[str, ResultFormat | None]:
    """The format for each kind of answer (``select``, ``ask``, ``graph``) the client accepts.

    :raises NotAcceptableError: the query's kind (or, unparsed, every kind) has none (406).
    """
    select, graph = acceptable(SELECT_OFFERS, params), acceptable(GRAPH_OFFERS, params)
    if form in ("construct", "describe") and graph is None:
        raise not_acceptable(params, GRAPH_OFFERS)
    if form in ("select", "ask") and select is None:
        raise not_acceptable(params, SELECT_OFFERS)
    if select is None and graph is None:
        raise not_acceptable(params, SELECT_OFFERS, GRAPH_OFFERS)
    return {"select": select, "ask": select, "graph": graph}


def _graph_iris(params: MultiDict[str, str], name: str) -> tuple[str, ...]:
    values = params.getlist(name)
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise QuerySyntaxError(f"{name} {quoted(value)} is not an absolute IRI") from None
    return tuple(values)


def _refuse_update_field(*sources: MultiDict[str, str]) -> None:
    if any("update" in source for source in sources):
        raise QueryRefusedError(
            "SPARQL Update is not accepted at /sparql: the endpoint is read-only "
            "(see /sparql/update, enabled only with an admin token)"
        )


def _utf8_body() -> str:
    """The body of an ``application/sparql-query`` request, which the protocol says is UTF-8.

    :raises UnsupportedMediaTypeError: another charset is declared (415).
    :raises QuerySyntaxError: the bytes are not UTF-8, or look like UTF-16 (400).
    """
    charset = request.mimetype_params.get("charset", "utf-8")
    if charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise UnsupportedMediaTypeError(
            f"the query body is declared as {quoted(charset)}; the SPARQL protocol takes "
            "application/sparql-query in UTF-8 only"
        )
    data = request.get_data()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise QuerySyntaxError("the query body is not UTF-8 (it looks like UTF-16): send UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QuerySyntaxError(f"the query body is not valid UTF-8 (byte {exc.start})") from None


def read_protocol_request() -> tuple[str | None, MultiDict[str, str]]:
    """Return the query text (``None``: GET without a query) and the protocol parameters.

    :raises QuerySyntaxError: missing or repeated ``query`` (400).
    :raises UnsupportedMediaTypeError: a POST body the endpoint does not read (415).
    """
    settings = get_service().settings
    args = request.args
    if request.method in ("GET", "HEAD"):
        if len(request.query_string) > settings.max_url_bytes:
            raise UriTooLongError(
                f"the query string is longer than {settings.max_url_bytes} bytes "
                "(setting max_url_bytes): send the query by POST"
            )
        _refuse_update_field(args)
        queries, params = args.getlist("query"), args
        if not queries:
            if "default-graph-uri" in args or "named-graph-uri" in args:
                raise QuerySyntaxError(
                    "the request names a dataset (default-graph-uri, named-graph-uri) but holds "
                    "no 'query'; a GET without parameters describes the service"
                )
            return None, params
    elif request.mimetype == FORM:
        _refuse_update_field(args, request.form)
        params = MultiDict([*args.items(multi=True), *request.form.items(multi=True)])
        queries = params.getlist("query")
    elif request.mimetype == QUERY_BODY:
        queries, params = [_utf8_body(), *args.getlist("query")], args
    elif request.mimetype == UPDATE_BODY:
        raise QueryRefusedError(
            "SPARQL Update is not accepted at /sparql: the endpoint is read-only"
        )
    else:
        raise UnsupportedMediaTypeError(
            f"POST body of type {quoted(request.mimetype or 'none')} is not read here; "
            f"send {FORM} (query=…) or {QUERY_BODY}"
        )
    if len(queries) != 1:
        problem = "no 'query' parameter" if not queries else "more than one 'query'"
        raise QuerySyntaxError(f"the request has {problem}; send exactly one SPARQL query")
    return queries[0], params


@bp.route("/sparql", methods=["GET", "POST"], strict_slashes=False)
def query_endpoint() -> Response:
    """Answer a SPARQL query, or describe the service on a GET without one."""
    service = get_service()
    sparql, params = read_protocol_request()
    if sparql is None:
        fmt = acceptable(GRAPH_OFFERS, params)
        if fmt is None:
            raise not_acceptable(params, GRAPH_OFFERS)
        release, graphs = service.graphs()
        body = describe_service(request.path, graphs, release, service.settings, fmt.key)
        return Response(body, content_type=fmt.content_type, headers={"Vary": "Accept"})
    checked = prepare_query(sparql, max_depth=service.settings.max_query_depth)
    formats = choose_formats(checked.form, params)
    dataset = "default-graph-uri" in params or "named-graph-uri" in params
    plan = Plan(
        sparql=checked.text,
        checked=checked,
        select_fmt=formats["select"].key if formats["select"] else None,
        graph_fmt=formats["graph"].key if formats["graph"] else None,
        default_graphs=_graph_iris(params, "default-graph-uri") if dataset else None,
        named_graphs=_graph_iris(params, "named-graph-uri") if dataset else None,
        client=request.remote_addr or "",
        base_iri=public_base(service.settings) + request.path,
    )
    conditional = request.headers.get("If-None-Match") if request.method != "POST" else None
    try:
        answer = service.answer(plan, if_none_match=conditional)
    except QuerySyntaxError as exc:  # the engine read the normalised text: say where in theirs
        raise QuerySyntaxError(locate(str(exc), sparql, service.settings.max_query_depth)
                               ) from None
    fmt = formats[answer.outcome.form] if answer.outcome else None  # the worker checked it
    return to_response(answer, fmt.content_type if fmt else "")
