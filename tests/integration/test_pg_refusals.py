"""Refusals on the wire: 42501 in simple and extended protocol, the session
usable afterwards, the data unchanged, the server in the state PostgreSQL
would be in after an error (aborted transaction, skipped pipeline)."""

import psycopg
import pytest


def connect(gw, tok, **kw):
    return psycopg.connect(gw.dsn(tok, **kw), autocommit=True)


def orders_total(pg):
    return pg.psql("SELECT count(*), sum(total) FROM orders", dbname="app").strip()


@pytest.mark.parametrize("sql", [
    "UPDATE orders SET total = 0",
    "DELETE FROM orders",
    "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d",
    "SELECT * FROM orders FOR UPDATE",
    "SET ROLE postgres",
    "SET SESSION AUTHORIZATION postgres",
    "SELECT set_config('default_transaction_read_only', 'off', false)",
    "SET default_transaction_read_only = off",
    "BEGIN READ WRITE",
    "DO $$ BEGIN DELETE FROM orders; END $$",
    "SELECT 1; DELETE FROM orders",
    "COPY orders FROM PROGRAM 'id'",
])
def test_read_only_agent_is_refused_in_simple_protocol(gateway, tokens, pg, sql):
    before = orders_total(pg)
    with connect(gateway, tokens["agent"]) as c:
        with pytest.raises(psycopg.Error) as e:
            c.cursor().execute(sql.encode())
        assert e.value.sqlstate == "42501", str(e.value)
        msg = str(e.value)
        assert "gatehouse" in msg and "refused" in msg
        assert c.execute("SELECT count(*) FROM orders").fetchone()[0] >= 3
    assert orders_total(pg) == before


def test_prepared_update_is_refused_at_parse(gateway, tokens, pg):
    before = orders_total(pg)
    with connect(gateway, tokens["agent"]) as c:
        with pytest.raises(psycopg.Error) as e:
            c.execute("UPDATE orders SET total = %s WHERE id = %s", (0, 1), prepare=True)
        assert e.value.sqlstate == "42501"
        assert c.execute("SELECT total FROM orders WHERE id = %s", (1,), prepare=True).fetchone()[0] > 0
    assert orders_total(pg) == before


def test_table_rule_refuses_other_tables(gateway, tokens):
    with connect(gateway, tokens["other"]) as c:
        assert c.execute("SELECT count(*) FROM orders").fetchone()[0] >= 3
        with pytest.raises(psycopg.Error) as e:
            c.execute("SELECT * FROM secrets")
        assert e.value.sqlstate == "42501"
        with pytest.raises(psycopg.Error) as e:
            c.execute("SELECT * FROM orders JOIN secrets ON true")
        assert e.value.sqlstate == "42501"
        assert c.execute("SELECT count(*) FROM public.orders").fetchone()[0] >= 3


@pytest.mark.parametrize("sql", [
    "SELECT query FROM pg_stat_activity",
    "SELECT query FROM pg_stat_get_activity(NULL)",
    "SELECT pg_catalog.pg_stat_get_backend_activity(b) FROM pg_stat_get_backend_idset() b",
    "SELECT * FROM pg_lock_status()",
])
def test_a_table_rule_does_not_show_other_sessions_statements_by_any_road(gateway, tokens, sql):
    # The agent's statements carry literals; a principal limited to orders
    # must not read them from pg_stat_activity or the functions behind it.
    with connect(gateway, tokens["other"]) as c:
        with pytest.raises(psycopg.Error) as e:
            c.execute(sql)
        assert e.value.sqlstate == "42501"
        assert c.execute("SELECT count(*) FROM pg_catalog.pg_class").fetchone()[0] > 0  # the catalogs stay open


def test_refusal_inside_a_transaction_aborts_it_as_postgres_would(gateway, tokens):
    with psycopg.connect(gateway.dsn(tokens["agent"])) as c:  # not autocommit: BEGIN implied
        c.execute("SELECT 1")
        with pytest.raises(psycopg.Error) as e:
            c.execute("DELETE FROM orders")
        assert e.value.sqlstate == "42501"
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            c.execute("SELECT 1")
        c.rollback()
        assert c.execute("SELECT 1").fetchone()[0] == 1


def test_refusal_in_a_pipeline_rolls_back_the_implicit_transaction(gateway, tokens, pg):
    before = orders_total(pg)
    with connect(gateway, tokens["writer"]) as c:
        with pytest.raises(psycopg.Error) as e:
            with c.pipeline():
                c.execute("INSERT INTO orders (customer_id, total, note) VALUES (%s, %s, %s)", (1, 1, "pipelined"))
                c.execute("DO $$ BEGIN PERFORM 1; END $$")  # admin: refused
                c.execute("SELECT %s::int", (5,))
        assert e.value.sqlstate == "42501"
        assert c.execute("SELECT 1").fetchone()[0] == 1
    assert orders_total(pg) == before
    assert pg.psql("SELECT count(*) FROM orders WHERE note = 'pipelined'", dbname="app").strip() == "0"


def test_writer_may_write(gateway, tokens, pg):
    with connect(gateway, tokens["writer"]) as c:
        c.execute("UPDATE orders SET note = note WHERE id = 1")
        c.execute("INSERT INTO orders (customer_id, total, note) VALUES (2, 1, 'writer') RETURNING id")
        c.execute("DELETE FROM orders WHERE note = 'writer'")


def test_second_wall_read_only_upstream(gateway, tokens):
    # other-agent's rules allow reads only: its upstream session is read-only.
    with connect(gateway, tokens["other"]) as c:
        assert c.execute("SHOW default_transaction_read_only").fetchone()[0] == "on"
    with connect(gateway, tokens["writer"]) as c:
        assert c.execute("SHOW default_transaction_read_only").fetchone()[0] == "off"


def test_unparseable_is_not_a_read(gateway, tokens):
    with connect(gateway, tokens["agent"]) as c:
        with pytest.raises(psycopg.Error) as e:
            c.execute("SELEC * FROM orders")
        assert e.value.sqlstate == "42501"


def test_execute_arguments_are_classified(gateway, tokens):
    with connect(gateway, tokens["agent"]) as c:
        c.execute("PREPARE echo(text) AS SELECT $1")
        assert c.execute("EXECUTE echo('fine')").fetchone()[0] == "fine"
        with pytest.raises(psycopg.Error) as e:
            c.execute("EXECUTE echo(pg_read_file('/etc/passwd'))")
        assert e.value.sqlstate == "42501"
        with pytest.raises(psycopg.Error) as e:
            c.execute("EXECUTE echo(set_config('default_transaction_read_only', 'off', false))")
        assert e.value.sqlstate == "42501"


@pytest.fixture(scope="module")
def sneaky_schema(pg):
    pg.psql("CREATE SCHEMA IF NOT EXISTS sneaky; CREATE TABLE IF NOT EXISTS sneaky.orders (secret text);"
            "INSERT INTO sneaky.orders VALUES ('sneaky data');"
            "GRANT USAGE ON SCHEMA sneaky TO app_agent; GRANT SELECT ON sneaky.orders TO app_agent", dbname="app")


def test_search_path_change_cannot_redirect_a_table_rule(gateway, tokens, sneaky_schema):
    # other-agent may read public.orders only.
    with connect(gateway, tokens["other"]) as c:
        c.execute("SET search_path = sneaky")
        with pytest.raises(psycopg.Error) as e:
            c.execute("SELECT * FROM orders")
        assert e.value.sqlstate == "42501"
        c.execute("SET search_path = public")
        assert c.execute("SELECT count(*) FROM orders").fetchone()[0] >= 3


def test_search_path_change_in_the_same_string_or_pipeline(gateway, tokens, sneaky_schema):
    with connect(gateway, tokens["other"]) as c:
        with pytest.raises(psycopg.Error) as e:
            c.execute("SET search_path = sneaky; SELECT * FROM orders")
        assert e.value.sqlstate == "42501"
    with connect(gateway, tokens["other"]) as c:
        with pytest.raises(psycopg.Error) as e:
            with c.pipeline():
                c.execute("SELECT set_config('search_path', 'sneaky', false)")
                c.execute("SELECT * FROM orders")
        assert e.value.sqlstate == "42501"


def test_failed_set_in_an_aborted_transaction_does_not_move_the_path(gateway, tokens, sneaky_schema):
    # The SET fails (transaction aborted): the server keeps "public", and the
    # gateway must not believe otherwise.
    with psycopg.connect(gateway.dsn(tokens["other"])) as c:
        with pytest.raises(psycopg.Error):
            c.execute("SELECT 1/0")
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            c.execute("SET search_path = sneaky")
        c.rollback()
        assert c.execute("SELECT count(*) FROM orders").fetchone()[0] >= 3


def test_a_prepared_statement_reads_its_names_again_after_the_path_moves(gateway, tokens, sneaky_schema):
    # PostgreSQL plans a prepared statement again when search_path has changed
    # since it was prepared, so its unqualified names may now mean other tables.
    with connect(gateway, tokens["other"]) as c:
        c.execute("PREPARE peek AS SELECT * FROM orders")
        assert len(c.execute("EXECUTE peek").fetchall()) >= 3
        c.execute("SET search_path = sneaky")
        with pytest.raises(psycopg.Error) as e:
            c.execute("EXECUTE peek")
        assert e.value.sqlstate == "42501"
    # The same with the extended protocol's named statements (Bind/Execute
    # of a statement parsed before the path moved). count(*) has the same
    # result type over either table, so the server would run the new plan.
    with connect(gateway, tokens["other"]) as c:
        for _ in range(2):
            assert c.execute("SELECT count(*) FROM orders", prepare=True).fetchone()[0] >= 3
        c.execute("SET search_path = sneaky")
        with pytest.raises(psycopg.Error) as e:
            c.execute("SELECT count(*) FROM orders", prepare=True)
        assert e.value.sqlstate == "42501"
