// bench_stats.mjs - one timed DuckDB run of the aggregation uptake-stats
// does (every metric's n and k per country, country from the ccTLD then
// the hosting country), over the same Parquet files.  For
// scripts/bench-analysis.
//
//   node bench_stats.mjs UPTAKE_STATS SNAPSHOT_DIR [OURS_JSON]
//
// Prints JSON: {"seconds": query time, "groups": N, "rows": N,
// "equal": true|false|null}.  With OURS_JSON (uptake-stats --format json
// of the same run), checks every n and k against it.
import { DuckDBInstance } from '@duckdb/node-api';
import { readdirSync, readFileSync } from 'node:fs';
import { metricsTable, statsSql } from './analysis_sql.mjs';

const [stats, snap, oursPath] = process.argv.slice(2);
const files = readdirSync(snap).filter((f) => /^part-\d+\.parquet$/.test(f)).sort()
  .map((f) => `${snap}/${f}`);
const metrics = metricsTable(stats);
const sql = statsSql({ files, metrics, keys: ['country'], form: 'count_if' });
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const t0 = process.hrtime.bigint();
const rows = await (await conn.runAndReadAll(sql)).getRowObjectsJS();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
let equal = null;
if (oursPath) {
  const ours = JSON.parse(readFileSync(oursPath, 'utf8'));
  const byKey = new Map(ours.groups.map((g) => [g.key.country, g]));
  equal = rows.length === ours.groups.length && rows.every((r) => {
    const g = byKey.get(r.key0);
    return g && g.rows === Number(r.rows) && metrics.every((m, i) =>
      g.metrics[m.name].n === Number(r[`n${i}`]) && g.metrics[m.name].k === Number(r[`k${i}`]));
  });
}
console.log(JSON.stringify({ seconds, groups: rows.length,
  rows: rows.reduce((a, r) => a + Number(r.rows), 0), equal }));
