#!/usr/bin/python3
"""Writes the fixtures MariaDB cannot produce: the caching_sha2_password
exchange (a MySQL 8 plugin MariaDB lacks) and mysql_clear_password (which a
MariaDB server asks for only through PAM). Laid out from the MySQL 8.0
protocol documentation (page_caching_sha2_authentication_exchanges,
page_protocol_connection_phase_packets); the scramble is computed here with
Python's hashlib, independently of the C++ code the tests check.

Usage: hand_written.py OUT_DIR PUBLIC_KEY_PEM
"""
import hashlib
import struct
import sys

PASSWORD = b"gatehouse-fixture"
NONCE = b"Rw;7c!Kp=2v&QxZ9e@Lm"  # 20 printable bytes, no NUL, no '$'
SOURCE = "hand-written from the MySQL 8.0 protocol documentation (capture/hand_written.py)"


def packet(seq, payload):
    return struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload


def write(out_dir, name, title, packets):
    with open(f"{out_dir}/{name}.hex", "w") as f:
        f.write(f"# {title}\n# source: {SOURCE}\n# framing: packets\n")
        for p in packets:
            f.write(" ".join(f"{b:02x}" for b in p[:4]) + "\n")
            body = p[4:]
            for i in range(0, len(body), 16):
                chunk = body[i:i + 16]
                text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
                f.write(f"{' '.join(f'{b:02x}' for b in chunk):<48}  # {text}\n")


def caching_sha2(password, nonce):
    p1 = hashlib.sha256(password).digest()
    p2 = hashlib.sha256(hashlib.sha256(p1).digest() + nonce).digest()
    return bytes(a ^ b for a, b in zip(p1, p2))


def main():
    out, pem_path = sys.argv[1], sys.argv[2]
    caps = 0xDFFFFFFF & ~(1 << 5)  # MySQL 8.0.36 without compression
    hs = (bytes([10]) + b"8.0.36\0" + struct.pack("<I", 8) + NONCE[:8] + b"\0"
          + struct.pack("<H", caps & 0xFFFF) + bytes([255]) + struct.pack("<H", 2)
          + struct.pack("<H", caps >> 16) + bytes([21]) + b"\0" * 10 + NONCE[8:] + b"\0"
          + b"caching_sha2_password\0")
    write(out, "be_handshake_v10_caching_sha2", "initial handshake v10 of a MySQL 8 server, caching_sha2_password", [packet(0, hs)])
    scramble = caching_sha2(PASSWORD, NONCE)
    ccaps = (1 | 8 | (1 << 9) | (1 << 13) | (1 << 15) | (1 << 16) | (1 << 17) | (1 << 19)
             | (1 << 21) | (1 << 24))
    resp = (struct.pack("<IIB", ccaps, 1 << 24, 255) + b"\0" * 23 + b"gh\0"
            + bytes([len(scramble)]) + scramble + b"gh\0" + b"caching_sha2_password\0")
    write(out, "fe_handshake_response41_caching_sha2",
          "HandshakeResponse41 with the caching_sha2_password scramble of 'gatehouse-fixture'", [packet(1, resp)])
    write(out, "be_auth_more_data_fast_auth_success", "AuthMoreData 0x03: fast authentication succeeded", [packet(2, b"\x01\x03")])
    write(out, "be_auth_more_data_perform_full_authentication", "AuthMoreData 0x04: the server wants full authentication", [packet(2, b"\x01\x04")])
    write(out, "fe_caching_sha2_request_public_key", "caching_sha2_password: the client asks for the RSA public key (0x02)", [packet(3, b"\x02")])
    with open(pem_path, "rb") as f:
        pem = f.read()
    write(out, "be_auth_more_data_public_key", "AuthMoreData carrying the server's RSA public key (PEM)", [packet(4, b"\x01" + pem)])
    write(out, "be_auth_switch_request_caching_sha2", "AuthSwitchRequest to caching_sha2_password with a nonce",
          [packet(2, b"\xfe" + b"caching_sha2_password\0" + NONCE + b"\0")])
    write(out, "be_auth_switch_request_clear_password", "AuthSwitchRequest to mysql_clear_password",
          [packet(2, b"\xfe" + b"mysql_clear_password\0")])
    write(out, "fe_clear_password", "mysql_clear_password response: the password and a NUL", [packet(3, PASSWORD + b"\0")])


if __name__ == "__main__":
    main()
