#!/usr/bin/env python3
"""Cuts the relay's recordings into one fixture file per message kind.

Usage: split.py REC_DIR OUT_DIR
Each connection's two byte streams are framed (startup phase, then typed
messages), each message is named by kind, and the first message of each kind
is written to OUT_DIR/<fe|be>_<kind>.hex. A few whole streams are kept too
(stream_*.hex) so the framer also sees messages back to back.
"""
import glob
import json
import os
import struct
import sys

SSL, GSSENC, CANCEL = 80877103, 80877104, 80877102

BACKEND = {b"R": None, b"S": "parameter_status", b"K": "backend_key_data",
           b"Z": "ready_for_query", b"E": "error_response", b"N": "notice_response",
           b"C": "command_complete", b"T": "row_description", b"D": "data_row",
           b"v": "negotiate_protocol_version", b"1": "parse_complete", b"2": "bind_complete",
           b"3": "close_complete", b"n": "no_data", b"t": "parameter_description",
           b"G": "copy_in_response", b"H": "copy_out_response", b"d": "copy_data",
           b"c": "copy_done", b"V": "function_call_response", b"I": "empty_query_response",
           b"s": "portal_suspended", b"A": "notification_response"}
AUTH = {0: "auth_ok", 3: "auth_cleartext", 5: "auth_md5", 10: "auth_sasl",
        11: "auth_sasl_continue", 12: "auth_sasl_final"}
FRONTEND = {b"Q": "query", b"B": "bind", b"E": "execute", b"S": "sync", b"H": "flush",
            b"X": "terminate", b"d": "copy_data", b"c": "copy_done", b"f": "copy_fail",
            b"F": "function_call"}
READY = {b"I": "idle", b"T": "in_transaction", b"E": "failed_transaction"}

def load(path):
    fe, be = b"", b""
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            if rec["dir"] == "F":
                fe += bytes.fromhex(rec["hex"])
            else:
                be += bytes.fromhex(rec["hex"])
    return fe, be

def typed_messages(data):
    out, pos = [], 0
    while len(data) - pos >= 5:
        length = struct.unpack("!i", data[pos + 1:pos + 5])[0]
        out.append(data[pos:pos + 1 + length])
        pos += 1 + length
    return out

def frontend_messages(data):
    """Startup packets first (SSL/GSSENC requests may precede the startup message)."""
    out, pos = [], 0
    while len(data) - pos >= 8:
        length, code = struct.unpack("!ii", data[pos:pos + 8])
        packet = data[pos:pos + length]
        pos += length
        if code == SSL:
            out.append(("ssl_request", packet))
        elif code == GSSENC:
            out.append(("gssenc_request", packet))
        elif code == CANCEL:
            return out + [("cancel_request", packet)], 0
        else:
            out.append(("startup_message", packet))
            break
    refusals = sum(1 for kind, _ in out if kind in ("ssl_request", "gssenc_request"))
    return out + [(None, m) for m in typed_messages(data[pos:])], refusals

def name_backend(msg):
    if msg[:1] == b"R":
        return AUTH.get(struct.unpack("!i", msg[5:9])[0], "auth_other")
    if msg[:1] == b"Z":
        return "ready_for_query_" + READY.get(msg[5:6], "other")
    return BACKEND.get(msg[:1], "other_" + msg[:1].hex())

def name_frontend(msg, auth_codes):
    kind = msg[:1]
    if kind == b"P":
        body = msg[5:]
        rest = body.split(b"\0", 2)[2]
        return "parse_typed" if struct.unpack("!h", rest[:2])[0] > 0 else "parse"
    if kind in (b"D", b"C"):
        what = {b"D": "describe", b"C": "close"}[kind]
        return what + ("_statement" if msg[5:6] == b"S" else "_portal")
    if kind == b"p":
        code = auth_codes.pop(0) if auth_codes else None
        if code == 10:
            auth_codes.insert(0, 11)
            return "sasl_initial_response"
        return {3: "password_cleartext", 5: "password_md5", 11: "sasl_response"}.get(code, "password_other")
    return FRONTEND.get(kind, "other_" + kind.hex())

def printable(chunk):
    return "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)

def hex_lines(msg, framing):
    head = 4 if framing == "startup" else 5
    lines = [msg[:head].hex(" ")]
    for i in range(head, len(msg), 16):
        chunk = msg[i:i + 16]
        lines.append(f"{chunk.hex(' '):<48}  # {printable(chunk)}")
    return lines

def write(out_dir, name, title, source, framing, messages):
    with open(os.path.join(out_dir, name + ".hex"), "w") as f:
        f.write(f"# {title}\n# source: {source}\n# framing: {framing}\n")
        for m in messages:
            f.write("\n".join(hex_lines(m, framing)) + "\n")

def describe_source(app, direction):
    who = {"gh_libpq": "a libpq 15.20 program (capture/clients.c)",
           "gh_raw_gssenc": "capture/raw_client.py (composed from the protocol docs)",
           "gh_raw_close": "capture/raw_client.py (composed from the protocol docs)",
           "gh_raw_negotiate": "capture/raw_client.py (composed from the protocol docs)"}.get(
               app, "psql 15.20 (libpq 15.20)")
    side = "the client: " + who if direction == "fe" else "PostgreSQL 15.20, answering " + who
    return f"captured by capture/relay.py from {side}; connection {app}"

def app_name(fe_msgs):
    for kind, m in fe_msgs:
        if kind == "startup_message":
            fields = m[8:].split(b"\0")
            for k, v in zip(fields[::2], fields[1::2]):
                if k == b"application_name":
                    return v.decode()
            return "unnamed"
        if kind == "cancel_request":
            return "psql_cancel"
        if kind == "gssenc_request":
            return "gh_raw_gssenc"
    return "unknown"

def main():
    rec_dir, out_dir = sys.argv[1], sys.argv[2]
    seen = set()
    for path in sorted(glob.glob(os.path.join(rec_dir, "conn-*.jsonl"))):
        fe, be = load(path)
        fe_msgs, refusals = frontend_messages(fe)
        be_msgs = typed_messages(be[refusals:])
        app = app_name(fe_msgs)
        auth_codes = [struct.unpack("!i", m[5:9])[0] for m in be_msgs if m[:1] == b"R"]
        auth_codes = [c for c in auth_codes if c in (3, 5, 10)]
        named = [("fe", kind or name_frontend(m, auth_codes), m, "startup" if kind else "typed")
                 for kind, m in fe_msgs]
        named += [("be", name_backend(m), m, "typed") for m in be_msgs]
        for direction, kind, m, framing in named:
            if (direction, kind) in seen:
                continue
            seen.add((direction, kind))
            arrow = "frontend -> backend" if direction == "fe" else "backend -> frontend"
            write(out_dir, f"{direction}_{kind}", f"{kind}, {arrow}",
                  describe_source(app, direction), framing, [m])
        if app == "gh_psql_scram":
            write(out_dir, "stream_be_scram_login", "every backend message of a SCRAM login",
                  describe_source(app, "be"), "typed", be_msgs)
        if app == "gh_libpq":
            write(out_dir, "stream_fe_libpq", "every typed frontend message of a libpq session",
                  describe_source(app, "fe"), "typed", [m for k, m in fe_msgs if k is None])

if __name__ == "__main__":
    main()
