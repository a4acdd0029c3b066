/* libpq driven through the recording relay, for the extended-protocol messages
 * that psql 15 never sends: Parse with and without parameter types, Bind,
 * Describe S/P, Execute, Sync, Flush, CopyFail and FunctionCall (PQfn via the
 * large-object API). Build: cc clients.c -I$(pg_config --includedir) -lpq
 * Usage: clients "host=127.0.0.1 port=N user=U dbname=D" */
#include <libpq-fe.h>
#include <libpq/libpq-fs.h>
#include <stdio.h>
#include <stdlib.h>

static PGconn* conn;

static void check(PGresult* r, ExecStatusType want, const char* what) {
  if (PQresultStatus(r) != want) {
    fprintf(stderr, "%s: %s %s", what, PQresStatus(PQresultStatus(r)), PQerrorMessage(conn));
    exit(1);
  }
  PQclear(r);
}

static void drain(void) {
  PGresult* r;
  while ((r = PQgetResult(conn)) != NULL) PQclear(r);
}

static void extended(void) {
  const Oid types[2] = {23, 23};
  const char* values[2] = {"1", "2"};
  check(PQprepare(conn, "typed", "SELECT $1::int4 + $2", 2, types), PGRES_COMMAND_OK, "parse typed");
  check(PQprepare(conn, "", "SELECT 1", 0, NULL), PGRES_COMMAND_OK, "parse untyped");
  check(PQdescribePrepared(conn, "typed"), PGRES_COMMAND_OK, "describe S");
  check(PQexecPrepared(conn, "typed", 2, values, NULL, NULL, 0), PGRES_TUPLES_OK, "execute");
}

static void pipeline_flush(void) {
  if (!PQenterPipelineMode(conn)) exit(1);
  if (!PQsendQueryParams(conn, "SELECT 2", 0, NULL, NULL, NULL, NULL, 0)) exit(1);
  if (!PQsendFlushRequest(conn) || PQflush(conn) != 0) exit(1);
  check(PQgetResult(conn), PGRES_TUPLES_OK, "pipelined select");
  drain();
  if (!PQpipelineSync(conn)) exit(1);
  check(PQgetResult(conn), PGRES_PIPELINE_SYNC, "pipeline sync");
  if (!PQexitPipelineMode(conn)) exit(1);
}

static void portal_and_fastpath(void) {
  check(PQexec(conn, "BEGIN"), PGRES_COMMAND_OK, "begin");
  check(PQexec(conn, "DECLARE gh_cursor CURSOR FOR SELECT 1 AS one"), PGRES_COMMAND_OK, "declare");
  check(PQdescribePortal(conn, "gh_cursor"), PGRES_COMMAND_OK, "describe P");
  if (lo_creat(conn, INV_READ | INV_WRITE) == InvalidOid) exit(1);  /* FunctionCall */
  check(PQexec(conn, "ROLLBACK"), PGRES_COMMAND_OK, "rollback");
}

static void copy_fail(void) {
  check(PQexec(conn, "CREATE TEMP TABLE gh_copy(a int, b text)"), PGRES_COMMAND_OK, "create");
  check(PQexec(conn, "COPY gh_copy FROM STDIN"), PGRES_COPY_IN, "copy in");
  if (PQputCopyData(conn, "1\tone\n", 6) != 1) exit(1);
  if (PQputCopyEnd(conn, "client gave up") != 1) exit(1);
  check(PQgetResult(conn), PGRES_FATAL_ERROR, "copy fail");
  drain();
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  conn = PQconnectdb(argv[1]);
  if (PQstatus(conn) != CONNECTION_OK) {
    fprintf(stderr, "%s", PQerrorMessage(conn));
    return 1;
  }
  extended();
  pipeline_flush();
  portal_and_fastpath();
  copy_fail();
  PQfinish(conn);
  return 0;
}
