// check_ours.mjs - DuckDB, the independent reader, reads the Parquet
// files our writer made (gen_cases) and every value must equal the
// expected JSON lines written beside them.
//
//   node check_ours.mjs GEN_CASES OUTDIR [CASE...]
//
// Runs GEN_CASES OUTDIR CASE..., then compares each OUTDIR/CASE.parquet.
// Exits 1 on the first difference, printing the case, row and column.
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';

const [gen, outdir, ...names] = process.argv.slice(2);
if (!gen || !outdir) {
  console.error('usage: node check_ours.mjs GEN_CASES OUTDIR [CASE...]');
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });
execFileSync(gen, [outdir, ...names], { stdio: 'inherit' });

const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
let failures = 0;

function sqlCol(name, type) {
  const q = `"${name}"`;
  if (type === 'TIMESTAMP') return `CAST(epoch_us(${q}) AS VARCHAR)`;
  if (type === 'INT64') return `CAST(${q} AS VARCHAR)`;
  return q;
}

async function checkCase(name) {
  const file = `${outdir}/${name}.parquet`;
  const lines = createInterface({ input: createReadStream(`${outdir}/${name}.jsonl`) });
  const it = lines[Symbol.asyncIterator]();
  const head = JSON.parse((await it.next()).value);
  const cols = head.columns;

  // The schema DuckDB sees: names, order, types.
  const desc = await (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJS();
  const want = { INT32: 'INTEGER', INT64: 'BIGINT', BOOLEAN: 'BOOLEAN', STRING: 'VARCHAR', TIMESTAMP: 'TIMESTAMP WITH TIME ZONE' };
  for (let k = 0; k < cols.length; k++) {
    if (desc[k].column_name !== cols[k][0] || desc[k].column_type !== want[cols[k][1]]) {
      console.error(`${name}: column ${k} is ${desc[k].column_name} ${desc[k].column_type}, expected ${cols[k][0]} ${want[cols[k][1]]}`);
      return false;
    }
  }
  const sql = `SELECT ${cols.map(([n, t]) => sqlCol(n, t)).join(', ')} FROM read_parquet('${file}') ORDER BY id`;
  const result = await conn.stream(sql);
  let row = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const got of chunk.getRows()) {
      const { value, done } = await it.next();
      if (done) {
        console.error(`${name}: DuckDB returns more than ${row} rows`);
        return false;
      }
      const exp = JSON.parse(value);
      for (let k = 0; k < cols.length; k++) {
        const g = got[k], e = exp[k];
        const same = (g === null && e === null) || (g !== null && e !== null && String(g) === String(e));
        if (!same) {
          const show = (v) => v === null ? 'null' : JSON.stringify(String(v)).slice(0, 80);
          console.error(`${name}: row ${row}, column ${cols[k][0]}: DuckDB ${show(g)}, expected ${show(e)}`);
          return false;
        }
      }
      row++;
    }
  }
  const rest = await it.next();
  if (!rest.done || row !== head.rows) {
    console.error(`${name}: DuckDB returned ${row} rows, expected ${head.rows}`);
    return false;
  }
  // Our footer statistics agree with SQL over the data.
  const stats = await (await conn.runAndReadAll(
    `SELECT path_in_schema AS c, sum(stats_null_count) AS nulls FROM parquet_metadata('${file}') GROUP BY 1`)).getRowObjectsJS();
  for (const s of stats) {
    const n = await (await conn.runAndReadAll(
      `SELECT count(*) - count("${s.c}") AS n FROM read_parquet('${file}')`)).getRowObjectsJS();
    if (String(n[0].n) !== String(s.nulls)) {
      console.error(`${name}: column ${s.c}: null_count statistic ${s.nulls}, data has ${n[0].n}`);
      return false;
    }
  }
  console.log(`ok ${name}: ${row} rows x ${cols.length} columns equal in DuckDB`);
  return true;
}

const all = names.length ? names : ['mixed', 'all_null', 'no_null', 'runs', 'fallback', 'uncompressed', 'one_row', 'empty'];
for (const n of all) {
  if (!(await checkCase(n))) failures++;
  else if (n === 'big') {
    rmSync(`${outdir}/${n}.jsonl`, { force: true });
  }
}
console.log(`${all.length - failures} cases equal, ${failures} differ`);
process.exit(failures ? 1 : 0);
