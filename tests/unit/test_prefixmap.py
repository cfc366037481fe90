"""The workbench's prefix map, written from the Bioregistry data the package ships."""

from __future__ import annotations

import json

from kgcase.web.prefixmap import PREFIX_NAME, main


def test_prefix_map_holds_bioregistry_prefixes_sparql_can_write(tmp_path):
    out = tmp_path / "prefixes.json"
    assert main([str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["source"].startswith("bioregistry ")
    pairs = dict(doc["prefixes"])
    assert pairs["mondo"] == "http://purl.obolibrary.org/obo/MONDO_"
    assert pairs["hp"] == "http://purl.obolibrary.org/obo/HP_"
    assert len(pairs) > 1000
    assert all(PREFIX_NAME.fullmatch(p) for p in pairs)
    assert all(">" not in uri and " " not in uri for uri in pairs.values())
    assert main([]) == 2  # usage
