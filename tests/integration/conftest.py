"""Shared fixtures: one PostgreSQL 15 per test module, a gateway per need."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import SCRAM_HBA, app_database, gateway_process, new_token  # noqa: E402
from pgserver import pg_server  # noqa: E402


@pytest.fixture(scope="module")
def pg():
    with pg_server(hba=SCRAM_HBA, settings={"max_connections": "200"}) as server:
        yield server


@pytest.fixture(scope="module")
def app(pg):
    return app_database(pg)


@pytest.fixture(scope="module")
def tokens():
    return {
        "agent": new_token("chatgpt-agent", ["agents"]),
        "writer": new_token("etl-bot", ["etl"]),
        "other": new_token("other-agent"),
        "norule": new_token("stranger"),
    }


STANDARD_RULES = [
    # Reads only: writes are refused at once here (holds for review have
    # their own module, test_pg_reviews.py).
    {"name": "agents-read", "principals": ["chatgpt-agent", "group:agents"], "connections": ["app"],
     "allow": ["read"]},
    {"name": "etl-write", "principals": ["group:etl"], "connections": ["app"],
     "allow": ["read", "write"]},
    {"name": "other-orders", "principals": ["other-agent"], "connections": ["app"],
     "allow": ["read"], "tables": ["public.orders"]},
]


@pytest.fixture(scope="module")
def gateway(tmp_path_factory, app, tokens):
    workdir = str(tmp_path_factory.mktemp("gw"))
    # A short review_timeout: a statement held by mistake fails the test
    # instead of hanging it.
    with gateway_process(workdir, {"app": app.connection()}, [t.entry for t in tokens.values()],
                         STANDARD_RULES, extra={"gateway": {"review_timeout": "20s"}}) as gw:
        yield gw
