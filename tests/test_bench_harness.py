"""The scale benchmark's pure parts: tables, the Scale section, plots, answer classification and
parameter drawing (on the seed build). No timings, no servers."""

from __future__ import annotations

import json
import sys

import pyoxigraph as ox
import pytest
import requests

from conftest import QUERIES, ROOT
from kgcase.queries import load_catalogue

if str(ROOT) not in sys.path:  # `pytest` alone does not put the repository root there
    sys.path.append(str(ROOT))
from benchmarks import bench_throughput, wrk
from benchmarks.scale import client, params, plots, report


def _summary(p50: float, *, rows: list[int | None], timeouts: int = 0, errors: int = 0,
             message: str = "") -> dict:
    return {"requests": len(rows), "timeouts": timeouts, "errors": errors, "p50_ms": p50,
            "p99_ms": p50 * 2, "rows": rows, "distinct_params": len(rows), "message": message}


def _result(n: int, scale: float, *, rdflib: bool) -> dict:
    build = {"n": n, "triples": 800 * n, "wall_s": 10 * scale, "peak_rss_mb": int(300 * scale),
             "store_mb": int(16 * scale), "raw_bulk_load_s": 0.5 * scale,
             "load_ratio_vs_raw": 0.9,
             "stages": {"ontology": 1.5, "cases": 7 * scale, "store": 0.5 * scale,
                        "total": 9 * scale}}
    queries = {
        "effects_of_drug": {
            "kgcase-cold": _summary(5 * scale, rows=[3, 0, 2]),
            "kgcase-warm": _summary(1.0, rows=[3, 3, 3]),
            "oxigraph": _summary(3 * scale, rows=[3, 0, 2]),
            "virtuoso": _summary(9 * scale, rows=[3, 0, 1]),  # a wrong answer: dagger
        },
        "overlap_components": {
            "kgcase-cold": _summary(40 * scale, rows=[1, None], timeouts=1),
            "kgcase-warm": _summary(1.0, rows=[1, 1]),
            "oxigraph": _summary(30000.0, rows=[None, None], timeouts=2),
            "virtuoso": _summary(20.0, rows=[None], errors=1, message="HTTP 500: SR186"),
        },
    }
    if rdflib:
        for name in queries:
            queries[name]["rdflib"] = _summary(50 * scale, rows=[3, 1, 2])
    return {"n": n, "build": build, "queries": queries,
            "loads": {"virtuoso": 2.0 * scale, **({"rdflib": 3.0 * scale} if rdflib else {})},
            "skipped": {} if rdflib else {"rdflib": "skipped: too large"},
            "pages": {"drug": {"path": "/KGCASE_0000100", "p50_ms": 40.0, "p99_ms": 80.0,
                               "errors": 0}},
            "lookups": {"kgcase-cold": {"rate": 700.0, "p50_ms": 9.0, "p99_ms": 25.0,
                                        "requests": 3500, "errors": 0}},
            "params": {}}


@pytest.fixture
def doc() -> dict:
    return {"date": "2026-01-01 00:00 UTC", "machine": "test CPU, 2 cores",
            "command": "python -m benchmarks scale --sizes 100,1000", "took": "1 min",
            "json": "benchmarks/results/scale-x.json", "load_average": [1.0, 2.0],
            "settings": {"repeat": 3, "timeout_s": 30.0, "clients": 8, "seconds": 5.0,
                         "workers": 4, "engines": list(report.ENGINES),
                         "rdflib_max_triples": 100_000, "virtuoso_buffers": 0},
            "results": [_result(100, 1.0, rdflib=True), _result(1000, 10.0, rdflib=False)]}


def test_section_tables_mark_timeouts_errors_skips_and_wrong_answers(doc):
    text = report.section(doc, {"build": "img/scale-build.png", "queries": "img/q.png"})
    assert text.startswith(report.HEADING + "\n")
    assert "`python -m benchmarks scale --sizes 100,1000`" in text
    assert "![Build cost against N](img/scale-build.png)" in text
    lines = {line.split(" | ")[0] + " | " + line.split(" | ")[1]: line
             for line in text.splitlines() if line.startswith("| `")}
    effects = lines["| `effects_of_drug` | 100"]
    assert "| 2/3 |" in effects and "9.0 / 18.0 †" in effects and "5.0 / 10.0 |" in effects
    overlap = lines["| `overlap_components` | 1,000"]
    assert "(1 timeouts)" in overlap and "timeout (2/2)" in overlap
    assert "error: HTTP 500: SR186" in overlap and overlap.endswith("skipped: too large |")
    assert "| 1,000 | 800,000 | 90.0 |" in text  # build row: N, triples, total
    assert "| kgcase-cold | 700 req/s, p99 25.0 ms | 700 req/s, p99 25.0 ms |" in text


def test_runs_of_other_sizes_merge_into_one_section(doc):
    """A large size measured in a run of its own is reported and plotted with the others."""
    big = dict(doc, date="2026-01-02 00:00 UTC", command="python -m benchmarks scale --sizes 10",
               json="benchmarks/results/scale-y.json",
               settings=dict(doc["settings"], engines=["kgcase-cold", "virtuoso"]),
               results=[_result(10, 0.1, rdflib=False)])
    merged = report.merge([doc, big])
    assert [r["n"] for r in merged["results"]] == [10, 100, 1000]
    assert report.merge([doc]) is doc
    text = report.section(merged, {"build": "b.png", "queries": "q.png"})
    assert "N = 100, 1,000: run 2026-01-01 00:00 UTC" in text
    assert "N = 10: run 2026-01-02 00:00 UTC" in text and "scale-y.json" in text
    assert "| 10 | 8,000 |" in text


def test_section_says_how_virtuoso_was_loaded_at_each_size(doc):
    doc["results"][0]["load_methods"] = {"virtuoso": "load_remote"}
    doc["results"][1]["load_methods"] = {"virtuoso": "bulk loader"}
    text = report.section(doc, {"build": "b.png", "queries": "q.png"})
    assert "`load_remote`, graph by graph (N = 100)" in text
    assert "its bulk loader (`ld_dir`, `rdf_loader_run`) (N = 1,000)" in text


def test_write_section_replaces_only_the_scale_section(tmp_path, doc):
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n## Before\n\nkeep 1\n\n## After\n\nkeep 2\n")
    images = {"build": "b.png", "queries": "q.png"}
    report.write_section(path, report.section(doc, images))
    first = path.read_text()
    assert first.index("## Before") < first.index("## After") < first.index(report.HEADING)
    doc["date"] = "2026-02-02 00:00 UTC"
    report.write_section(path, report.section(doc, images))
    second = path.read_text()
    assert second.count(report.HEADING + "\n") == 1 and "2026-02-02" in second
    assert "2026-01-01" not in second and "keep 1" in second and "keep 2" in second
    # a Scale section in the middle is replaced in place
    path.write_text("# B\n\n## Scale\n\nold\n\n## After\n\nkeep\n")
    report.write_section(path, "## Scale\n\nnew\n")
    assert path.read_text() == "# B\n\n## Scale\n\nnew\n\n## After\n\nkeep\n"


def test_plots_are_written_as_png(tmp_path, doc):
    plots.plot_build(doc, tmp_path / "build.png")
    plots.plot_queries(json.loads(json.dumps(doc)), tmp_path / "queries.png")
    for name in ("build.png", "queries.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _response(status: int, body: str, **headers: str) -> requests.Response:
    response = requests.Response()
    response.status_code, response._content = status, body.encode()
    response.headers.update(headers)
    return response


def test_classify_answers_of_each_engine():
    rows = '{"head": {"vars": ["x"]}, "results": {"bindings": [{}, {}]}}'
    assert client.classify(_response(200, rows)) == ("ok", 2, "")
    assert client.classify(_response(200, '{"ok": true, "rows": [{}]}'))[:2] == ("ok", 1)
    cancelled = '{"head":{"vars":["n"]},"results":{"bindings":[The SPARQL operation has been ' \
        'cancelled'
    assert client.classify(_response(200, cancelled))[0] == "timeout"
    assert client.classify(_response(200, rows, **{"X-SQL-State": "S1TAT"}))[0] == "timeout"
    assert client.classify(_response(503, '{"ok": false}'))[0] == "timeout"
    assert client.classify(_response(400, "bad query"))[::2] == ("error", "HTTP 400: bad query")


def test_parameter_values_come_from_the_seed_store(built_data_dir):
    store = ox.Store.read_only(str(built_data_dir / "current" / "oxigraph"))
    catalogue = load_catalogue(QUERIES)
    for query in catalogue.values():
        drawn = params.draw(store, query, 6)
        assert len(drawn.values) == 6
        for param in query.params:  # the example first, every value bindable
            assert drawn.values[0][param.name] == param.to_term(param.example).value
        for values in drawn.values:
            query.bind(values)
    effects = params.draw(store, catalogue["effects_of_drug"], 6)
    assert effects.sources == {"drug": "name"} and effects.distinct > 1
    assert params.patients(store)


def test_split_nquads_keeps_every_line_once_and_blank_nodes_in_one_file(tmp_path) -> None:
    from benchmarks.scale.engines import split_nquads

    g = "<https://w3id.org/kgcase/graph/x>"
    lines = [f"<urn:s{i}> <urn:p> \"v {i}\" {g} .\n" for i in range(200_000)]
    lines[5] = f"_:b1 <urn:p> <urn:o> {g} .\n"
    lines[150_000] = f"<urn:s> <urn:p> _:b1 {g} .\n"
    dump = tmp_path / "dump.nq"
    dump.write_text("".join(lines))
    assert split_nquads(dump, tmp_path / "parts", 3) == len(lines)
    files = {p.name: p.read_text().splitlines(keepends=True)
             for p in sorted((tmp_path / "parts").glob("*.nq"))}
    assert sorted(line for part in files.values() for line in part) == sorted(lines)
    assert files["blank-nodes.nq"] == [lines[5], lines[150_000]]
    assert all(len(files[f"part-{i}.nq"]) > 0 for i in range(3))
    for part in files.values():  # each file parses on its own
        list(ox.parse("".join(part), format=ox.RdfFormat.N_QUADS))


def test_sized_virtuoso_ini_sets_buffers_row_cap_and_load_directory(tmp_path) -> None:
    from benchmarks.scale.engines import _sized_ini, servers

    assert servers.VIRTUOSO_INI.is_file(), (
        f"{servers.VIRTUOSO_INI} is missing: install Debian virtuoso-opensource "
        "(bash .ci/system-deps)")
    loads = tmp_path / "loads"
    text = _sized_ini(40_000, loads, 1_000_000)(tmp_path, 18890, 11111).read_text()
    assert "NumberOfBuffers = 40000" in text and "MaxDirtyBuffers = 30000" in text
    assert "ResultSetMaxRows = 1000000" in text and f", {loads}" in text
    default = _sized_ini(0, None)(tmp_path / "d", 18890, 11111).read_text()
    assert f"ResultSetMaxRows = {servers.VIRTUOSO_ROW_LIMIT}" in default


WRK_REPORT = """Running 10s test @ http://127.0.0.1:8080
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.34ms    3.21ms   1.20s    78.90%
    Req/Sec   325.12     40.11   410.00     70.00%
  Latency Distribution
     50%  850.00us
     75%   13.90ms
     90%   16.20ms
     99%    1.20s
  6502 requests in 10.01s, 3.21MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 5
Requests/sec:    649.55
Transfer/sec:    328.21KB
"""


def test_wrk_report_counts_only_answered_requests():
    got = wrk.parse(WRK_REPORT)
    assert (got["requests"], got["ok"], got["timeouts"], got["errors"]) == (6505, 6495, 3, 7)
    assert got["seconds"] == 10.01 and got["rate"] == round(6495 / 10.01, 2)
    assert (got["p50_ms"], got["p99_ms"]) == (0.85, 1200.0)
    clean = wrk.parse("  12 requests in 1.00m, 1KB read\n")
    assert (clean["ok"], clean["seconds"], clean["p50_ms"]) == (12, 60.0, None)
    with pytest.raises(RuntimeError, match="no request count"):
        wrk.parse("unable to connect to 127.0.0.1:9 Connection refused")


def test_throughput_ratios_bound_an_engine_that_answered_nothing():
    ours = {"ok": 50, "rate": 5.0, "seconds": 10.0, "timeouts": 0, "errors": 0}
    theirs = {"ok": 0, "rate": 0.0, "seconds": 12.0, "timeouts": 8, "errors": 0}
    assert bench_throughput.ratio(ours, theirs) == "> 60×"  # under 1 answer in 12 s
    assert bench_throughput.ratio(ours, {**theirs, "ok": 10, "rate": 0.5}) == "10×"
    assert bench_throughput.ratio({**ours, "ok": 0}, theirs) == "–"
    assert bench_throughput.rate(theirs) == "0 (8 failed)"
    assert bench_throughput.rate({**theirs, "ok": 1, "rate": 0.07}) == "0.07 (8 failed)"


def test_throughput_markdown_sets_several_http_processes_beside_one():
    def result(rate: float) -> dict:
        return {"ok": 10, "rate": rate, "seconds": 10, "timeouts": 0, "errors": 0}

    doc = {"date": "d", "machine": "m", "revision": "r", "command": "c", "json": "j", "n": 1,
           "triples": 2, "clients": 8, "seconds": 10, "distinct": 20, "timeout_s": 30,
           "load": "wrk", "processes": 2,
           "results": {"kgcase-cold": {"q": result(1000)}, "kgcase-warm": {"q": result(1500)},
                       "kgcase-cold-p2": {"q": result(1800)},
                       "kgcase-warm-p2": {"q": result(2500)}, "rdflib": {"q": result(100)}}}
    assert bench_throughput.engine_names(2)[2:4] == ("kgcase-cold-p2", "kgcase-warm-p2")
    row = bench_throughput.markdown(doc).splitlines()[-1]
    assert row == "| `q` | 100.0 | 1,000.0 (10×) | 1,800.0 (18×) | 1,500.0 (15×) | 2,500.0 (25×) |"
