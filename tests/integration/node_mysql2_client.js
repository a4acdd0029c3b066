// A node `mysql2` client run by the MySQL integration tests. It connects
// through the gateway with mysql2's own mysql_clear_password auth plugin
// (the token is the password), runs the steps it is given on one connection,
// and prints one JSON line: a result or an error per step.
//
//   node node_mysql2_client.js '<json>'
//   { "connection": { host, port, user, password, database, ssl?, multipleStatements? },
//     "steps": [ { "op": "query" | "execute" | "ping" | "changeUser" | "infile",
//                  "sql"?, "params"?, "user"?, "password"?, "file_body"? } ] }
//
// A step's error does not stop the run: the session must survive refusals.
// `infile` runs `sql` (a LOAD DATA LOCAL INFILE) offering `file_body` as the
// file, so a test can see whether it ever reached the server.
const fs = require('fs');
const { Readable } = require('stream');
const mysql = require('mysql2/promise');
const { authPlugins } = require('mysql2');

function errorOf(e) {
  return { errno: e.errno ?? null, sqlState: e.sqlState ?? null, code: e.code ?? null, message: e.message };
}

function resultOf(rows) {
  if (Array.isArray(rows)) return { rows };
  return { affectedRows: rows.affectedRows, info: rows.info ?? '', warningStatus: rows.warningStatus };
}

async function step(conn, s) {
  switch (s.op) {
    case 'query':
      return resultOf((await conn.query(s.sql, s.params))[0]);
    case 'execute':
      return resultOf((await conn.execute(s.sql, s.params || []))[0]);
    case 'ping':
      await conn.ping();
      return { ok: true };
    case 'changeUser':
      await conn.changeUser({ user: s.user, password: s.password });
      return { ok: true };
    case 'infile': {
      const body = s.file_body || '';
      const [rows] = await conn.query({
        sql: s.sql,
        infileStreamFactory: () => Readable.from([Buffer.from(body)]),
      });
      return resultOf(rows);
    }
    default:
      throw new Error(`unknown op ${s.op}`);
  }
}

async function main() {
  const spec = JSON.parse(process.argv[2]);
  const c = spec.connection;
  const options = {
    host: c.host, port: c.port, user: c.user, password: c.password, database: c.database,
    multipleStatements: !!c.multipleStatements,
    authPlugins: { mysql_clear_password: authPlugins.mysql_clear_password({ password: c.password }) },
  };
  if (c.ssl) options.ssl = { ca: fs.readFileSync(c.ssl.ca), rejectUnauthorized: true };
  const out = { steps: [] };
  let conn;
  try {
    conn = await mysql.createConnection(options);
  } catch (e) {
    out.connect_error = errorOf(e);
    console.log(JSON.stringify(out));
    return;
  }
  for (const s of spec.steps) {
    try {
      out.steps.push(await step(conn, s));
    } catch (e) {
      out.steps.push({ error: errorOf(e) });
    }
  }
  try {
    await conn.end();
  } catch (e) {
    out.end_error = errorOf(e);
  }
  console.log(JSON.stringify(out));
}

main().catch((e) => { console.error(e); process.exit(1); });
