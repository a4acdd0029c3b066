"""The README's first command: the demo prints a DATABASE_URL that psql reads
through, a write waits for the reviewer it names, and Ctrl-C cleans up."""

import os
import re
import signal
import subprocess
import threading
import time

from harness import REPO, gatehouse_bin

PSQL = "/usr/lib/postgresql/15/bin/psql"


def test_demo_prints_a_url_that_works(tmp_path):
    env = dict(os.environ, GATEHOUSE_BIN=gatehouse_bin)
    proc = subprocess.Popen(["/usr/bin/python3", os.path.join(REPO, "scripts", "demo.py")], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)
    out = []
    try:
        deadline = time.monotonic() + 90
        url = None
        while time.monotonic() < deadline and proc.poll() is None:
            line = proc.stdout.readline()
            out.append(line)
            m = re.match(r"DATABASE_URL=(postgresql://\S+)", line.strip())
            if m:
                url = m.group(1)
            if "Press Ctrl-C" in line:
                break
        text = "".join(out)
        assert url, text
        server = re.search(r"GATEHOUSE_SERVER=(\S+)", text).group(1)
        reviewer = re.search(r"GATEHOUSE_TOKEN=(\S+)", text).group(1)
        workdir = re.search(r"Gateway log: (\S+)/gatehouse.log", text).group(1)

        r = subprocess.run([PSQL, url, "-X", "-A", "-t", "-c", "SELECT count(*) FROM orders"],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        assert int(r.stdout.strip()) >= 1

        # A write waits for the reviewer; the reviewer approves it with the CLI.
        held = {}

        def write():
            held["r"] = subprocess.run([PSQL, url, "-X", "-c", "UPDATE orders SET note = 'demo' WHERE id = 1"],
                                       capture_output=True, text=True, timeout=60)

        t = threading.Thread(target=write)
        t.start()
        cli_env = dict(os.environ, GATEHOUSE_SERVER=server, GATEHOUSE_TOKEN=reviewer)
        rid = None
        for _ in range(100):
            listed = subprocess.run([gatehouse_bin, "review", "list", "--json"], capture_output=True, text=True,
                                    env=cli_env, timeout=30)
            m = re.search(r"\"(r-[0-9a-f]{12})\"", listed.stdout)
            if m:
                rid = m.group(1)
                break
            time.sleep(0.1)
        assert rid, listed.stdout + listed.stderr
        ok = subprocess.run([gatehouse_bin, "review", "approve", rid], capture_output=True, text=True, env=cli_env,
                            timeout=30)
        assert ok.returncode == 0, ok.stderr
        t.join(30)
        assert held["r"].returncode == 0, held["r"].stderr
        assert f"review {rid}" in held["r"].stderr  # psql shows the NOTICE
        assert "UPDATE 1" in held["r"].stdout
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
    assert "cleaned up" in rest
    assert not os.path.exists(workdir)
