"""The service's own URL: the setting public_url, or host and port; never a request's Host."""

from __future__ import annotations

import pytest

from kgcase.config import ConfigError, Settings
from kgcase.web.urls import check_public_url, public_base


@pytest.mark.parametrize(("settings", "base"), [
    (Settings(), "http://127.0.0.1:8000"),
    (Settings(host="::1", port=9000), "http://[::1]:9000"),
    (Settings(public_url="https://kg.example.org/"), "https://kg.example.org"),
    (Settings(public_url="https://kg.example.org/kgcase"), "https://kg.example.org/kgcase"),
])
def test_public_base(settings, base):
    assert public_base(settings) == base


@pytest.mark.parametrize("value", ["kg.example.org", "ftp://kg.example.org", "https://",
                                   "https://kg.example.org/?a=b", "https://kg.example.org/#x"])
def test_a_public_url_that_is_no_http_url_is_refused(value):
    with pytest.raises(ConfigError, match="public_url"):
        check_public_url(value)
