// CSV import side by side in headless Chromium: reallot (wasm) vs papaparse vs DuckDB-WASM on
// the same leads.csv. Run by bench/compare/run.sh, or alone:
//   node bench/compare/import.mjs FILE.csv [--runs N] [--json]
// FILE must lie inside the repository (it is served from there over loopback).
import os from 'node:os';
import path from 'node:path';
import { launch, serve, watchedPage } from '../../tests/e2e/harness.mjs';
import { arg, buildBench, root } from '../wasm/build.mjs';

const file = path.resolve(process.argv[2] ?? '');
if (!file.startsWith(`${root}/`) || !file.endsWith('.csv')) {
  console.error('usage: node bench/compare/import.mjs FILE.csv (inside the repository) [--runs N] [--json]');
  process.exit(1);
}
const runs = Number(arg('runs', '3'));
const profile = 'release';
const pkg = buildBench(profile, 'web', path.join(root, 'target', 'bench-browser', profile));

const { server, base } = await serve(root);
const browser = await launch();
let r;
try {
  const { page, problems } = await watchedPage(browser, base);
  const rel = (p) => `/${path.relative(root, p).split(path.sep).join('/')}`;
  await page.goto(`${base}/bench/compare/import/index.html?runs=${runs}` +
    `&file=${encodeURIComponent(rel(file))}&pkg=${encodeURIComponent(rel(pkg))}`);
  await page.waitForFunction(() => window.benchResult, null, { timeout: 30 * 60 * 1000, polling: 500 });
  r = await page.evaluate(() => window.benchResult);
  if (r.error) throw new Error(r.error);
  if (problems.length) throw new Error(problems.join('\n'));
} finally {
  await browser.close();
  server.close();
}
const out = { file: path.relative(root, file), browser: browser.version(), loadavg: os.loadavg()[0], date: new Date().toISOString(), ...r };
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(out, null, 2));
} else {
  const mb = r.bytes / 1e6;
  console.log(`CSV import in Chromium ${out.browser}: ${out.file}, ${mb.toFixed(1)} MB, median of ${runs}; load ${out.loadavg.toFixed(2)}`);
  for (const k of ['reallot', 'papaparse', 'duckdb']) {
    const s = r[k];
    console.log(`${k.padEnd(10)} ${s.median_ms.toFixed(0).padStart(7)} ms  ${(mb / (s.median_ms / 1000)).toFixed(1).padStart(6)} MB/s  ` +
      `${String(s.rows).padStart(9)} rows  ${(s.median_ms / r.reallot.median_ms).toFixed(2)}× reallot's time`);
  }
}
