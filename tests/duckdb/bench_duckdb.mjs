// bench_duckdb.mjs - the DuckDB side of scripts/bench-snapshot: load the
// rows of our part into DuckDB, write them with DuckDB's own Parquet
// writer (COMPRESSION zstd), check both files hold the same rows, and
// print sizes, times and per-column sizes as JSON.
//
//   node bench_duckdb.mjs OUR_PART OUT_PARQUET
import { DuckDBInstance } from '@duckdb/node-api';
import { statSync } from 'node:fs';

const [ours, out] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
await conn.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${ours}')`);
const t0 = process.hrtime.bigint();
await conn.run(`COPY t TO '${out}' (FORMAT parquet, COMPRESSION zstd)`);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const diff = await (await conn.runAndReadAll(
  `SELECT (SELECT count(*) FROM (SELECT * FROM read_parquet('${ours}') EXCEPT ALL SELECT * FROM read_parquet('${out}'))) +
          (SELECT count(*) FROM (SELECT * FROM read_parquet('${out}') EXCEPT ALL SELECT * FROM read_parquet('${ours}'))) AS d`)).getRowObjectsJS();
const cols = async (f) => Object.fromEntries((await (await conn.runAndReadAll(
  `SELECT path_in_schema AS c, sum(total_compressed_size)::BIGINT AS b FROM parquet_metadata('${f}') GROUP BY 1`)).getRowObjectsJS())
  .map((r) => [r.c, Number(r.b)]));
console.log(JSON.stringify({
  duckdb_seconds: seconds,
  duckdb_bytes: statSync(out).size,
  ours_bytes: statSync(ours).size,
  differing_rows: Number(diff[0].d),
  columns_ours: await cols(ours),
  columns_duckdb: await cols(out),
}));
