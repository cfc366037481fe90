"""A server whose release changes: atomic swaps by a build, and the admin update endpoint."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.live

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NEW = "<urn:kgcase:test:s> <urn:kgcase:test:p>"


def count(server, query: str = COUNT) -> tuple[int, requests.Response]:
    r = requests.get(server.sparql, params={"query": query}, timeout=10)
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"]), r


def update(server, text: str, token: str | None = None, **kwargs) -> requests.Response:
    headers = {"Content-Type": "application/sparql-update"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(server.url + "/sparql/update", data=text.encode(), headers=headers,
                         timeout=30, **kwargs)


def test_new_release_is_served_on_the_next_request(admin_server, new_release, tmp_path):
    _, first = count(admin_server)
    extra = tmp_path / "more.trig"
    extra.write_text((Path(__file__).parent / "data" / "graph.trig").read_text()
                     + "<https://w3id.org/kgcase/graph/extra> { <urn:x:a> <urn:x:b> <urn:x:c> }\n")
    release_id = f"swap-{time.monotonic_ns()}"
    new_release(admin_server.data_dir, extra, release_id)
    after, second = count(admin_server)
    assert after == 78
    assert second.headers["X-KGCase-Release"] == release_id
    assert second.headers["ETag"] != first.headers["ETag"]
    assert second.headers["ETag"].startswith(f'W/"{release_id}-')
    stale = requests.get(admin_server.sparql, params={"query": COUNT}, timeout=10,
                         headers={"If-None-Match": first.headers["ETag"]})
    assert stale.status_code == 200  # an old release's ETag never matches


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_update_needs_the_admin_token(admin_server, token):
    r = update(admin_server, f"INSERT DATA {{ {NEW} 1 }}", token)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_update_applies_as_a_new_release(admin_server):
    before, first = count(admin_server)
    old_release = first.headers["X-KGCase-Release"]
    r = update(admin_server, f"INSERT DATA {{ GRAPH <urn:kgcase:test:g> {{ {NEW} 2 }} }}",
               admin_server.admin_token)
    assert r.status_code == 200, r.text
    patched = r.headers["X-KGCase-Release"]
    assert patched.startswith(old_release.split("+update-")[0] + "+update-")
    after, second = count(admin_server)
    assert after == before + 1
    assert second.headers["X-KGCase-Release"] == patched
    assert (admin_server.data_dir / "stores" / old_release / "oxigraph").is_dir()  # untouched


def test_update_form_field_is_accepted(admin_server):
    before, _ = count(admin_server)
    r = requests.post(admin_server.url + "/sparql/update", timeout=30,
                      data={"update": f"INSERT DATA {{ {NEW} 3 }}"},
                      headers={"Authorization": f"Bearer {admin_server.admin_token}"})
    assert r.status_code == 200, r.text
    assert count(admin_server)[0] == before + 1


@pytest.mark.parametrize(("text", "status"), [
    ("LOAD <file:///etc/passwd>", 403),
    ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.2:9/> { ?s ?p ?o } }", 403),
    ("INSERT DATA { <urn:a> <urn:b> }", 400),
    ("SELECT * WHERE { ?s ?p ?o }", 400),
])
def test_bad_updates_change_nothing(admin_server, text, status):
    stores = set((admin_server.data_dir / "stores").iterdir())
    before, first = count(admin_server)
    r = update(admin_server, text, admin_server.admin_token)
    assert r.status_code == status
    after, second = count(admin_server)
    assert after == before
    assert second.headers["X-KGCase-Release"] == first.headers["X-KGCase-Release"]
    assert set((admin_server.data_dir / "stores").iterdir()) == stores


def test_updates_are_still_refused_on_the_query_endpoint(admin_server):
    r = requests.post(admin_server.sparql, data={"update": f"INSERT DATA {{ {NEW} 4 }}"},
                      headers={"Authorization": f"Bearer {admin_server.admin_token}"}, timeout=10)
    assert r.status_code == 403
