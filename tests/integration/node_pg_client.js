// A node `pg` client run by test_node_pg.py: simple and parameterised
// queries, a refused write, a transaction; prints one JSON line of results.
const { Client } = require('pg');

async function main() {
  const client = new Client({ connectionString: process.argv[2] });
  await client.connect();
  const out = {};
  out.simple = (await client.query('SELECT count(*)::int AS n FROM orders')).rows[0].n;
  out.param = (await client.query('SELECT name FROM customers WHERE id = $1', [2])).rows[0].name;
  out.named = (await client.query({ name: 'by-id', text: 'SELECT id FROM orders WHERE id = $1', values: [1] })).rows[0].id;
  out.named_again = (await client.query({ name: 'by-id', text: 'SELECT id FROM orders WHERE id = $1', values: [2] })).rows[0].id;
  try {
    await client.query('UPDATE orders SET total = 0 WHERE id = $1', [1]);
    out.refused = null;
  } catch (e) {
    out.refused = e.code;
    out.refused_message = e.message;
  }
  out.after = (await client.query('SELECT 1 AS one')).rows[0].one;
  await client.end();
  console.log(JSON.stringify(out));
}

main().catch((e) => { console.error(e); process.exit(1); });
