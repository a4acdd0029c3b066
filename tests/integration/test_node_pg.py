"""node `pg` (the JavaScript driver agents use most) through the gateway."""

import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def test_node_pg_reads_and_is_refused_a_write(gateway, tokens):
    r = subprocess.run(["node", os.path.join(HERE, "node_pg_client.js"), gateway.url(tokens["agent"])],
                       capture_output=True, text=True, timeout=60, cwd=HERE)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["simple"] >= 3
    assert out["param"] == "Grace"
    assert out["named"] == 1 and out["named_again"] == 2
    assert out["refused"] == "42501"
    assert "refused" in out["refused_message"]
    assert out["after"] == 1
