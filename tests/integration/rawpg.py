"""A raw PostgreSQL protocol client for tests that must send what no driver
sends: it logs in with a token, then writes and reads bare messages."""

import socket
import struct


class raw_session:
    def __init__(self, port, user, token, database="app"):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.settimeout(10)
        self.buf = b""
        body = f"user\0{user}\0database\0{database}\0\0".encode()
        self.sock.sendall(struct.pack("!ii", 8 + len(body), 196608) + body)
        t, _ = self.read()
        assert t == b"R", t
        self.send(b"p", token.encode() + b"\0")
        while True:
            t, body = self.read()
            if t == b"E":
                raise RuntimeError(body)
            if t == b"Z":
                break

    def send(self, type_byte, body=b""):
        self.sock.sendall(type_byte + struct.pack("!i", 4 + len(body)) + body)

    def send_raw(self, data):
        self.sock.sendall(data)

    def read(self):
        """One message (type, body); (b"", b"") when the connection closed."""
        while len(self.buf) < 5 or len(self.buf) < 1 + struct.unpack("!i", self.buf[1:5])[0]:
            chunk = self.sock.recv(65536)
            if not chunk:
                return b"", b""
            self.buf += chunk
        length = struct.unpack("!i", self.buf[1:5])[0]
        t, body, self.buf = self.buf[:1], self.buf[5:1 + length], self.buf[1 + length:]
        return t, body

    def read_until_ready(self):
        """Messages up to and including ReadyForQuery (or the connection's end)."""
        out = []
        while True:
            t, body = self.read()
            out.append((t, body))
            if t in (b"Z", b""):
                return out

    def query(self, sql):
        self.send(b"Q", sql.encode() + b"\0")
        return self.read_until_ready()

    def close(self):
        self.sock.close()


def error_fields(body):
    """{code: value} of an ErrorResponse/NoticeResponse body."""
    out = {}
    for part in body.split(b"\0"):
        if part:
            out[chr(part[0])] = part[1:].decode(errors="replace")
    return out
