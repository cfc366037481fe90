"""Click commands ``serve`` and ``query`` (registered by ``kgcase.cli`` as ``kgcase serve|query``).

``serve`` takes one flag per setting (the table in ``kgcase.config``) and runs the app under
granian. ``query`` runs SPARQL text, a file or a named query against the local data directory
(through one worker process, so the time limit holds) or any SPARQL endpoint (SPARQLWrapper).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from kgcase.answers.plan import answer_request
from kgcase.config import Settings, env_name, load_settings, settings_fields
from kgcase.errors import KgcaseError
from kgcase.queries import load_catalogue
from kgcase.store.sparql_json import plain_value
from kgcase.web import create_app, serve
from kgcase.web.api import table
from kgcase.web.binding import bind_with_values
from kgcase.web.gate import check_query, prepare_query
from kgcase.web.service import Plan, QueryService

F = Callable[..., Any]
CONFIG_HELP = "TOML file of settings (also KGCASE_CONFIG); flags and KGCASE_* variables win."


def setting_options(func: F) -> F:
    """Add one ``--kebab-name`` option per setting, plus ``--config``."""
    for f in reversed(settings_fields()):
        func = click.option(
            "--" + f.name.replace("_", "-"), f.name, type=type(f.default), default=None,
            help=f"{f.metadata['help']} [{env_name(f.name)}; default: {f.default!r}]",
        )(func)
    return click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True),
                        help=CONFIG_HELP)(func)


def _settings(config_file: str | None, flags: Mapping[str, Any]) -> Settings:
    try:
        return load_settings(flags, config_file=config_file)
    except KgcaseError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("serve")
@setting_options
def serve_command(config_file: str | None, **flags: Any) -> None:
    """Serve /sparql and /api over HTTP (granian) from the built data directory."""
    settings = _settings(config_file, flags)
    try:
        app = create_app(settings)  # checks the settings and query files before listening
    except KgcaseError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        port = serve.free_port(settings)
    except OSError as exc:
        where = f"{settings.host}:{settings.port}"
        raise click.ClickException(f"cannot listen on {where}: {exc}") from None
    url = serve.url_of(settings.host, port)
    try:
        release = app.extensions["kgcase"].watcher.current().id
    except KgcaseError as exc:
        release = f"none yet — /sparql answers 503 until a build ({exc})"
    del app  # each HTTP process makes its own
    shape = (f"{settings.workers} workers" if settings.processes == 1 else
             f"{settings.processes} processes of {settings.workers} workers")
    click.echo(f"kgcase: serving {url}/sparql and {url}/api/queries (release {release}; "
               f"{shape}, {settings.timeout_s:g} s limit)")
    sys.stdout.flush()
    serve.run(settings, port)


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not name=value", param_hint="--param")
        out[name.strip()] = value
    return out


def _print_table(columns: list[str], rows: list[dict[str, Any]], truncated: bool, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps({"columns": columns, "rows": rows, "truncated": truncated},
                              ensure_ascii=False, indent=2))
        return
    cells = [[("" if r.get(c) is None else str(r[c])) for c in columns] for r in rows]
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerows([columns, *cells])
        return
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    for line in [columns, ["-" * w for w in widths], *cells]:
        click.echo("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
    if truncated:
        click.echo("(truncated: more rows exist; raise --max-rows)", err=True)


def _run_remote(endpoint: str, sparql: str, form: str, fmt: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setQuery(sparql)
    client.setReturnFormat(TURTLE if form in ("construct", "describe") else JSON)
    result = client.query().convert()
    if isinstance(result, bytes):
        click.echo(result.decode())
        return
    if "boolean" in result:
        _print_table(["boolean"], [{"boolean": result["boolean"]}], False, fmt)
        return
    rows = [{k: plain_value(v) for k, v in b.items()} for b in result["results"]["bindings"]]
    _print_table(result["head"]["vars"], rows, False, fmt)


@click.command("query")
@click.argument("sparql", required=False)
@click.option("--file", "-f", "file", type=click.File(encoding="utf-8"), help="Read SPARQL here.")
@click.option("--name", "-n", help="Run the named query queries/<NAME>.rq.")
@click.option("--param", "-p", "params", multiple=True, help="name=value for a named query.")
@click.option("--endpoint", "-e", help="A SPARQL endpoint URL instead of the local data dir.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output of SELECT/ASK (CONSTRUCT prints Turtle).")
@setting_options
def query_command(sparql: str | None, file: Any, name: str | None, params: tuple[str, ...],
                  endpoint: str | None, fmt: str, config_file: str | None, **flags: Any) -> None:
    """Run SPARQL (argument, --file) or a named query (--name, --param) and print the answer."""
    settings = _settings(config_file, flags)
    if sum(x is not None for x in (sparql, file, name)) != 1:
        raise click.UsageError("give exactly one of: SPARQL text, --file, --name")
    try:
        bindings: dict[str, ox.NamedNode | ox.Literal] = {}
        answer = None
        if name is not None:
            catalogue = load_catalogue(Path(settings.queries_dir))
            if name not in catalogue:
                raise click.UsageError(f"no named query {name!r}; have: {', '.join(catalogue)}")
            sparql = catalogue[name].sparql
            bindings = catalogue[name].bind(_params(params))
            answer = answer_request(catalogue[name], bindings)
        elif params:
            raise click.UsageError("--param is only for a named query (--name)")
        text = prepare_query(sparql if sparql is not None else file.read()).text
        checked = check_query(text, settings.allowed_services)
        if endpoint:
            _run_remote(endpoint, bind_with_values(text, bindings), checked.form, fmt)
            return
        plan = Plan(text, checked, "json", "turtle", bindings=tuple(sorted(bindings.items())),
                    values_binding=True, answer=answer)
        service = QueryService(replace(settings, workers=1, page_workers=1))  # one query
        try:
            outcome = service.answer(plan).outcome
        finally:
            service.close()
    except KgcaseError as exc:
        raise click.ClickException(str(exc)) from None
    assert outcome is not None  # no If-None-Match was given
    if outcome.form == "graph":
        click.echo(outcome.body.decode())
        return
    columns, rows = table(outcome)
    _print_table(columns, rows, outcome.truncated, fmt)
