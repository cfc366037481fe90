"""``kgcase query`` (``query_command``) as a real process: local data dir and a live endpoint."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.live

RUN = "from kgcase.web.cli import query_command; query_command()"
DIAGNOSES = """PREFIX KGCASE: <https://w3id.org/kgcase/KGCASE_>
SELECT ?patient ?diagnosis WHERE { ?patient KGCASE:0000111 ?diagnosis } ORDER BY ?diagnosis"""


def kgcase_query(server, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", RUN, "--queries-dir", str(server.queries_dir), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_named_query_on_the_local_data_dir(live_server):
    done = kgcase_query(live_server, "--data-dir", str(live_server.data_dir),
                        "--name", "measurements_above", "--param", "threshold=50")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["measurement", "value", "date", "test", "threshold", "after"]
    assert len(lines) == 4 and "p1-dsdna-2" in lines[2]


def test_sparql_against_a_live_endpoint_as_csv(live_server):
    done = kgcase_query(live_server, "--endpoint", live_server.sparql, "--format", "csv",
                        DIAGNOSES)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["patient", "diagnosis"]
    assert len(rows) == 4


def test_named_query_against_a_live_endpoint_binds_with_values(live_server):
    done = kgcase_query(live_server, "--endpoint", live_server.sparql, "--format", "json",
                        "--name", "drug_patients", "--param", "label=tocilizumab")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows"] == [{
        "drug": "https://go.drugbank.com/drugs/DB06273", "label": "tocilizumab",
        "min_patients": 1, "patients": 2}]


@pytest.mark.parametrize(("args", "message"), [
    (["--name", "drug_patients", "--param", "label=x\" } DROP ALL", "--param", "min_patients=x"],
     "not an integer"),
    (["INSERT DATA { <urn:a> <urn:b> <urn:c> }"], "read-only"),
    (["--name", "nope"], "no named query"),
])
def test_query_errors_exit_nonzero_with_the_reason(live_server, args, message):
    done = kgcase_query(live_server, "--data-dir", str(live_server.data_dir), *args)
    assert done.returncode != 0
    assert message in done.stderr
