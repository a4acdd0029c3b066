#!/usr/bin/env python3
"""Messages no stock client on this machine sends, composed here from the
protocol docs (https://www.postgresql.org/docs/15/protocol-message-formats.html)
and sent through the recording relay so the server's answers are real:
GSSENCRequest, Close S/P, and a StartupMessage asking for protocol 3.1 with a
_pq_ option (the server answers NegotiateProtocolVersion).

Usage: raw_client.py PORT USER DBNAME
"""
import socket
import struct
import sys

def startup(user, db, app, protocol=0x00030000, extra=()):
    params = [("user", user), ("database", db), ("application_name", app), *extra]
    body = struct.pack("!i", protocol) + b"".join(
        k.encode() + b"\0" + v.encode() + b"\0" for k, v in params) + b"\0"
    return struct.pack("!i", len(body) + 4) + body

def typed(kind, body=b""):
    return kind + struct.pack("!i", len(body) + 4) + body

def read_until_ready(s):
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            raise SystemExit("server closed the connection early")
        buf += chunk
        pos = 0
        while len(buf) - pos >= 5:
            length = struct.unpack("!i", buf[pos + 1:pos + 5])[0]
            if len(buf) - pos < length + 1:
                break
            if buf[pos:pos + 1] == b"Z":
                return
            pos += length + 1

def connect(port):
    return socket.create_connection(("127.0.0.1", port))

def gssenc(port, user, db):
    s = connect(port)
    s.sendall(struct.pack("!ii", 8, 80877104))
    answer = s.recv(1)
    if answer == b"G":
        # A server built with GSSAPI accepts; without Kerberos we cannot go on.
        s.close()
        return
    if answer != b"N":
        raise SystemExit(f"unexpected answer to GSSENCRequest: {answer!r}")
    s.sendall(startup(user, db, "gh_raw_gssenc"))
    read_until_ready(s)
    s.sendall(typed(b"X"))
    s.close()

def close_messages(port, user, db):
    s = connect(port)
    s.sendall(startup(user, db, "gh_raw_close"))
    read_until_ready(s)
    s.sendall(typed(b"P", b"gh_stmt\0SELECT 1\0" + struct.pack("!h", 0)) +
              typed(b"B", b"gh_portal\0gh_stmt\0" + struct.pack("!hhh", 0, 0, 0)) +
              typed(b"C", b"Pgh_portal\0") +
              typed(b"C", b"Sgh_stmt\0") +
              typed(b"S"))
    read_until_ready(s)
    s.sendall(typed(b"X"))
    s.close()

def negotiate(port, user, db):
    s = connect(port)
    s.sendall(startup(user, db, "gh_raw_negotiate", protocol=0x00030001,
                      extra=[("_pq_.gh_option", "on")]))
    read_until_ready(s)
    s.sendall(typed(b"X"))
    s.close()

def main():
    port, user, db = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    gssenc(port, user, db)
    close_messages(port, user, db)
    negotiate(port, user, db)

if __name__ == "__main__":
    main()
