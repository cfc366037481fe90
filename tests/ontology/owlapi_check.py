"""Check an ontology file with the OWL API 5 (Debian ``libowlapi-java``), offline.

:func:`check_with_owlapi` compiles ``owlapi/CheckOntology.java`` once (cached by source hash in
the temporary directory) and runs it with a classpath built from the installed Debian packages.
Imports resolve only through the OASIS catalog next to the file (or the one given); anything
unmapped points at a file that does not exist, and Java is given a dead SOCKS proxy, so nothing
is ever fetched. The packages to install are listed in ``APT_PACKAGES`` next to this file.

Use it from any test::

    from ontology.owlapi_check import check_with_owlapi   # tests/ is on sys.path
    result = check_with_owlapi(Path("build/kgcase-full.ttl"))
    assert result["summary"]["dl_violations"] == 0, result["dl_violations"]
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "owlapi" / "CheckOntology.java"
APT_PACKAGES = HERE / "APT_PACKAGES"
ROOT_PACKAGE = "libowlapi-java"
#: slf4j ships several bindings; more than one on the classpath aborts the JVM.
_LOGGING = re.compile(r"(slf4j|log4j)")
_LOGGING_KEEP = ("slf4j-api.jar", "slf4j-nop.jar")
_VERSIONED = re.compile(r"-\d[\d.]*\.jar$")


class OwlApiUnavailableError(RuntimeError):
    """The OWL API or a JDK is not installed."""


def _install_hint() -> str:
    packages = " ".join(APT_PACKAGES.read_text().split())
    return f"install them with: apt-get update && apt-get install -y {packages}"


def _installed(package: str) -> bool:
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
    )
    return done.returncode == 0 and "install ok installed" in done.stdout


def _depends(package: str) -> list[str]:
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Depends}", package], capture_output=True, text=True, check=False
    )
    names = []
    for clause in done.stdout.split(","):
        for alternative in clause.split("|"):
            name = alternative.strip().split(" ")[0].split(":")[0]
            if name:
                names.append(name)
    return names


def owlapi_classpath() -> str:
    """The OWL API jars and the jars of the Java packages it depends on, recursively."""
    if shutil.which("dpkg-query") is None or not _installed(ROOT_PACKAGE):
        raise OwlApiUnavailableError(
            f"the OWL API ({ROOT_PACKAGE}) is not installed; {_install_hint()}"
        )
    seen: set[str] = set()
    todo = [ROOT_PACKAGE]
    while todo:
        package = todo.pop()
        if package in seen or not package.endswith("-java") or not _installed(package):
            continue
        seen.add(package)
        todo.extend(_depends(package))
    jars: set[str] = set()
    for package in sorted(seen):
        listing = subprocess.run(
            ["dpkg", "-L", package], capture_output=True, text=True, check=False
        ).stdout.split()
        for path in listing:
            p = Path(path)
            if p.parent != Path("/usr/share/java") or p.suffix != ".jar":
                continue
            if _VERSIONED.search(p.name):
                continue  # the unversioned symlink is listed too
            if _LOGGING.search(p.name) and p.name not in _LOGGING_KEEP:
                continue
            jars.add(str(p))
    return ":".join(sorted(jars))


def compile_checker(classpath: str, build_dir: Path | None = None) -> Path:
    """Compile ``CheckOntology.java`` (once per source version) and return the class directory."""
    javac = shutil.which("javac")
    if javac is None:
        raise OwlApiUnavailableError(f"javac (a JDK) is not installed; {_install_hint()}")
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:16]
    out = build_dir or Path(tempfile.gettempdir()) / f"kgcase-owlapi-{digest}"
    if (out / "CheckOntology.class").is_file():
        return out
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [javac, "-d", str(out), "-cp", classpath, str(SOURCE)],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"javac failed on {SOURCE}:\n{done.stderr}")
    return out


def check_with_owlapi(
    path: Path, *, catalog: Path | None = None, build_dir: Path | None = None, timeout: float = 300
) -> dict:
    """Load ``path`` with the OWL API and report what it found.

    Returns a dict with ``summary`` (axioms, logical_axioms, axioms_in_file, imports,
    rdf_documents, missing_imports, unparsed_triples, guessed_declarations, dl_violations) and the
    lists ``imports``, ``missing_import``, ``unparsed_triple``, ``guessed_declaration``,
    ``dl_violation`` (one string per item), plus ``ontology``.
    """
    java = shutil.which("java")
    if java is None:
        raise OwlApiUnavailableError(f"java is not installed; {_install_hint()}")
    classpath = owlapi_classpath()
    classes = compile_checker(classpath, build_dir)
    command = [
        java, "-DsocksProxyHost=127.0.0.1", "-DsocksProxyPort=9",
        "-cp", f"{classes}:{classpath}", "CheckOntology", str(Path(path).resolve()),
    ]
    if catalog is not None:
        command.append(str(Path(catalog).resolve()))
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the OWL API could not load {path}:\n{done.stderr[-4000:]}")
    result: dict = {
        "ontology": None, "import": [], "missing_import": [], "unparsed_triple": [],
        "guessed_declaration": [], "dl_violation": [], "summary": {},
    }
    for line in done.stdout.splitlines():
        if not line.startswith("{"):
            continue
        (key, value), = json.loads(line).items()
        if isinstance(result.get(key), list):
            result[key].append(value)
        else:
            result[key] = value
    if not result["summary"]:
        raise RuntimeError(f"no summary from the OWL API checker:\n{done.stdout}\n{done.stderr}")
    return result
