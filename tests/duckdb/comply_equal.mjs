// comply_equal.mjs - uptake-comply equals DuckDB SQL over the same Parquet
// files: every per-domain verdict (pass, fail, explained, not_measured) of
// every requirement, and per group the "meets all" k, n and domains.
// Prints TAP.
//
//   node comply_equal.mjs UPTAKE_COMPLY SNAPSHOT_DIR META EXCEPTIONS WORKDIR
//        PROFILE...
//
// The rules are written here from docs/analysis.md ("Profiles") and
// docs/method.md ("Meets all"), without our C parser: a profile line is
// split on '|' by this script, and its condition and denominator, which
// are SQL, go to DuckDB as WHERE-clause text.  A requirement is measured
// on a row when every column it names is in the snapshot and the row is
// in its denominator (given, or else: every column the condition names
// is not null).  A failing requirement is explained when the exceptions
// file has the domain and the requirement (ID or PROFILE:ID) with an
// until date on or after the snapshot's date (uptake.validation_time,
// else uptake.crawl_start, from the first part's metadata).  Groups: the
// --meta country (then the ccTLD, then hosting_country), sector or
// organisation, 'unknown' when none.
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { GENERIC_CC } from './analysis_sql.mjs';

const [comply, snap, meta, excPath, work, ...profilePaths] = process.argv.slice(2);
if (!comply || !snap || !meta || !excPath || !work || profilePaths.length === 0) {
  console.error('usage: node comply_equal.mjs UPTAKE_COMPLY SNAPSHOT_DIR META EXCEPTIONS WORKDIR PROFILE...');
  process.exit(2);
}
const files = readdirSync(snap).filter((f) => /^part-\d+\.parquet$/.test(f)).sort()
  .map((f) => `${snap}/${f}`);
const q = (s) => `'${s.replace(/'/g, "''")}'`;
const fileList = `[${files.map(q).join(', ')}]`;

let test = 0, failed = 0;
const ok = (cond, name) => {
  test++;
  if (!cond) failed++;
  console.log(`${cond ? 'ok' : 'not ok'} ${test} - ${name}`);
  return cond;
};

// A profile file as the format says: header lines and "require" lines of
// seven fields separated by '|'.
function readProfile(path) {
  const p = { name: null, reqs: [] };
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [kw, ...rest] = line.split(/\s+/);
    if (kw === 'profile') p.name = rest.join(' ');
    if (kw !== 'require') continue;
    const f = line.slice('require'.length).split('|').map((s) => s.trim());
    p.reqs.push({ id: f[0], cond: f[2], den: f[3] });
  }
  return p;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE']);
// Column names of a condition: identifiers outside quotes, not keywords.
function columnsOf(text) {
  const bare = text.replace(/'[^']*'/g, "''");
  return [...new Set((bare.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])
    .filter((w) => !KEYWORDS.has(w.toUpperCase())))];
}

const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const all = async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJS();

const snapCols = new Set((await all(`DESCRIBE SELECT * FROM read_parquet(${fileList})`))
  .map((r) => r.column_name));
const kv = await all(`SELECT decode(key) AS k, decode(value) AS v
  FROM parquet_kv_metadata(${q(files[0])})`);
const kvGet = (k) => kv.find((r) => r.k === k)?.v;
const date = (kvGet('uptake.validation_time') ?? kvGet('uptake.crawl_start') ?? '').slice(0, 10);
ok(/^\d{4}-\d\d-\d\d$/.test(date), `snapshot date from the metadata: ${date}`);

await conn.run(`CREATE TABLE rows AS SELECT * FROM read_parquet(${fileList})`);
await conn.run(`CREATE TABLE exc AS SELECT
    lower(rtrim(trim(domain), '.')) AS domain,
    CASE WHEN contains(requirement, ':') THEN split_part(requirement, ':', 1) END AS profile,
    CASE WHEN contains(requirement, ':') THEN split_part(requirement, ':', 2) ELSE trim(requirement) END AS req,
    CAST(trim("until") AS VARCHAR) AS until
  FROM read_csv(${q(excPath)}, header = true, all_varchar = true)`);
await conn.run(`CREATE TABLE meta AS SELECT * FROM read_csv(${q(meta)}, header = true, all_varchar = true)`);
const metaCols = new Set((await all('DESCRIBE meta')).map((r) => r.column_name));
const profiles = profilePaths.map(readProfile);

// One SELECT per requirement, in long form.
const parts = [];
const measurableRows = [];
let measurableCount = 0;
for (const p of profiles) {
  for (const r of p.reqs) {
    const cols = r.cond === 'UNMEASURED' ? null :
      columnsOf(`${r.cond} ${r.den === '-' ? '' : r.den}`);
    const measurable = cols !== null && cols.every((c) => snapCols.has(c));
    measurableRows.push(`SELECT ${q(p.name)} AS profile, ${q(r.id)} AS requirement, ${measurable} AS measurable`);
    let verdict;
    if (!measurable) {
      verdict = `'not_measured'`;
    } else {
      measurableCount++;
      const inDen = r.den === '-' ?
        columnsOf(r.cond).map((c) => `r.${c} IS NOT NULL`).join(' AND ') :
        `COALESCE((${r.den}), false)`;
      const excepted = `EXISTS (SELECT 1 FROM exc e WHERE e.domain = r.domain
        AND e.req = ${q(r.id)} AND (e.profile IS NULL OR e.profile = ${q(p.name)})
        AND e.until >= ${q(date)})`;
      verdict = `CASE WHEN NOT (${inDen}) THEN 'not_measured'
        WHEN COALESCE((${r.cond}), false) THEN 'pass'
        WHEN ${excepted} THEN 'explained' ELSE 'fail' END`;
    }
    parts.push(`SELECT r.input_index, r.domain, ${q(p.name)} AS profile,
      ${q(r.id)} AS requirement, ${verdict} AS verdict FROM rows r`);
  }
}
ok(measurableCount > 0, `${measurableCount} requirements measurable on this snapshot`);
await conn.run(`CREATE TABLE sqlv AS ${parts.join('\nUNION ALL\n')}`);
// A requirement no row of the snapshot can answer (its column absent,
// pending, UNMEASURED) is left out of "meets all" (docs/method.md).
await conn.run(`CREATE TABLE sqlm AS ${measurableRows.join('\nUNION ALL\n')}`);

// Ours: the CSV and the Parquet verdicts, and the JSON "meets all".
const base = [snap, ...profilePaths.flatMap((p) => ['--profile', p]),
  '--exceptions', excPath, '--meta', meta];
execFileSync(comply, [...base, '--verdicts', `${work}/v.csv`,
  '--verdicts-parquet', `${work}/v.parquet`, '-o', `${work}/all.csv`]);
await conn.run(`CREATE TABLE oursv AS SELECT CAST(input_index AS BIGINT) AS input_index,
    domain, profile, requirement, verdict
  FROM read_csv(${q(`${work}/v.csv`)}, header = true, all_varchar = true)`);
await conn.run(`CREATE TABLE oursq AS SELECT input_index, domain, profile, requirement, verdict
  FROM read_parquet(${q(`${work}/v.parquet`)})`);
const [{ n: nsql }] = await all('SELECT count(*)::INTEGER AS n FROM sqlv');
for (const t of ['oursv', 'oursq']) {
  const [{ a, b, n }] = await all(`SELECT
    (SELECT count(*) FROM (SELECT * FROM sqlv EXCEPT ALL SELECT * FROM ${t}))::INTEGER AS a,
    (SELECT count(*) FROM (SELECT * FROM ${t} EXCEPT ALL SELECT * FROM sqlv))::INTEGER AS b,
    (SELECT count(*) FROM ${t})::INTEGER AS n`);
  if (!ok(a === 0 && b === 0 && n === nsql,
    `${t === 'oursv' ? 'CSV' : 'Parquet'} verdicts equal SQL's (${n} of ${nsql} rows)`)) {
    const diff = await all(`SELECT 'sql' AS side, * FROM (SELECT * FROM sqlv EXCEPT ALL SELECT * FROM ${t}) LIMIT 5`);
    for (const d of diff) console.log(`# ${JSON.stringify(d, (k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  }
}
const counts = await all(`SELECT verdict, count(*)::INTEGER AS n FROM sqlv GROUP BY verdict ORDER BY verdict`);
console.log(`# verdicts: ${counts.map((c) => `${c.verdict} ${c.n}`).join(', ')}`);
ok(['pass', 'fail', 'explained', 'not_measured'].every((v) => counts.some((c) => c.verdict === v)),
  'every verdict occurs (the test exercises each)');

// "Meets all" by group.
const tld = `regexp_extract(r.domain, '[^.]*$')`;
const keyExpr = {
  all: `'all'`,
  country: `COALESCE(NULLIF(CASE WHEN upper(trim(m.country)) = 'UK' THEN 'GB' ELSE upper(trim(m.country)) END, ''),
    CASE WHEN regexp_full_match(${tld}, '[a-z][a-z]') AND ${tld} NOT IN (${GENERIC_CC.map(q).join(', ')})
      THEN CASE WHEN ${tld} = 'uk' THEN 'GB' ELSE upper(${tld}) END END,
    NULLIF(r.hosting_country, ''), 'unknown')`,
  sector: `COALESCE(NULLIF(trim(m.sector), ''), 'unknown')`,
  organisation: metaCols.has('organisation') ? `COALESCE(NULLIF(trim(m.organisation), ''), 'unknown')` : null,
};
for (const by of ['all', 'country', 'sector', 'organisation']) {
  if (keyExpr[by] === null) continue;
  const argv = [...base, '--format', 'json'];
  if (by !== 'all') argv.push('--by', by);
  const ours = JSON.parse(execFileSync(comply, argv, { encoding: 'utf8', maxBuffer: 1 << 30 }));
  const rows = await all(`WITH d AS (
      SELECT v.input_index, v.profile,
        bool_and(v.verdict <> 'not_measured') FILTER (WHERE m.measurable) AS measured,
        bool_and(v.verdict IN ('pass', 'explained')) FILTER (WHERE m.measurable) AS meets,
        bool_or(v.verdict = 'explained') FILTER (WHERE m.measurable) AS explained
      FROM sqlv v JOIN sqlm m USING (profile, requirement)
      GROUP BY v.input_index, v.profile),
    g AS (SELECT r.input_index, ${keyExpr[by]} AS grp FROM rows r
      LEFT JOIN meta m ON lower(rtrim(trim(m.domain), '.')) = r.domain)
    SELECT d.profile, g.grp, count(*)::INTEGER AS domains,
      count(*) FILTER (WHERE measured)::INTEGER AS n,
      count(*) FILTER (WHERE measured AND meets)::INTEGER AS k,
      count(*) FILTER (WHERE measured AND meets AND explained)::INTEGER AS kx
    FROM d JOIN g USING (input_index) GROUP BY d.profile, g.grp`);
  let same = true, groups = 0, nonzero = 0;
  const oursMap = new Map();
  for (const p of ours.profiles)
    for (const g of p.groups) oursMap.set(`${p.name}\t${g.group}`, g);
  for (const r of rows) {
    groups++;
    if (r.k > 0) nonzero++;
    const o = oursMap.get(`${r.profile}\t${r.grp}`);
    if (!o || o.domains !== r.domains || o.n !== r.n || o.k !== r.k || o.k_explained !== r.kx) {
      if (same) console.log(`# ${by}: ${r.profile} ${r.grp}: SQL ${JSON.stringify(r)} ours ${JSON.stringify(o)}`);
      same = false;
    }
    if (o && o.n > 0) {
      // The Wilson interval of k/n (docs/method.md), at z = 1.959963984540054.
      const z = 1.959963984540054, n = o.n, p = o.k / n;
      const c = (p + z * z / (2 * n)) / (1 + z * z / n);
      const h = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
      if (Math.abs(o.lo - (c - h)) > 1e-6 || Math.abs(o.hi - (c + h)) > 1e-6) {
        if (same) console.log(`# ${by}: ${r.profile} ${r.grp}: interval ${o.lo}..${o.hi}, want ${c - h}..${c + h}`);
        same = false;
      }
    }
  }
  ok(same && groups === oursMap.size,
    `--by ${by}: domains, n, k, k_explained and interval of ${groups} groups equal SQL's (${nonzero} with k > 0)`);
}
console.log(`1..${test}`);
if (failed) console.log(`# ${failed} of ${test} checks failed`);
process.exit(failed ? 1 : 0);
