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
    case 'asn':
    case 'hosting_asn': return `CASE WHEN r.hosting_asn IS NULL THEN 'unknown' ELSE 'AS' || r.hosting_asn END`;
    case 'ns_operator': return `COALESCE(NULLIF(r.ns_operator, ''), 'unknown')`;
    case 'mx_operator': return `COALESCE(NULLIF(r.mx_operator, ''), 'unknown')`;
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

// docs/method.md, "Concentration index": the keys whose groups are
// providers.
export const OPERATOR_KEYS = ['ns_operator', 'mx_operator', 'hosting_asn'];

// Provider shares and the Herfindahl-Hirschman index, written from the
// method page: a market is a group of the keys other than the operator
// key; rows whose operator is null ('unknown') are counted apart and are in
// no share; share = rows of (market, provider) / rows of the market with a
// provider; HHI = sum of (100 * share)^2.  Two queries: per group (keys as
// key0.., rows, share) and per market (the other keys as key0.., with_op,
// without_op, providers, hhi, top_share).
export function concSql({ files, keys, metaPath, countrySource }) {
  const op = keys.findIndex((k) => OPERATOR_KEYS.includes(k));
  const src = `read_parquet([${files.map(q).join(', ')}])`;
  const from = metaPath ? `${src} r LEFT JOIN ${metaSql(metaPath)} m ON r.domain = m.domain` :
    `${src} r`;
  const kcols = keys.map((k, i) => `${keyExpr(k, countrySource, !!metaPath)} AS key${i}`);
  const gkeys = keys.map((_, i) => `key${i}`);
  const mkeys = gkeys.filter((_, i) => i !== op);
  const opk = `key${op}`;
  const on = mkeys.length ? `USING (${mkeys.join(', ')})` : 'ON true';
  const groups = `g AS (SELECT ${kcols.join(', ')}, count(*) AS rows FROM ${from} GROUP BY ${gkeys.join(', ')})`;
  const markets = `mk AS (SELECT ${mkeys.map((k) => `${k}, `).join('')}
      sum(rows) FILTER (WHERE ${opk} <> 'unknown') AS with_op,
      coalesce(sum(rows) FILTER (WHERE ${opk} = 'unknown'), 0) AS without_op,
      count(*) FILTER (WHERE ${opk} <> 'unknown') AS providers
    FROM g ${mkeys.length ? `GROUP BY ${mkeys.join(', ')}` : ''})`;
  const perGroup = `WITH ${groups}, ${markets}
    SELECT ${gkeys.map((k) => `g.${k}`).join(', ')}, g.rows,
      CASE WHEN g.${opk} <> 'unknown' THEN g.rows / mk.with_op END AS share
    FROM g JOIN mk ${on}`;
  const perMarket = `WITH ${groups}, ${markets}
    SELECT ${mkeys.map((k, j) => `mk.${k} AS m${j}, `).join('')} mk.with_op, mk.without_op, mk.providers,
      (SELECT sum(power(100.0 * g.rows / mk.with_op, 2)) FROM g
        WHERE g.${opk} <> 'unknown' ${mkeys.map((k) => `AND g.${k} = mk.${k}`).join(' ')}) AS hhi,
      (SELECT max(g.rows / mk.with_op) FROM g
        WHERE g.${opk} <> 'unknown' ${mkeys.map((k) => `AND g.${k} = mk.${k}`).join(' ')}) AS top_share
    FROM mk`;
  return { op, perGroup, perMarket, mkeys: keys.filter((_, i) => i !== op) };
}
