#!/usr/bin/env python3
"""A recording TCP relay: the fixtures' bytes are what real clients and a real
PostgreSQL server said to each other, as this relay saw them.

Usage: relay.py LISTEN_PORT UPSTREAM_PORT OUT_DIR
Each accepted connection is relayed to 127.0.0.1:UPSTREAM_PORT and logged to
OUT_DIR/conn-<n>.jsonl, one record per chunk read: {"dir": "F"|"B", "hex": ...}
(F: frontend to backend, B: backend to frontend). Stops on SIGTERM.
"""
import json
import os
import socket
import sys
import threading

def pump(src, dst, direction, log, lock):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            with lock:
                log.write(json.dumps({"dir": direction, "hex": data.hex()}) + "\n")
                log.flush()
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

def serve(conn, n, upstream_port, out_dir):
    up = socket.create_connection(("127.0.0.1", upstream_port))
    lock = threading.Lock()
    with open(os.path.join(out_dir, f"conn-{n:03d}.jsonl"), "w") as log:
        threads = [threading.Thread(target=pump, args=(conn, up, "F", log, lock)),
                   threading.Thread(target=pump, args=(up, conn, "B", log, lock))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    conn.close()
    up.close()

def main():
    listen_port, upstream_port, out_dir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", listen_port))
    srv.listen(16)
    n = 0
    while True:
        conn, _ = srv.accept()
        n += 1
        threading.Thread(target=serve, args=(conn, n, upstream_port, out_dir), daemon=True).start()

if __name__ == "__main__":
    main()
