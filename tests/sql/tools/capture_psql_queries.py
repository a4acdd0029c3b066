#!/usr/bin/python3
"""Captures the catalog queries psql runs for its backslash commands (psql -E)
against a scratch PostgreSQL 15, into tests/sql/psql_introspection.sql.

Usage: /usr/bin/python3 tests/sql/tools/capture_psql_queries.py > tests/sql/psql_introspection.sql
"""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "integration"))
from pgserver import pg_server  # noqa: E402

SCHEMA = """
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers(id),
                     total numeric(10,2) DEFAULT 0 CHECK (total >= 0), note text);
CREATE INDEX orders_total ON orders (total);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(total) FROM orders GROUP BY 1;
CREATE SEQUENCE order_seq;
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE FUNCTION add1(int) RETURNS int LANGUAGE sql AS 'SELECT $1 + 1';
CREATE SCHEMA sales;
CREATE TABLE sales.leads (id int);
COMMENT ON TABLE orders IS 'orders placed';
"""

COMMANDS = [
    r"\d", r"\dt", r"\dt+", r"\d orders", r"\d+ orders", r"\d customers", r"\d big_orders",
    r"\d+ big_orders", r"\d order_seq", r"\d orders_total", r"\d sales.leads", r"\dv", r"\dm",
    r"\di", r"\ds", r"\dn", r"\dn+", r"\df", r"\df+ add1", r"\dT", r"\dD", r"\du", r"\dg",
    r"\dp", r"\z orders", r"\l", r"\l+", r"\dx", r"\dx+", r"\db", r"\dc", r"\dC", r"\dd",
    r"\ddp", r"\dE", r"\des", r"\dew", r"\det", r"\deu", r"\dF", r"\dFd", r"\dFp", r"\dFt",
    r"\dL", r"\do", r"\dO", r"\dP", r"\drds", r"\dRp", r"\dRs", r"\dy", r"\dA", r"\dAc",
    r"\dAf", r"\dAo", r"\dAp", r"\dconfig", r"\dX", r"\sf add1", r"\sv big_orders",
    r"\lo_list", r"\dl",
]


def main():
    blocks = []
    with pg_server() as pg:
        pg.psql(SCHEMA)
        for command in COMMANDS:
            out = pg.psql_capture(command, echo_hidden=True)
            for q in re.findall(r"\*{9} QUERY \*{10}\n(.*?)\n\*{26}", out.stdout, re.S):
                blocks.append((command, q.strip()))
    print("-- Catalog queries psql 15 runs for its backslash commands, captured with")
    print("-- psql -E by tests/sql/tools/capture_psql_queries.py. Each block: a line")
    print("-- '-- command: <cmd>', the query, and a line with only ';;'.")
    seen = set()
    for command, q in blocks:
        if q in seen:
            continue
        seen.add(q)
        print(f"-- command: {command}")
        print(q)
        print(";;")


if __name__ == "__main__":
    main()
