// analysis_sql.mjs - the DuckDB SQL that computes what uptake-stats
// computes, written from docs/method.md: per group, rows, and for every
// metric n = count(*) FILTER (WHERE den) and k = count(*) FILTER (WHERE
// (den) AND (num)), the conditions taken as the method page states them
// (`uptake-stats --list-metrics --format json` prints that table).
//
// The group keys are written here independently of the C code, from the
// method page's rules: country from the --meta file, else the ccTLD (two
// letters, uk is GB, generic-use ccTLDs excluded), else hosting_country,
// else 'unknown'.
import { execFileSync } from 'node:child_process';

// docs/method.md, "Country": ccTLDs that say nothing about a country.
export const GENERIC_CC = ['ad', 'ai', 'as', 'bz', 'cc', 'cd', 'co', 'dj',
  'eu', 'fm', 'io', 'la', 'me', 'ms', 'nu', 'sc', 'sr', 'su', 'tk', 'tv',
  'ws'];

export function metricsTable(uptakeStats) {
  return JSON.parse(execFileSync(uptakeStats,
    ['--list-metrics', '--format', 'json'], { encoding: 'utf8' }));
}

const q = (s) => `'${s.replace(/'/g, "''")}'`;

// SQL of one key over the row (alias r) and the meta row (alias m).
function keyExpr(key, countrySource, hasMeta) {
  const tld = `regexp_extract(r.domain, '[^.]*$')`;
  const cctld = `CASE WHEN regexp_full_match(${tld}, '[a-z][a-z]') AND ${tld} NOT IN (${GENERIC_CC.map(q).join(', ')})
      THEN CASE WHEN ${tld} = 'uk' THEN 'GB' ELSE upper(${tld}) END END`;
  const metaC = `NULLIF(m.country, '')`;
  const hosting = `NULLIF(r.hosting_country, '')`;
  switch (key) {
    case 'country': {
      const order = { meta: [metaC], cctld: [cctld], hosting: [hosting] }[countrySource] ??
        (hasMeta ? [metaC, cctld, hosting] : [cctld, hosting]);
      return `COALESCE(${order.join(', ')}, 'unknown')`;
    }
    case 'sector': return `COALESCE(NULLIF(m.sector, ''), 'unknown')`;
    case 'list': return `COALESCE(NULLIF(r.list, ''), 'unknown')`;
    case 'tld': return `COALESCE(NULLIF(${tld}, ''), 'unknown')`;
    case 'hosting-country': return `COALESCE(${hosting}, 'unknown')`;
    case 'asn': return `CASE WHEN r.hosting_asn IS NULL THEN 'unknown' ELSE 'AS' || r.hosting_asn END`;
    default: throw new Error(`unknown key ${key}`);
  }
}

// The meta file as DuckDB reads it, normalised as docs/method.md says.
function metaSql(metaPath) {
  return `(SELECT lower(rtrim(trim(domain), '.')) AS domain,
      CASE WHEN upper(trim(country)) = 'UK' THEN 'GB' ELSE upper(trim(country)) END AS country,
      trim(sector) AS sector
    FROM read_csv(${q(metaPath)}, header = true, all_varchar = true))`;
}

// One query: per group of keys, rows and n_i, k_i for every metric.
// Columns: the keys as key0, key1, ...; rows; n0, k0, n1, k1, ...
// With weighted, also wn_i and wk_i (sums of 1/rank).  form 'count_if'
// writes count_if(cond) instead of count(*) FILTER (WHERE cond): the same
// numbers, and faster in DuckDB 1.x (the benchmark uses it).
export function statsSql({ files, metrics, keys, metaPath, countrySource, weighted, form }) {
  const src = `read_parquet([${files.map(q).join(', ')}])`;
  const from = metaPath ? `${src} r LEFT JOIN ${metaSql(metaPath)} m ON r.domain = m.domain` :
    `${src} r`;
  const cols = [];
  keys.forEach((k, i) => cols.push(`${keyExpr(k, countrySource, !!metaPath)} AS key${i}`));
  cols.push('count(*) AS rows');
  const count = form === 'count_if' ? (c) => `count_if(${c})` :
    (c) => `count(*) FILTER (WHERE ${c})`;
  metrics.forEach((m, i) => {
    cols.push(`${count(m.denominator)} AS n${i}`);
    cols.push(`${count(`(${m.denominator}) AND (${m.numerator})`)} AS k${i}`);
    if (weighted) {
      cols.push(`sum(1.0 / rank) FILTER (WHERE (${m.denominator}) AND rank >= 1) AS wn${i}`);
      cols.push(`sum(1.0 / rank) FILTER (WHERE (${m.denominator}) AND (${m.numerator}) AND rank >= 1) AS wk${i}`);
    }
  });
  const group = keys.length ? `GROUP BY ${keys.map((_, i) => `key${i}`).join(', ')}` : '';
  return `SELECT ${cols.join(',\n  ')}\nFROM ${from}\n${group}`;
}
