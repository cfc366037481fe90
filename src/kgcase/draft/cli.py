"""``kgcase draft INPUT... --out DIR``: draft case files, in parallel over many inputs."""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import click
from tqdm import tqdm

from kgcase.draft.readers import FORMATS, ReaderError, read


def inputs_of(paths: tuple[Path, ...]) -> list[Path]:
    """The files named, with directories expanded to the inputs they hold (sorted)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in FORMATS)
        else:
            out.append(p)
    return out


_ONTOLOGY: Path = Path("ontology")


def _init(ontology_dir: Path) -> None:
    global _ONTOLOGY
    _ONTOLOGY = ontology_dir


def draft_file(path: Path, out_dir: Path, ontology_dir: Path | None = None) -> list[Path]:
    """Read ``path``, draft every document in it and write the drafts; return the case files.

    Every document is read and drafted before anything is written, so a bad input writes
    nothing.
    """
    from kgcase.draft.run import draft_document
    from kgcase.draft.write import write_draft

    ontology = ontology_dir or _ONTOLOGY
    docs = read(path)
    drafts = [(draft_document(d, ontology), d) for d in docs]
    return [write_draft(dr.to_dict(), d.text, path, out_dir) for dr, d in drafts]


@click.command("draft")
@click.argument("inputs", nargs=-1, required=True,
                type=click.Path(path_type=Path, exists=True))
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              required=True, help="Directory for the drafts (with sources/ beside them).")
@click.option("--ontology", "ontology_dir", type=click.Path(path_type=Path, file_okay=False),
              default="ontology", envvar="KGCASE_ONTOLOGY_DIR", show_default=True,
              show_envvar=True, help="Ontology directory whose terms the drafts use.")
@click.option("--jobs", "-j", type=int, default=0, show_default=True,
              help="Worker processes for many inputs (0 = one per core).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def draft_command(inputs: tuple[Path, ...], out_dir: Path, ontology_dir: Path, jobs: int,
                  quiet: bool) -> None:
    """Draft a case file from each report (text, PDF, JATS, PubMed or BioC XML/JSON).

    Drafts say `status: draft` on top and on every fact; review them before publishing
    (docs/curation.md). A file that cannot be read is reported and nothing is written for it.
    """
    files = inputs_of(inputs)
    started = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    written: list[Path] = []
    failed: list[str] = []
    bar = tqdm(total=len(files), desc="draft", unit="file", disable=quiet)
    if jobs == 1 or len(files) < 4:
        _init(ontology_dir)
        for f in files:
            try:
                written += draft_file(f, out_dir)
            except ReaderError as exc:
                failed.append(str(exc))
            bar.update(1)
    else:
        with ProcessPoolExecutor(jobs, initializer=_init, initargs=(ontology_dir,)) as pool:
            futures = [(f, pool.submit(draft_file, f, out_dir)) for f in files]
            for _f, fut in futures:
                try:
                    written += fut.result()
                except ReaderError as exc:
                    failed.append(str(exc))
                bar.update(1)
    bar.close()
    for message in failed:
        click.echo(f"error: {message}", err=True)
    click.echo(f"wrote {len(written)} draft(s) to {out_dir} in "
               f"{time.perf_counter() - started:.1f} s", err=True)
    if failed:
        sys.exit(2)


@click.group("terms")
def terms_command() -> None:
    """Add terms to the ontology's imports."""


@terms_command.command("add")
@click.argument("curie")
@click.option("--release", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="A local release of the source ontology (.obo, .owl or .ttl) to check the "
                   "identifier against.")
@click.option("--definition", required=True, help="The curators' one-sentence definition.")
@click.option("--parent", default=None, help="Parent CURIE (default: by prefix, e.g. "
                                             "phenotypic feature for HP).")
@click.option("--ontology", "ontology_dir", type=click.Path(path_type=Path, file_okay=False),
              default="ontology", envvar="KGCASE_ONTOLOGY_DIR", show_default=True,
              show_envvar=True)
def terms_add_command(curie: str, release: Path, definition: str, parent: str | None,
                      ontology_dir: Path) -> None:
    """Import CURIE after checking it is a current term of RELEASE; regenerate the modules."""
    from kgcase.draft.newterms import NewTermError, add_term

    try:
        found = add_term(curie, release, ontology_dir, definition, parent)
    except NewTermError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"added {curie} ({found.label}) to {ontology_dir / 'imports' / 'terms.tsv'} "
               "and regenerated the import modules", err=True)
