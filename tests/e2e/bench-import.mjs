// Browser import benchmark (not part of the journeys): imports a demo folder through the Data
// page end to end and times (a) picking the files until every file is read, (b) Import until
// the dataset is stored and active, (c) reopening it from IndexedDB after a reload.
// Usage: target/release/reallot demo --scale m --out /tmp/appbench-m
//        node tests/e2e/bench-import.mjs [/tmp/appbench-m] [table,table,...]
import { readdir } from 'node:fs/promises';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? '/tmp/appbench-m';
const only = process.argv[3]?.split(',');
const files = (await readdir(dir))
  .filter((f) => f.endsWith('.csv') && (!only || only.includes(f.replace(/\.csv$/, ''))))
  .sort()
  .map((f) => join(dir, f));

const { server, base } = await serve(resolve(here, '../../dist'));
const browser = await launch();
const page = await (await browser.newContext()).newPage();
page.on('pageerror', (e) => console.error('page error:', e.message));
await page.goto(base + '/data');
await page.getByTestId('dataset-row-demo').waitFor();

let t0 = Date.now();
await page.getByTestId('file-input').setInputFiles(files);
await page.getByTestId(`mapping-${files.length - 1}`).waitFor({ timeout: 600_000 });
await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="mapping-"]').length === n, files.length, { timeout: 600_000 });
const readMs = Date.now() - t0;

await page.getByTestId('dataset-name').fill('bench');
t0 = Date.now();
await page.getByTestId('import-button').click();
await page.getByTestId('import-report').waitFor({ timeout: 600_000 });
await page.waitForFunction(() => document.querySelector('[data-testid="current-dataset"]')?.textContent === 'bench', null, { timeout: 600_000 });
const importMs = Date.now() - t0;

t0 = Date.now();
await page.reload();
await page.waitForFunction(() => document.querySelector('[data-testid="current-dataset"]')?.textContent === 'bench', null, { timeout: 600_000 });
const reopenMs = Date.now() - t0;
const row = await page.getByTestId('dataset-row-bench').innerText();

// The IndexedDB share of reopening: every chunk read back in one transaction, in plain JS.
const idbMs = await page.evaluate(async () => {
  const t = performance.now();
  const db = await new Promise((ok, err) => { const r = indexedDB.open('reallot'); r.onsuccess = () => ok(r.result); r.onerror = () => err(r.error); });
  const all = await new Promise((ok, err) => { const r = db.transaction('blobs').objectStore('blobs').getAll(); r.onsuccess = () => ok(r.result); r.onerror = () => err(r.error); });
  db.close();
  return all.length ? performance.now() - t : -1;
});

console.log(JSON.stringify({ files: files.map((f) => f.split('/').pop()), read_ms: readMs, import_ms: importMs, reopen_ms: reopenMs, idb_read_ms: Math.round(idbMs), stored: row.replace(/\s+/g, ' ') }));
await browser.close();
server.close();
