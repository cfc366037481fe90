"""The ``kgcase`` command: build, check, export, serve, query."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from kgcase import __version__
from kgcase.draft.cli import draft_command, terms_command
from kgcase.errors import KgcaseError
from kgcase.synth import synth_command
from kgcase.web.cli import query_command, serve_command

T = TypeVar("T")

_DATA = click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default="data",
    envvar="KGCASE_DATA_DIR",
    show_default=True,
    show_envvar=True,
    help="Directory holding the built stores; `current` is the one served.",
)
_CASES = click.option(
    "--cases",
    "cases_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default="cases",
    envvar="KGCASE_CASES_DIR",
    show_default=True,
    show_envvar=True,
    help="Directory of curated case files (*.yaml).",
)
_ONTOLOGY = click.option(
    "--ontology",
    "ontology_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default="ontology",
    envvar="KGCASE_ONTOLOGY_DIR",
    show_default=True,
    show_envvar=True,
    help="Ontology directory (kgcase-edit.ttl, imports/, shapes/).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kgcase")
def main() -> None:
    """kgcase: a reasoned knowledge graph of clinical case reports."""


@main.command("build")
@_CASES
@_ONTOLOGY
@_DATA
@click.option("--no-reason", is_flag=True,
              help="Skip HermiT (the ontology check and the per-case consistency gate).")
@click.option("--jobs", "-j", type=int, default=0, show_default=True,
              help="Worker processes for the case files (0 = one per core).")
@click.option("--shacl-every", type=int, default=100, show_default=True,
              help="Check every curated case and 1 in N synthetic cases with SHACL.")
@click.option("--no-cache", is_flag=True, help="Reprocess every case file, changed or not.")
@click.option("--store", envvar="KGCASE_STORE", default="", show_envvar=True,
              help="Also load the release into this remote SPARQL store (docs/deploy.md).")
@click.option("--queries", "queries_dir", type=click.Path(path_type=Path, file_okay=False),
              default="queries", envvar="KGCASE_QUERIES_DIR", show_default=True,
              show_envvar=True,
              help="Named queries; those marked `materialise: true` are answered at build time.")
@click.option("--no-answers", is_flag=True,
              help="Answer no named query at build time (they then run on the store).")
@click.option("--executor", envvar="KGCASE_EXECUTOR", default="", show_envvar=True,
              help="Run the case stage on this Dask scheduler's workers (tcp://host:port); "
                   "default: local processes (docs/deploy.md).")
@click.option("--full", is_flag=True,
              help="Build from every case file, even if few changed since the last build.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def build_command(cases_dir: Path, ontology_dir: Path, data_dir: Path, no_reason: bool,
                  jobs: int, shacl_every: int, no_cache: bool, store: str, queries_dir: Path,
                  no_answers: bool, executor: str, full: bool, quiet: bool) -> None:
    """Build the graph from the case files and switch the served store to it.

    When few case files changed since the last build, the new release is made from the last
    one: only they are processed and loaded (docs/deploy.md, "Incremental releases"). A
    failed build changes nothing: the previous store keeps serving.
    """
    from kgcase.build import BuildInputs, build

    inputs = BuildInputs(cases_dir=cases_dir, ontology_dir=ontology_dir, data_dir=data_dir,
                         reason=not no_reason, progress=not quiet, jobs=jobs,
                         shacl_every=shacl_every, cache=not no_cache, store=store,
                         queries_dir=None if no_answers else queries_dir, incremental=not full,
                         executor=executor)
    _run(lambda: build(inputs, log=lambda m: click.echo(m, err=True)))


@main.command("check")
@_CASES
@_ONTOLOGY
def check_command(cases_dir: Path, ontology_dir: Path) -> None:
    """Validate the case files (schema, references, quotes, terms, shapes) without building."""
    from kgcase.build import BuildInputs, check

    inputs = BuildInputs(cases_dir=cases_dir, ontology_dir=ontology_dir, data_dir=Path("."),
                         progress=False, cache=False, shacl_every=1, accept_drafts=True)
    n = _run(lambda: check(inputs))
    click.echo(f"{n} case file(s) valid")


@main.command("export")
@_DATA
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["owl", "ttl", "nt", "nq", "trig", "jsonld"]),
    default="owl",
    show_default=True,
    help="owl = RDF/XML for Protégé (ontology + case individuals, no inferred graph); "
    "nq/trig keep the named graphs.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="File to write.",
)
@click.option(
    "--inferred/--no-inferred",
    default=None,
    help="Include the reasoner's graph (default: yes, except for owl).",
)
def export_command(data_dir: Path, fmt: str, output: Path, inferred: bool | None) -> None:
    """Write the current graph to a file."""
    from kgcase.export import export_graph

    n = _run(lambda: export_graph(data_dir, output, fmt=fmt, inferred=inferred))
    click.echo(f"wrote {n} triples to {output}", err=True)


def _run(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except KgcaseError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


main.add_command(serve_command, "serve")
main.add_command(query_command, "query")
main.add_command(synth_command, "synth")
main.add_command(draft_command, "draft")
main.add_command(terms_command, "terms")


if __name__ == "__main__":  # pragma: no cover
    main()
