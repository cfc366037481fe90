"""Settings: one table, layered defaults -> file -> env -> overrides; docs and CLI agree with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgcase.config import (
    ConfigError,
    Settings,
    env_name,
    load_settings,
    settings_fields,
    settings_table_markdown,
)
from kgcase.web.cli import query_command, serve_command

DOCS = Path(__file__).resolve().parents[2] / "docs" / "sparql.md"


def test_defaults():
    settings = load_settings(environ={})
    assert settings == Settings()
    assert settings.timeout_s == 30.0
    assert settings.host == "127.0.0.1"
    assert settings.admin_token == ""
    assert settings.allowed_services == frozenset()


def test_layers_file_then_env_then_overrides(tmp_path):
    config = tmp_path / "kgcase.toml"
    config.write_text('port = 9001\nmax_rows = 10\ntimeout_s = 5\nhost = "0.0.0.0"\n')
    env = {"KGCASE_PORT": "9002", "KGCASE_MAX_ROWS": "20"}
    settings = load_settings({"port": 9003, "workers": None}, config_file=config, environ=env)
    assert settings.port == 9003  # override beats env beats file
    assert settings.max_rows == 20  # env beats file
    assert settings.timeout_s == 5.0  # file beats default (and is coerced to float)
    assert settings.host == "0.0.0.0"
    assert settings.workers == 4  # None (an unset CLI flag) leaves the lower layers alone


def test_config_file_named_by_environment(tmp_path):
    config = tmp_path / "kgcase.toml"
    config.write_text('service_allowlist = "https://a.example/sparql, https://b.example/sparql"\n')
    settings = load_settings(environ={"KGCASE_CONFIG": str(config)})
    assert settings.allowed_services == {"https://a.example/sparql", "https://b.example/sparql"}


def test_unknown_kgcase_variables_are_ignored():
    assert load_settings(environ={"KGCASE_JAVA": "/usr/bin/java"}) == Settings()


@pytest.mark.parametrize(("overrides", "message"), [
    ({"port": "eighty"}, "'port': 'eighty' is not an integer"),
    ({"timeout_s": ""}, "is not a number"),
    ({"workers": True}, "is not an integer"),
    ({"max_rows": -1}, "must be at least 0"),
    ({"workers": "0"}, "'workers': must be at least 1"),
    ({"timeout_s": 0}, "at least 0.1"),
    ({"colour": "red"}, "unknown setting 'colour'"),
])
def test_bad_values_are_errors(overrides, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(overrides, environ={})


def test_bad_env_value_names_the_setting():
    with pytest.raises(ConfigError, match="'timeout_s'"):
        load_settings(environ={"KGCASE_TIMEOUT_S": "soon"})


@pytest.mark.parametrize(("text", "message"), [
    ("port = [", "not valid TOML"),
    ("colour = 'red'", "unknown setting 'colour'"),
    ("port = 'x'", "'port'"),
])
def test_bad_config_file_names_the_file(tmp_path, text, message):
    config = tmp_path / "bad.toml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=message) as error:
        load_settings(config_file=config, environ={})
    assert str(config) in str(error.value)


def test_every_setting_has_help():
    for f in settings_fields():
        assert f.metadata["help"].endswith("."), f.name


def test_every_setting_is_a_flag_of_serve_and_query():
    for command in (serve_command, query_command):
        flags = {opt for param in command.params for opt in param.opts}
        for f in settings_fields():
            assert "--" + f.name.replace("_", "-") in flags


def test_docs_hold_the_current_settings_table():
    docs = DOCS.read_text()
    assert settings_table_markdown() in docs, "regenerate the table in docs/sparql.md"
    for f in settings_fields():
        assert f"`{f.name}`" in docs and f"`{env_name(f.name)}`" in docs
