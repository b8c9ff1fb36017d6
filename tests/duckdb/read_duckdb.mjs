// read_duckdb.mjs - Parquet files written by DuckDB (ZSTD) read through
// our reader (uptake-dump --jsonl): every value equal to what DuckDB
// itself reads; files with features we do not support are rejected with a
// message that says what is not supported.
//
//   node read_duckdb.mjs UPTAKE_DUMP OUTDIR
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const [dump, outdir] = process.argv.slice(2);
if (!dump || !outdir) {
  console.error('usage: node read_duckdb.mjs UPTAKE_DUMP OUTDIR');
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
await conn.run("SET TimeZone = 'UTC'");
const N = 100000;
await conn.run(`CREATE TABLE t AS SELECT
  i::BIGINT AS id,
  CASE WHEN i % 3 = 0 THEN NULL ELSE (i * 7919 % 2000000 - 1000000)::INTEGER END AS i32,
  CASE WHEN i % 5 = 1 THEN NULL ELSE (i * 1000003 - 5000000000)::BIGINT END AS i64,
  CASE WHEN i % 17 = 4 THEN NULL ELSE (i % 300 - 150)::SMALLINT END AS i16,
  CASE WHEN i % 7 = 2 THEN NULL ELSE i % 2 = 0 END AS b,
  CASE WHEN i % 11 = 3 THEN NULL ELSE ['ok', 'nxdomain', '', 'café', '✓ secure', '😀', 'a,"b"'][i % 7 + 1] END AS s_enum,
  CASE WHEN i % 2 = 0 THEN NULL ELSE 'host-' || i || '.example' END AS s_uniq,
  CASE WHEN i % 997 = 5 THEN repeat('xé', 30000) ELSE repeat('z', (i % 50)::INTEGER) END AS s_long,
  CASE WHEN i % 13 = 0 THEN NULL ELSE make_timestamp(1700000000000000 + i * 1000003) END AS ts,
  CASE WHEN i % 19 = 0 THEN NULL ELSE make_timestamp(-100000000000 + i * 999983)::TIMESTAMPTZ END AS tstz,
  (i % 4)::INTEGER AS small_int
FROM range(${N}) r(i)`);

const cols = ['id', 'i32', 'i64', 'i16', 'b', 's_enum', 's_uniq', 's_long', 'ts', 'tstz', 'small_int'];
const sel = cols.map((c) => (c === 'ts' || c === 'tstz')
  ? `strftime("${c}", '%Y-%m-%dT%H:%M:%S.%fZ') AS "${c}"` : `"${c}"`).join(', ');
const want = (await (await conn.runAndReadAll(`SELECT ${sel} FROM t ORDER BY id`)).getRowObjectsJS());

let failures = 0;
function norm(v) {
  if (typeof v === 'bigint') return Number(v);
  return v;
}

async function compare(name, opts) {
  const file = `${outdir}/${name}.parquet`;
  await conn.run(`COPY t TO '${file}' (FORMAT parquet, COMPRESSION zstd${opts})`);
  const r = spawnSync(dump, [file, '--jsonl'], { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.status !== 0) {
    const msg = r.stderr.trim();
    if (/not supported/.test(msg) && msg.includes(file)) {
      console.log(`ok ${name}: rejected clearly: ${msg}`);
      return;
    }
    console.error(`${name}: uptake-dump failed (${r.status}): ${msg}`);
    failures++;
    return;
  }
  const got = r.stdout.split('\n').filter((l) => l.length).map((l) => JSON.parse(l));
  got.sort((a, b) => a.id - b.id);
  if (got.length !== want.length) {
    console.error(`${name}: ${got.length} rows, DuckDB has ${want.length}`);
    failures++;
    return;
  }
  for (let i = 0; i < want.length; i++) {
    for (const c of cols) {
      const g = got[i][c], w = norm(want[i][c]);
      if (g !== w) {
        console.error(`${name}: row ${i}, column ${c}: ours ${JSON.stringify(g)?.slice(0, 60)}, DuckDB ${JSON.stringify(w)?.slice(0, 60)}`);
        failures++;
        return;
      }
    }
  }
  const enc = await (await conn.runAndReadAll(
    `SELECT string_agg(DISTINCT encodings, ' | ') AS e, count(DISTINCT row_group_id) AS g FROM parquet_metadata('${file}')`)).getRowObjectsJS();
  console.log(`ok ${name}: ${got.length} rows x ${cols.length} columns equal (${enc[0].g} row groups; encodings ${enc[0].e})`);
}

async function reject(name, sql, opts, pattern) {
  const file = `${outdir}/${name}.parquet`;
  await conn.run(`COPY (${sql}) TO '${file}' (FORMAT parquet${opts})`);
  const r = spawnSync(dump, [file, '--jsonl'], { encoding: 'utf8' });
  const msg = r.stderr.trim();
  if (r.status === 0 || !pattern.test(msg) || !msg.includes(file) || msg.split('\n').length !== 1) {
    console.error(`${name}: expected one clear error line matching ${pattern}, got status ${r.status}: ${msg}`);
    failures++;
    return;
  }
  console.log(`ok ${name}: rejected: ${msg}`);
}

await compare('duckdb_default', '');
await compare('duckdb_small_groups', ', ROW_GROUP_SIZE 1000');
await compare('duckdb_v2', ", PARQUET_VERSION v2");
await reject('duckdb_double', 'SELECT 1.5::DOUBLE AS d', ', COMPRESSION zstd', /DOUBLE is not supported/);
await reject('duckdb_date', "SELECT DATE '2024-01-01' AS d", ', COMPRESSION zstd', /DATE.*not supported/);
await reject('duckdb_list', 'SELECT [1, 2] AS l', ', COMPRESSION zstd', /not supported/);
await reject('duckdb_snappy', 'SELECT 1::INTEGER AS x', ', COMPRESSION snappy', /codec SNAPPY is not supported/);
await reject('duckdb_uint', 'SELECT 1::UINTEGER AS x', ', COMPRESSION zstd', /not supported/);
console.log(failures ? `${failures} failed` : 'all DuckDB-written files read or rejected as expected');
process.exit(failures ? 1 : 0);
