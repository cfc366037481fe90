"""Settings of the service: one table; defaults -> file -> ``KGCASE_*`` env -> overrides.

The :class:`Settings` dataclass *is* the table: each field has a default and a help text
(``metadata["help"]``). The CLI flags (``kgcase serve --max-rows …``), the environment variables
(``KGCASE_MAX_ROWS``), the config file keys (``max_rows = …``, TOML) and the settings table in
``docs/sparql.md`` are all derived from it.

>>> load_settings({"port": "9000"}, environ={}).port
9000
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgcase.errors import KgcaseError

ENV_PREFIX = "KGCASE_"
#: Environment variable naming an optional TOML config file.
CONFIG_ENV = "KGCASE_CONFIG"


class ConfigError(KgcaseError):
    """A setting that is unknown or whose value has the wrong type."""


_KIND_NAMES = {int: "an integer", float: "a number", str: "a string"}
_MINIMUM = {"workers": 1, "page_workers": 1, "threads": 1, "processes": 1, "timeout_s": 0.1,
            "update_timeout_s": 0.1, "max_query_depth": 1, "header_timeout_s": 0.1,
            "body_timeout_s": 0.1}
#: hyper (in granian) answers a bare 414 to a request target of 65 535 bytes or more.
_MAXIMUM = {"max_url_bytes": 65000}


def _setting(default: Any, help_text: str) -> Any:
    return field(default=default, metadata={"help": help_text})


@dataclass(frozen=True)
class Settings:
    """Every setting of the service, with its default and help text."""

    host: str = _setting("127.0.0.1", "Interface to listen on (0.0.0.0 exposes the service).")
    port: int = _setting(8000, "TCP port to listen on.")
    data_dir: str = _setting(
        "data", "Directory a build wrote; the release its `current` link points to is served."
    )
    store: str = _setting(
        "", "Store queried: empty for the embedded store of data_dir, or a remote SPARQL store "
        "sparql+http(s)://host/path?dialect=… (docs/deploy.md; credentials in "
        "KGCASE_STORE_USER, KGCASE_STORE_PASSWORD)."
    )
    queries_dir: str = _setting(
        "queries", "Directory of named queries (`*.rq`) served under /api/queries."
    )
    sources_dir: str = _setting(
        "cases/sources", "Directory of the reports' source texts (`<case-id>.txt`) shown in "
        "each report's reading view and around its excerpts."
    )
    workers: int = _setting(
        4, "Query worker processes for ad-hoc SPARQL (/sparql, the editor), run at a lower CPU "
        "priority; a query that overruns is killed together with its worker."
    )
    page_workers: int = _setting(
        2, "Query worker processes for pages and named queries, apart from `workers`, so that "
        "heavy ad-hoc queries never hold them."
    )
    client_queries: int = _setting(
        2, "Ad-hoc SPARQL queries one client address may run at once (429 beyond; 0: no limit)."
    )
    queue_length: int = _setting(
        4, "Ad-hoc SPARQL queries that may wait for a busy `workers` pool (503 at once beyond; "
        "0: any number, each for at most `timeout_s`)."
    )
    worker_memory_mb: int = _setting(
        1024, "Memory one query worker may use, in MiB (RLIMIT_DATA); a query past it is "
        "stopped with a 422 that says so, and its worker replaced (0: no limit)."
    )
    threads: int = _setting(
        32, "HTTP threads per HTTP process, running the app on requests whose body has arrived; "
        "a thread mostly waits on a query worker, and ad-hoc queries hold at most `workers` + "
        "`queue_length` of them."
    )
    processes: int = _setting(
        1, "HTTP processes sharing the port, each with its own `threads`, `workers` and result "
        "cache: more than one spreads requests over the cores (docs/sparql.md)."
    )
    timeout_s: float = _setting(
        30.0, "Time limit of one query in seconds, waiting for a worker included (503 after)."
    )
    max_rows: int = _setting(
        10000, "Most rows (or triples) returned; beyond, the header `X-KGCase-Truncated: true`."
    )
    max_answer_bytes: int = _setting(
        16777216, "Most bytes of rows in one answer (about: terms as text); beyond, the answer is "
        "cut with `X-KGCase-Truncated: true` and `X-KGCase-Truncated-By: bytes` (0: no limit)."
    )
    max_query_depth: int = _setting(
        100, "Deepest nesting of groups, brackets and parentheses in a query (400 beyond)."
    )
    max_body_bytes: int = _setting(1048576, "Largest request body accepted (413 beyond).")
    max_url_bytes: int = _setting(
        65000, "Longest query string accepted in a GET (414 beyond; at most 65000: the HTTP "
        "server refuses a longer request target itself)."
    )
    cache_entries: int = _setting(256, "Results kept in the in-memory cache (0 disables it).")
    cache_max_bytes: int = _setting(67108864, "Total size of the cached results in bytes.")
    service_allowlist: str = _setting(
        "", "Comma-separated SERVICE endpoint IRIs that queries may call (none by default)."
    )
    cors_origin: str = _setting(
        "*", "Value of Access-Control-Allow-Origin (empty: no CORS headers)."
    )
    admin_token: str = _setting(
        "", "Bearer token that enables POST /sparql/update (empty: no update endpoint)."
    )
    update_timeout_s: float = _setting(
        300.0, "Time limit of one SPARQL Update on /sparql/update, in seconds."
    )
    base_iri: str = _setting(
        "https://w3id.org/kgcase/",
        "Base of the IRIs served as pages: the path /x names the IRI base_iri + x (docs/pages.md).",
    )
    public_url: str = _setting(
        "", "URL the service is reached at (http(s)://host[:port][/prefix]): absolute links, "
        "redirects, OpenAPI `servers` and the service description are built from it, never from "
        "a request's Host header (empty: http://host:port of these settings)."
    )
    header_timeout_s: float = _setting(
        10.0, "Seconds a client has to send a request's headers (counted from the connection's "
        "first byte, or from the previous answer on a kept-alive connection); the connection is "
        "closed after. Slow clients then cost no HTTP thread (docs/decisions.md)."
    )
    body_timeout_s: float = _setting(
        30.0, "Seconds a client has to send a whole request body, read before the request gets "
        "an HTTP thread; 408 after. Slow uploads then cost no HTTP thread."
    )
    client_requests: int = _setting(
        16, "Requests one client address may have in progress at once (its body being read, or "
        "waiting for or on an HTTP thread); 429 with Retry-After beyond. 0: no limit. Behind a "
        "reverse proxy every client has the proxy's address: raise it there."
    )

    @property
    def allowed_services(self) -> frozenset[str]:
        """The SERVICE IRIs of the allow-list."""
        return frozenset(s.strip() for s in self.service_allowlist.split(",") if s.strip())


def settings_fields() -> tuple[dataclasses.Field[Any], ...]:
    """The table of settings, in declaration order."""
    return dataclasses.fields(Settings)


def env_name(name: str) -> str:
    """The environment variable of setting ``name``."""
    return ENV_PREFIX + name.upper()


def coerce(name: str, value: Any) -> Any:
    """Convert ``value`` (often a string) to the type of setting ``name``."""
    known = {f.name: f for f in settings_fields()}
    if name not in known:
        raise ConfigError(f"unknown setting {name!r}; known settings: {', '.join(known)}")
    kind = type(known[name].default)
    if kind is not str and isinstance(value, str):
        value = value.strip()
    wrong = f"setting {name!r}: {value!r} is not {_KIND_NAMES[kind]}"
    if isinstance(value, bool) or (kind is not str and value == ""):
        raise ConfigError(wrong)
    try:
        converted = kind(value)
    except (TypeError, ValueError):
        raise ConfigError(wrong) from None
    if kind in (int, float) and converted < _MINIMUM.get(name, 0):
        raise ConfigError(f"setting {name!r}: must be at least {_MINIMUM.get(name, 0)}")
    if name in _MAXIMUM and converted > _MAXIMUM[name]:
        raise ConfigError(f"setting {name!r}: must be at most {_MAXIMUM[name]}")
    return converted


def read_config_file(path: Path) -> dict[str, Any]:
    """Read a TOML config file whose top-level keys are setting names."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return {key: _checked(path, key, value) for key, value in data.items()}


def _checked(path: Path, key: str, value: Any) -> Any:
    try:
        return coerce(key, value)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    config_file: Path | str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Layer defaults, then a config file, then ``KGCASE_*`` variables, then ``overrides``.

    The file is ``config_file`` or else the one named by ``KGCASE_CONFIG``; ``None`` values in
    ``overrides`` (unset CLI flags) are ignored. Unknown ``KGCASE_*`` variables are left alone
    (other parts of kgcase read some), but unknown keys in a file or in ``overrides`` are errors.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config_file or env.get(CONFIG_ENV)
    if path:
        values.update(read_config_file(Path(path)))
    for f in settings_fields():
        if env_name(f.name) in env:
            values[f.name] = coerce(f.name, env[env_name(f.name)])
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = coerce(key, value)
    return Settings(**values)


def iter_settings_table() -> Iterator[tuple[str, str, str, str]]:
    """Rows ``(name, environment variable, default, help)`` of the settings table."""
    for f in settings_fields():
        default = repr(f.default) if f.default == "" else str(f.default)
        yield f.name, env_name(f.name), default, f.metadata["help"]


def settings_table_markdown() -> str:
    """The settings table as Markdown, as ``docs/sparql.md`` holds it (a test keeps both equal)."""
    lines = [
        "| setting | environment variable | CLI flag | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for name, env, default, text in iter_settings_table():
        flag = "--" + name.replace("_", "-")
        lines.append(f"| `{name}` | `{env}` | `{flag}` | `{default}` | {text.replace('|', '/')} |")
    return "\n".join(lines) + "\n"
