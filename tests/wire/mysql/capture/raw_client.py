#!/usr/bin/env python3
"""A hand-driven MySQL protocol client for the fixture capture: it sends the
commands that the `mariadb` client never sends on its own (prepared
statements, COM_SET_OPTION, COM_RESET_CONNECTION, COM_CHANGE_USER,
COM_BINLOG_DUMP...). Its packets are written here from the protocol
documentation; the server's answers are MariaDB's own.

Usage: raw_client.py PORT USER PASSWORD SCENARIO [deprecate_eof]
Scenarios: commands, change_user
"""
import hashlib
import socket
import struct
import sys

CLIENT_LONG_PASSWORD = 1
CLIENT_CONNECT_WITH_DB = 8
CLIENT_PROTOCOL_41 = 1 << 9
CLIENT_TRANSACTIONS = 1 << 13
CLIENT_SECURE_CONNECTION = 1 << 15
CLIENT_MULTI_STATEMENTS = 1 << 16
CLIENT_MULTI_RESULTS = 1 << 17
CLIENT_PS_MULTI_RESULTS = 1 << 18
CLIENT_PLUGIN_AUTH = 1 << 19
CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 1 << 21
CLIENT_SESSION_TRACK = 1 << 23
CLIENT_DEPRECATE_EOF = 1 << 24


class conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.buf = b""
        self.seq = 0

    def read_packet(self):
        while len(self.buf) < 4:
            self.buf += self.s.recv(65536)
        n = self.buf[0] | self.buf[1] << 8 | self.buf[2] << 16
        while len(self.buf) < 4 + n:
            self.buf += self.s.recv(65536)
        seq, payload = self.buf[3], self.buf[4:4 + n]
        self.buf = self.buf[4 + n:]
        self.seq = (seq + 1) & 0xff
        return payload

    def send(self, payload, seq=None):
        seq = self.seq if seq is None else seq
        self.s.sendall(struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload)
        self.seq = (seq + 1) & 0xff

    def command(self, payload):
        self.send(payload, seq=0)

    def read_response(self, deprecate_eof):
        """Reads one whole response (with more results); returns the packets."""
        out = []
        while True:
            p = self.read_packet()
            out.append(p)
            if p[0] == 0xFF:
                return out
            if p[0] == 0x00:
                status = ok_status(p)
                if status & 8:
                    continue
                return out
            ncols = p[0]  # small result sets only
            for _ in range(ncols):
                out.append(self.read_packet())
            if not deprecate_eof:
                out.append(self.read_packet())
            while True:
                p = self.read_packet()
                out.append(p)
                if p[0] == 0xFE and len(p) < 0xFFFFFF:
                    status = ok_status(p) if deprecate_eof else struct.unpack("<H", p[3:5])[0]
                    break
                if p[0] == 0xFF:
                    return out
            if not status & 8:
                return out


def lenenc(p, i):
    b = p[i]
    if b < 0xFB:
        return b, i + 1
    n = {0xFC: 2, 0xFD: 3, 0xFE: 8}[b]
    return int.from_bytes(p[i + 1:i + 1 + n], "little"), i + 1 + n


def ok_status(p):
    _, i = lenenc(p, 1)
    _, i = lenenc(p, i)
    return struct.unpack("<H", p[i:i + 2])[0]


def native(password, nonce):
    s1 = hashlib.sha1(password).digest()
    s2 = hashlib.sha1(s1).digest()
    x = hashlib.sha1(nonce + s2).digest()
    return bytes(a ^ b for a, b in zip(s1, x))


def login(c, user, password, caps, database=b"gh"):
    hs = c.read_packet()
    i = hs.index(b"\0", 1) + 1
    part1 = hs[i + 4:i + 12]
    i += 13 + 2 + 1 + 2 + 2
    data_len = hs[i]
    i += 11
    part2 = hs[i:i + max(13, data_len - 8)].rstrip(b"\0")
    nonce = part1 + part2
    auth = native(password, nonce)
    resp = struct.pack("<IIB", caps, 1 << 24, 45) + b"\0" * 23
    resp += user + b"\0" + bytes([len(auth)]) + auth + database + b"\0" + b"mysql_native_password\0"
    c.send(resp)
    ok = c.read_packet()
    assert ok[0] == 0, ok
    return nonce


def commands(port, user, password, deprecate_eof):
    caps = (CLIENT_LONG_PASSWORD | CLIENT_CONNECT_WITH_DB | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS
            | CLIENT_SECURE_CONNECTION | CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS
            | CLIENT_PS_MULTI_RESULTS | CLIENT_PLUGIN_AUTH | CLIENT_SESSION_TRACK)
    if deprecate_eof:
        caps |= CLIENT_DEPRECATE_EOF
    c = conn(port)
    login(c, user, password, caps)
    c.command(b"\x03SELECT 1 AS a; SELECT 2 AS b")
    c.read_response(deprecate_eof)
    c.command(b"\x03INSERT INTO t VALUES (1)")  # an OK with affected rows
    c.read_response(deprecate_eof)
    c.command(b"\x16SELECT ? + 1 AS x, ? AS y")  # COM_STMT_PREPARE
    ok = c.read_packet()
    stmt_id, ncols, nparams = struct.unpack("<IHH", ok[1:9])
    for _ in range(nparams + ncols + (0 if deprecate_eof else 2)):
        c.read_packet()
    # COM_STMT_SEND_LONG_DATA for parameter 1 (no response), then execute
    c.command(b"\x18" + struct.pack("<IH", stmt_id, 1) + b"long data")
    params = struct.pack("<B", 0) + b"\x01" + struct.pack("<HH", 8, 253) + struct.pack("<q", 41)
    c.command(b"\x17" + struct.pack("<IBI", stmt_id, 0, 1) + params)
    c.read_response(deprecate_eof)
    c.command(b"\x1a" + struct.pack("<I", stmt_id))  # COM_STMT_RESET
    c.read_packet()
    c.command(b"\x19" + struct.pack("<I", stmt_id))  # COM_STMT_CLOSE: no response
    c.command(b"\x1b" + struct.pack("<H", 1))  # COM_SET_OPTION multi statements off
    c.read_packet()
    c.command(b"\x04t\0")  # COM_FIELD_LIST
    while True:
        p = c.read_packet()
        if p[0] in (0xFE, 0xFF) and len(p) < 0xFFFFFF:
            break
    c.command(b"\x1f")  # COM_RESET_CONNECTION
    c.read_packet()
    c.command(b"\x0e")  # COM_PING
    c.read_packet()
    c.command(b"\x12" + struct.pack("<IHI", 4, 0, 99) + b"")  # COM_BINLOG_DUMP: refused by the server here
    c.read_packet()
    c.command(b"\x01")  # COM_QUIT
    c.s.close()


def change_user(port, user, password, deprecate_eof):
    caps = (CLIENT_LONG_PASSWORD | CLIENT_CONNECT_WITH_DB | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS
            | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH)
    c = conn(port)
    nonce = login(c, user, password, caps)
    auth = native(password, nonce)
    c.command(b"\x11" + user + b"\0" + bytes([len(auth)]) + auth + b"gh\0"
              + struct.pack("<H", 45) + b"mysql_native_password\0")
    p = c.read_packet()
    if p[0] == 0xFE:  # AuthSwitchRequest: answer with the new nonce
        name_end = p.index(b"\0", 1)
        c.send(native(password, p[name_end + 1:].rstrip(b"\0")))
        c.read_packet()
    c.command(b"\x01")
    c.s.close()


if __name__ == "__main__":
    port, user, password, scenario = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3].encode(), sys.argv[4]
    deprecate = len(sys.argv) > 5 and sys.argv[5] == "deprecate_eof"
    {"commands": commands, "change_user": change_user}[scenario](port, user, password, deprecate)
