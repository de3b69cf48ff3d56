// Browser filter benchmark (not part of the journeys): imports a demo folder through the Data
// page, then on the Leads, Customers and Pool pages times a filter change (a region chosen,
// then the next, then reset) from the change until every chart image on the page is replaced
// by a newly drawn one.
// Usage: target/release/reallot demo --scale m --out /tmp/appbench-m
//        node tests/e2e/bench-filter.mjs [/tmp/appbench-m] [runs]
import { readdir } from 'node:fs/promises';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? '/tmp/appbench-m';
const runs = Number(process.argv[3] ?? 3);
const files = (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort().map((f) => join(dir, f));

const { server, base } = await serve(resolve(here, '../../dist'));
const browser = await launch();
const page = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
page.on('pageerror', (e) => console.error('page error:', e.message));
await page.goto(base + '/data');
await page.getByTestId('dataset-row-demo').waitFor();
await page.getByTestId('file-input').setInputFiles(files);
await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="mapping-"]').length === n, files.length, { timeout: 600_000 });
await page.getByTestId('dataset-name').fill('bench');
await page.getByTestId('import-button').click();
await page.waitForFunction(() => document.querySelector('[data-testid="current-dataset"]')?.textContent === 'bench', null, { timeout: 600_000 });

// A new answer from the worker redraws every chart in one pass (the image elements are kept,
// their sources change): one changed source and every image loaded means all are replaced.
const allDrawn = () => page.waitForFunction(() => {
  const imgs = [...document.querySelectorAll('.chart img')];
  const before = window.chartSrcs ?? [];
  return imgs.length > 0 && imgs.some((img, k) => img.src !== before[k]) && imgs.every((i) => i.complete && i.naturalWidth > 0);
}, null, { timeout: 600_000, polling: 'raf' });

const results = {};
for (const id of ['leads', 'customers', 'pool']) {
  await page.getByTestId(`nav-${id}`).click();
  await page.getByTestId(`page-${id}`).waitFor();
  await page.getByTestId('filter-reset').click();
  await allDrawn();
  const regions = await page.getByTestId('filter-region').locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  const choices = [regions[0], regions[1], ''];
  results[id] = [];
  for (let r = 0; r < runs; r++) {
    await page.evaluate(() => { window.chartSrcs = [...document.querySelectorAll('.chart img')].map((i) => i.src); });
    // The change is made in the page, so the clock starts with it, not with a round trip.
    const t0 = await page.evaluate((v) => {
      const select = document.querySelector('[data-testid="filter-region"]');
      const t = performance.now();
      select.value = v;
      select.dispatchEvent(new Event('change', { bubbles: true }));
      return t;
    }, choices[r % choices.length]);
    await allDrawn();
    const t1 = await page.evaluate(() => performance.now());
    results[id].push(Math.round(t1 - t0));
  }
}
console.log(JSON.stringify({ files: files.length, runs, ms: results }));
await browser.close();
server.close();
