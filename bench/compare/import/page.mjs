// CSV import side by side in one Chromium page: reallot's wasm import (decode, sniff, parse,
// map, typed load), papaparse (text decode + parse to string objects) and DuckDB-WASM
// (read_csv into a typed table, in its own worker). Same file, same page; median of N runs.
// The result lands in `window.benchResult` for bench/compare/import.mjs.
import * as duckdb from '/bench/compare/node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser.mjs';

const q = new URLSearchParams(location.search);
const runs = Number(q.get('runs') ?? '3');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(call) {
  const ms = [];
  let rows;
  for (let i = 0; i < runs; i++) {
    await new Promise((ok) => setTimeout(ok, 0));
    const t = performance.now();
    rows = await call();
    ms.push(performance.now() - t);
  }
  return { median_ms: median(ms), min_ms: Math.min(...ms), rows };
}

async function main() {
  const bytes = new Uint8Array(await (await fetch(q.get('file'))).arrayBuffer());
  const out = { bytes: bytes.length, runs };

  const pkg = await import(q.get('pkg'));
  await pkg.default();
  out.reallot = await time(() => pkg.import_file('leads.csv', bytes));

  const Papa = window.Papa;
  out.papaparse = await time(() => {
    const r = Papa.parse(new TextDecoder().decode(bytes), { header: true, skipEmptyLines: true });
    return r.data.length;
  });

  const dist = '/bench/compare/node_modules/@duckdb/duckdb-wasm/dist';
  const worker = new Worker(`${dist}/duckdb-browser-eh.worker.js`);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(`${dist}/duckdb-eh.wasm`);
  const conn = await db.connect();
  out.duckdb_version = await db.getVersion();
  out.duckdb = await time(async () => {
    // The buffer is handed to DuckDB's worker each time (as a page would after a file pick).
    await db.registerFileBuffer('leads.csv', bytes.slice());
    await conn.query("CREATE OR REPLACE TABLE leads AS SELECT * FROM read_csv('leads.csv', header = true)");
    const r = await conn.query('SELECT count(*)::INTEGER AS n FROM leads');
    return r.toArray()[0].n;
  });
  await conn.close();
  await db.terminate();
  return out;
}

main().then(
  (r) => { window.benchResult = r; document.getElementById('status').textContent = 'done'; },
  (e) => { window.benchResult = { error: String(e && e.stack ? e.stack : e) }; },
);
