"""Findings of the security review of ``kgcase serve`` with its defaults, held over real HTTP.

Each test failed before its fix: malformed values gave 500 with a traceback, absolute URLs came
from the Host header, JSON answers were sniffable, errors echoed whole headers, and the public
health check listed process ids.
"""

from __future__ import annotations

import os
import time

import pytest
import requests

from live.conftest import run_server

pytestmark = pytest.mark.live


def get(server, path: str, **kwargs) -> requests.Response:
    return requests.get(server.url + path, timeout=10, **kwargs)


def _log_lines(server) -> list[str]:
    assert server.logs is not None
    return [line for name in ("stdout.log", "stderr.log")
            for line in (server.logs / name).read_text(errors="replace").splitlines()]


# --- 1. malformed values are a 400 naming the parameter, never a 500 --------------------------

MALFORMED = [
    ("/api/queries/measurements_above?test=KGCASE:%00", "'test'", "U+0000"),
    ("/api/queries/measurements_above?test=KGCASE:a%7Fb", "'test'", "U+007F"),
    ("/api/queries/patient_diagnoses?case=http://x/%00", "'case'", "U+0000"),
    ("/api/queries/patient_diagnoses?case=http://x/a%C2%85b", "'case'", "U+0085"),
    ("/api/queries/drug_patients?label=a%00b", "'label'", "U+0000"),
    ("/api/queries/drug_patients?label=x&min_patients=%C2%B2", "'min_patients'", "0-9"),
    ("/api/queries/drug_patients?label=x&min_patients=%D9%A1%D9%A2", "'min_patients'", "0-9"),
    ("/api/queries/measurements_above?threshold=%D9%A1", "'threshold'", "0-9"),
    ("/api/queries/measurements_above?threshold=1e5", "'threshold'", "0-9"),
    ("/api/queries/measurements_above?after=%EF%BC%92013-01-01", "'after'", "YYYY-MM-DD"),
    ("/api/queries/patient_diagnoses?_limit=%C2%B2", "_limit=", "from 1 to 50"),
    ("/api/queries/patient_diagnoses?_limit=" + "9" * 5000, "_limit=", "from 1 to 50"),
    ("/api/queries/patient_diagnoses?_offset=%D9%A1", "_offset=", "whole number"),
    ("/api/search?limit=%C2%B2", "limit=", "from 1 to 50"),
    ("/api/search?limit=abc", "limit=", "from 1 to 50"),
    ("/api/search?limit=" + "9" * 5000, "limit=", "from 1 to 50"),
]


@pytest.mark.parametrize(("path", "name", "allowed"), MALFORMED)
def test_malformed_values_are_a_400_naming_the_parameter(live_server, path, name, allowed):
    before = len(_log_lines(live_server))
    r = get(live_server, path)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert name in error and allowed in error
    assert len(error) < 400  # the value is quoted, not pasted whole
    lines = _log_lines(live_server)
    assert len(lines) - before <= 1, lines[before:]
    assert not any("Traceback" in line for line in lines)


def test_a_malformed_value_in_a_query_form_is_a_400_page(live_server):
    r = get(live_server, "/queries/measurements_above?test=KGCASE:%00&run=1",
            headers={"Accept": "text/html"})
    assert r.status_code == 400
    assert "U+0000" in r.text


def test_well_formed_values_still_answer(live_server):
    assert get(live_server, "/api/search?q=a&limit=3").status_code == 200
    r = get(live_server, "/api/queries/measurements_above?threshold=.5&after=2013-01-01")
    assert r.status_code == 200, r.text
    assert r.json()["ok"] is True


# --- 2. a killed build's directory never takes the place of the last good release ----------

def test_an_update_keeps_the_release_before_it_despite_a_killed_build(admin_server):
    data_dir = admin_server.data_dir
    before = (data_dir / "current").resolve()
    killed = data_dir / "stores" / "zz-killed-build"  # sorts after every release, as ids do
    (killed / "oxigraph").mkdir(parents=True)
    os.utime(killed, (time.time() - 60, time.time() - 60))  # killed a minute ago
    r = requests.post(admin_server.url + "/sparql/update", timeout=30,
                      data={"update": "INSERT DATA { <urn:x:killed> <urn:x:p> 1 }"},
                      headers={"Authorization": f"Bearer {admin_server.admin_token}"})
    assert r.status_code == 200, r.text
    after = (data_dir / "current").resolve()
    assert after != before
    assert (before / "release.json").is_file()  # the release to go back to
    assert not killed.exists()



# --- 3. absolute URLs come from public_url, never from the Host header -----------------------

EVIL = {"Host": "evil.example"}


def _absolute_urls(server, headers: dict[str, str]) -> list[str]:
    """Every absolute URL the service hands out: redirects, links, OpenAPI, its description."""
    found = []
    for path in ("//api//health", "/api/queries//drug_patients?label=x"):
        r = get(server, path, headers=headers, allow_redirects=False)
        assert r.status_code in (301, 308), r.status_code
        found.append(r.headers["Location"])
    found += [q["url"] for q in get(server, "/api/queries", headers=headers).json()["queries"]]
    found += [s["url"] for s in get(server, "/api/openapi.json", headers=headers).json()["servers"]]
    page = get(server, "/api/queries/patient_diagnoses?_limit=1", headers=headers)
    assert page.status_code == 200, page.text
    found += [page.json()["next"], page.headers["Link"]]
    description = get(server, "/sparql", headers={**headers, "Accept": "text/turtle"})
    found += [line for line in description.text.splitlines() if "sd:endpoint" in line]
    return found


def test_absolute_urls_ignore_the_host_header(live_server):
    found = _absolute_urls(live_server, EVIL)
    assert not [url for url in found if "evil.example" in url]
    assert all(live_server.url in url for url in found), found  # the server's own host:port


def test_absolute_urls_follow_the_public_url(live_server, tmp_path):
    public = "https://kg.example.org/kgcase"
    with run_server(live_server.data_dir, tmp_path / "logs", "--public-url", public) as server:
        found = _absolute_urls(server, EVIL)
    assert not [url for url in found if "evil.example" in url]
    assert all(public in url for url in found), found
    assert f"{public}/api/health" in found


# --- 4. every answer says nosniff ----------------------------------------------------------

@pytest.mark.parametrize(("path", "headers"), [
    ("/api/health", {}),
    ("/api/queries", {}),
    ("/api/queries/drug_patients?label=x", {}),
    ("/api/queries/drug_patients?label=x&_format=csv", {}),
    ("/api/queries/nope", {}),
    ("/api/openapi.json", {}),
    ("/api/search?q=a", {}),
    ("/sparql?query=ASK%7B%7D", {}),
    ("/sparql?query=ASK%7B%7D", {"Accept": "text/csv"}),
    ("/sparql?query=nonsense", {}),
    ("/sparql", {"Accept": "text/turtle"}),
    ("/resource.ttl?iri=https://w3id.org/kgcase/case/cabrera-2016", {}),
    ("/resource?iri=https://w3id.org/kgcase/case/cabrera-2016", {"Accept": "application/json"}),
    ("/no/such/thing", {}),
    ("/static/app.js", {}),
])
def test_every_answer_says_nosniff(live_server, path, headers):
    r = get(live_server, path, headers=headers)
    assert r.headers["X-Content-Type-Options"] == "nosniff", (r.status_code, r.headers)
    assert r.headers["Referrer-Policy"]
    if not r.headers["Content-Type"].startswith("text/html"):
        assert "default-src 'none'" in r.headers["Content-Security-Policy"]


def test_pages_keep_their_own_policy(live_server):
    r = get(live_server, "/", headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


# --- 5. an error quotes at most ~100 characters of what the client sent ----------------------

LONG = "x" * 8000


@pytest.mark.parametrize(("path", "headers"), [
    ("/sparql?query=ASK%7B%7D", {"Accept": f"application/{LONG}"}),
    ("/sparql?query=ASK%7B%7D&format=" + LONG, {}),
    ("/sparql", {"Accept": f"application/{LONG}"}),
    ("/resource?iri=https://w3id.org/kgcase/case/cabrera-2016", {"Accept": f"text/{LONG}"}),
    ("/api/queries/" + LONG, {}),
    ("/queries/" + LONG, {}),
    ("/api/queries/drug_patients?label=x&" + "&".join(f"{LONG[:900]}{i}=1&{LONG[:900]}{i}=2"
                                                      for i in range(8)), {}),
    ("/api/queries/drug_patients?label=x&" + "&".join(f"{LONG[:900]}{i}=1" for i in range(8)),
     {}),
    ("/resource?iri=" + LONG + "%00", {}),
    ("/case/" + LONG, {}),
])
def test_errors_quote_a_bounded_part_of_the_request(live_server, path, headers):
    r = get(live_server, path, headers=headers)
    assert 400 <= r.status_code < 500, r.status_code
    assert "x" * 101 not in r.text, r.text[:300]
    assert len(r.text) < 2000


# --- 6. the public health check lists no process ids ----------------------------------------

COUNTS = {"size", "idle", "killed", "inline"}


def test_health_lists_no_pids_without_a_token(live_server):
    body = get(live_server, "/api/health",
               headers={"Authorization": "Bearer anything"}).json()
    assert body["ok"] is True and body["release"]
    for pool in ("sparql", "pages"):
        assert "pids" not in body["workers"][pool] and set(body["workers"][pool]) >= COUNTS


@pytest.mark.parametrize("token", [None, "wrong-token", ""])
def test_health_lists_pids_only_to_the_admin(admin_server, token):
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    pools = get(admin_server, "/api/health", headers=headers).json()["workers"]
    for pool in ("sparql", "pages"):
        assert "pids" not in pools[pool] and set(pools[pool]) >= COUNTS
    admin = {"Authorization": f"Bearer {admin_server.admin_token}"}
    pools = get(admin_server, "/api/health", headers=admin).json()["workers"]
    for pool in ("sparql", "pages"):
        workers = pools[pool]
        assert len(workers["pids"]) == workers["size"] and set(workers) >= COUNTS
