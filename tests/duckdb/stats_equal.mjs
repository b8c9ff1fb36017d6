// stats_equal.mjs - uptake-stats equals DuckDB SQL over the same Parquet
// files: for every group and every metric, n and k exactly, and the rows
// of each group; with --weight rank the weight sums to 1e-9 relative.
// Prints TAP.
//
//   node stats_equal.mjs UPTAKE_STATS SNAPSHOT_DIR [--meta FILE] [--by SPEC]...
//
// Each --by SPEC (e.g. country, country,sector, tld, or
// country@cctld for --country-source cctld, or asn+weight for
// --weight rank) is one uptake-stats run and one SQL query.
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { concSql, metricsTable, OPERATOR_KEYS, statsSql } from './analysis_sql.mjs';

const args = process.argv.slice(2);
const [stats, snap] = args;
let meta = null;
const specs = [];
for (let i = 2; i < args.length; i += 2) {
  if (args[i] === '--meta') meta = args[i + 1];
  else if (args[i] === '--by') specs.push(args[i + 1]);
  else { console.error(`unknown argument ${args[i]}`); process.exit(2); }
}
if (!stats || !snap || specs.length === 0) {
  console.error('usage: node stats_equal.mjs UPTAKE_STATS SNAPSHOT_DIR [--meta FILE] --by SPEC...');
  process.exit(2);
}

const files = readdirSync(snap).filter((f) => /^part-\d+\.parquet$/.test(f)).sort()
  .map((f) => `${snap}/${f}`);
const metrics = metricsTable(stats);
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
let test = 0, failed = 0;
const ok = (cond, name) => {
  test++;
  if (!cond) failed++;
  console.log(`${cond ? 'ok' : 'not ok'} ${test} - ${name}`);
  return cond;
};

for (const spec of specs) {
  const weighted = spec.endsWith('+weight');
  const [keyPart, source] = spec.replace('+weight', '').split('@');
  const keys = keyPart === 'all' ? [] : keyPart.split(',');
  const argv = [snap, '--format', 'json', '--threads', '2'];
  if (keys.length) argv.push('--by', keys.join(','));
  if (meta) argv.push('--meta', meta);
  if (source) argv.push('--country-source', source);
  if (weighted) argv.push('--weight', 'rank');
  const t0 = Date.now();
  const ours = JSON.parse(execFileSync(stats, argv, { encoding: 'utf8', maxBuffer: 1 << 30 }));
  const t1 = Date.now();
  const sql = statsSql({ files, metrics, keys, metaPath: meta, countrySource: source, weighted });
  const rows = await (await conn.runAndReadAll(sql)).getRowObjectsJS();
  const t2 = Date.now();

  ok(ours.complete === true && ours.unreadable_parts.length === 0, `${spec}: uptake-stats read every part`);
  const byKey = new Map();
  for (const g of ours.groups) byKey.set(keys.map((k) => g.key[k]).join('\u0001'), g);
  let cells = 0, bad = 0, groupsBad = 0, totalRows = 0;
  const show = [];
  for (const r of rows) {
    const key = keys.map((_, i) => r[`key${i}`]).join('\u0001');
    const g = byKey.get(key);
    totalRows += Number(r.rows);
    if (!g || g.rows !== Number(r.rows)) {
      groupsBad++;
      if (show.length < 5) show.push(`group ${key || 'all'}: SQL rows ${r.rows}, uptake-stats ${g ? g.rows : 'missing'}`);
      continue;
    }
    byKey.delete(key);
    metrics.forEach((m, i) => {
      const c = g.metrics[m.name];
      cells++;
      const n = Number(r[`n${i}`]), k = Number(r[`k${i}`]);
      let same = c && c.n === n && c.k === k;
      if (same && weighted) {
        const wn = Number(r[`wn${i}`] ?? 0), wk = Number(r[`wk${i}`] ?? 0);
        const rel = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
        same = rel(c.weight_n, wn) && rel(c.weight_k, wk);
      }
      if (!same) {
        bad++;
        if (show.length < 5) show.push(`group ${key || 'all'} ${m.name}: SQL n=${n} k=${k}, uptake-stats ${c ? `n=${c.n} k=${c.k}` : 'missing'}`);
      }
    });
  }
  for (const key of byKey.keys()) {
    groupsBad++;
    if (show.length < 5) show.push(`group ${key}: only in uptake-stats`);
  }
  show.forEach((s) => console.log(`# ${s}`));
  ok(groupsBad === 0, `${spec}: the same ${rows.length} groups with the same rows (${totalRows} rows)`);
  ok(bad === 0 && cells === rows.length * metrics.length,
    `${spec}: n and k equal for all ${cells} group x metric cells (${metrics.length} metrics)` +
    (weighted ? ', weight sums equal' : ''));
  console.log(`# ${spec}: uptake-stats ${(t1 - t0) / 1000} s, DuckDB ${(t2 - t1) / 1000} s`);
  if (keys.some((k) => OPERATOR_KEYS.includes(k)))
    await checkConc(spec, keys, ours, source);
}

// Shares and the concentration index against concSql (docs/method.md,
// "Concentration index").  Shares and indexes to 1e-9 relative (the JSON
// has ten significant digits), counts exactly.
async function checkConc(spec, keys, ours, source) {
  const c = concSql({ files, keys, metaPath: meta, countrySource: source });
  const close = (a, b) => (a === null || b === null) ? a === b :
    Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  const num = (v) => (v === null || v === undefined) ? null : Number(v);
  const show = [];
  const groups = await (await conn.runAndReadAll(c.perGroup)).getRowObjectsJS();
  const byKey = new Map();
  for (const g of ours.groups) byKey.set(keys.map((k) => g.key[k]).join('\u0001'), g);
  let bad = 0;
  for (const r of groups) {
    const key = keys.map((_, i) => r[`key${i}`]).join('\u0001');
    const g = byKey.get(key);
    if (!g || !close(g.share ?? null, num(r.share))) {
      bad++;
      if (show.length < 5) show.push(`group ${key}: SQL share ${r.share}, uptake-stats ${g ? g.share : 'missing'}`);
    }
  }
  ok(bad === 0 && groups.length === ours.groups.length,
    `${spec}: every group's provider share equals SQL (${groups.length} groups)`);
  const markets = await (await conn.runAndReadAll(c.perMarket)).getRowObjectsJS();
  const conc = ours.concentration;
  ok(conc && conc.operator_key === keys[c.op], `${spec}: concentration under ${keys[c.op]}`);
  const byM = new Map();
  for (const m of (conc ? conc.markets : [])) byM.set(c.mkeys.map((k) => m.key[k]).join('\u0001'), m);
  let mbad = 0, maxHhi = 0;
  for (const r of markets) {
    const key = c.mkeys.map((_, j) => r[`m${j}`]).join('\u0001');
    const m = byM.get(key);
    const same = m && m.providers === Number(r.providers) &&
      m.with_operator === Number(r.with_op ?? 0) && m.without_operator === Number(r.without_op) &&
      close(m.hhi, num(r.hhi)) && close(m.top_share, num(r.top_share));
    if (!same) {
      mbad++;
      if (show.length < 10) show.push(`market ${key || 'all'}: SQL providers ${r.providers} with ${r.with_op} without ${r.without_op} hhi ${r.hhi}; uptake-stats ${m ? JSON.stringify(m) : 'missing'}`);
    }
    if (r.hhi !== null) maxHhi = Math.max(maxHhi, Number(r.hhi));
  }
  show.forEach((s) => console.log(`# ${s}`));
  ok(mbad === 0 && markets.length === byM.size,
    `${spec}: providers, rows with and without an operator, HHI and top share equal SQL for all ${markets.length} markets (largest HHI ${maxHhi.toFixed(1)})`);
}
console.log(`1..${test}`);
process.exit(failed ? 1 : 0);
