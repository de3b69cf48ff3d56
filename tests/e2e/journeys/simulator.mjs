// The Simulator on the demo data: a scenario built with the form runs in the worker with
// progress, and shows the backtest verdict, the side-by-side comparison, the charts and the
// sweep; a run cancelled midway leaves the page working; scenarios are saved in IndexedDB and
// survive a reload; the comparison exports as formula-safe CSV and as JSON; the page fits a
// tablet in both orientations and reads in Chinese. Runs are kept small so each journey
// takes seconds.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { assert } from '../harness.mjs';
import { withDb } from '../app.mjs';

/** Opens the Simulator and waits for its form. */
async function open(page, base) {
  await page.goto(base + '/simulator');
  await page.getByTestId('page-simulator').waitFor();
  await page.getByTestId('sim-form').waitFor();
}

/** Types `value` into the text field `id` and commits it (change event). */
async function fill(page, id, value) {
  const input = page.getByTestId(`sim-${id}`);
  await input.fill(String(value));
  await input.press('Tab');
}

/** Two strategies (the historical rule and round robin), a changed policy, few runs, a
 *  two-point sweep. */
async function smallScenario(page, runs = 3) {
  await page.getByTestId('sim-strategy-score_based').uncheck();
  await fill(page, 'no-follow-up', 5);
  await fill(page, 'cooldown', 20);
  await fill(page, 'runs', runs);
  await fill(page, 'sweep-values', '3, 14');
}

/** Clicks Run and waits for the results. */
async function runToResults(page) {
  await page.getByTestId('sim-run').click();
  await page.getByTestId('sim-results').waitFor({ timeout: 120_000 });
}

/** A CSV cell that a spreadsheet would read as a formula. */
function risky(cell) {
  const text = cell.startsWith('"') ? cell.slice(1) : cell;
  return /^[=+\-@\t\r]/.test(text) && !Number.isFinite(Number(text));
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export const journeys = [
  {
    name: 'simulator: a scenario built with the form runs with progress and shows the verdict, comparison, charts and exports',
    async run({ page, base, artifacts }) {
      await open(page, base);
      await smallScenario(page);
      await fill(page, 'protection', 1);
      await page.getByTestId('sim-exempt-locked').uncheck();
      assert((await page.getByTestId('sim-form-error').count()) === 0, 'the form is complete');
      const started = Date.now();
      await page.getByTestId('sim-run').click();
      await page.getByTestId('sim-progress').waitFor({ timeout: 5_000 });
      await page.getByTestId('sim-results').waitFor({ timeout: 120_000 });
      const seconds = (Date.now() - started) / 1000;
      console.log(`     simulator run (2 strategies + 2 sweep points × 3 runs, demo s): ${seconds.toFixed(1)} s`);
      assert((await page.getByTestId('sim-running').count()) === 0, 'the progress bar is gone');

      const verdict = page.getByTestId('sim-backtest');
      const text = await verdict.textContent();
      assert(/Backtest: (Passed|Not passed)/.test(text), `verdict: ${text}`);
      assert(text.includes('Simulating "historical rule" gives') && text.includes('in the data'), `verdict states the numbers: ${text}`);

      const table = page.getByTestId('sim-comparison');
      const heads = await table.locator('thead th').allTextContents();
      assert(heads.length === 3 && heads[1].startsWith('historical rule') && heads[1].includes('baseline') && heads[2] === 'round robin', `columns: ${heads}`);
      assert((await table.locator('tbody tr').count()) === 10, 'one row per outcome');
      const conv = await page.getByTestId('sim-row-conversions').locator('td').allTextContents();
      assert(/^\d[\d,]*\[/.test(conv[0]) && /Δ [+\u2212]?\d/.test(conv[1]), `conversions: ${conv}`);

      for (const id of ['sim-conversions', 'sim-revenue', 'sim-uplift-conversions', 'sim-roi', 'sim-reclaims', 'sim-sweep-conversions', 'sim-sweep-reclaims']) {
        const chart = page.getByTestId(`chart-${id}`);
        await chart.waitFor();
        const src = await chart.locator('img').getAttribute('src');
        assert(src.startsWith('data:image/svg+xml') && src.length > 2000, `${id} draws`);
        const rows = await chart.locator('tbody tr').count();
        assert(rows > 0, `${id} has numbers`);
      }
      // The sweep's curve has a point per value, for the mean and both percentiles.
      const sweepRows = await page.getByTestId('chart-sim-sweep-conversions').locator('tbody tr').count();
      assert(sweepRows === 6, `sweep points: ${sweepRows}`);

      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sim-export-csv').click()]);
      assert(csv.suggestedFilename().endsWith('.csv'), csv.suggestedFilename());
      const file = join(artifacts, 'simulation.csv');
      await csv.saveAs(file);
      const lines = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
      assert(lines[0] === 'strategy,metric,mean,p05,p95,uplift_mean,uplift_p05,uplift_p95', `header: ${lines[0]}`);
      assert(lines.length === 1 + 2 * 10, `rows: ${lines.length}`);
      assert(lines[1].startsWith('historical rule,conversions,') && lines[1].endsWith(',,,'), `baseline row: ${lines[1]}`);
      const rr = lines.find((l) => l.startsWith('round robin,conversions,'));
      assert(rr && rr.split(',').slice(2).every((c) => Number.isFinite(Number(c)) && c !== ''), `rival row: ${rr}`);
      const cells = lines.flatMap((l) => l.split(','));
      assert(!cells.some(risky), 'no cell reads as a formula');

      const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sim-export-json').click()]);
      const jfile = join(artifacts, 'simulation.json');
      await json.saveAs(jfile);
      const report = JSON.parse(await readFile(jfile, 'utf8'));
      assert(report.strategies.length === 2 && report.runs === 3 && report.baseline === 'historical rule', 'json report');
      assert(report.strategies[1].uplift_vs_baseline.conversions.mean !== undefined, 'json uplift');
      assert(report.backtest && typeof report.backtest.conversions_within === 'boolean', 'json backtest');
      assert(report.sweep.points.length === 2 && report.sweep.points[0].value === 3, 'json sweep');

      const [scenario] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sim-export-scenario').click()]);
      const sfile = join(artifacts, 'simulation-scenario.json');
      await scenario.saveAs(sfile);
      const sc = JSON.parse(await readFile(sfile, 'utf8'));
      assert(sc.policy.no_follow_up_days === 5 && sc.policy.cooldown_days === 20 && sc.strategies.length === 2, 'scenario file');
      assert(sc.policy.protection_days === 1 && sc.policy.exempt.locked === false && sc.policy.exempt.won === true, 'scenario file: protection and exemptions');

      // Leaving the page and coming back keeps the form and the results.
      await page.getByTestId('nav-overview').click();
      await page.getByTestId('page-overview').waitFor();
      await page.getByTestId('nav-simulator').click();
      await page.getByTestId('sim-results').waitFor();
      assert((await page.getByTestId('sim-runs').inputValue()) === '3', 'the form is kept');
    },
  },
  {
    name: 'simulator: a run cancelled midway leaves the page working and it runs again',
    async run({ page, base }) {
      await open(page, base);
      await smallScenario(page, 40);
      await page.getByTestId('sim-run').click();
      await page.waitForFunction(
        () => /runs done/.test(document.querySelector('[data-testid="sim-progress-text"]')?.textContent ?? ''),
        null,
        { timeout: 60_000 },
      );
      await page.getByTestId('sim-cancel').click();
      const status = await page.getByTestId('sim-status').textContent();
      assert(status === 'run cancelled', `status: ${status}`);
      assert((await page.getByTestId('sim-results').count()) === 0, 'no results from the cancelled run');
      assert(await page.getByTestId('sim-run').isEnabled(), 'Run is enabled again');
      await fill(page, 'runs', 2);
      await runToResults(page);
      assert((await page.getByTestId('sim-status').count()) === 0, 'the cancel notice is gone');
      // The worker was restarted and holds the dataset again for the other pages too.
      await page.getByTestId('nav-overview').click();
      await page.getByTestId('kpi-leads').waitFor({ timeout: 60_000 });
    },
  },
  {
    name: 'simulator: a run that finishes while another page is shown is there on return',
    async run({ page, base }) {
      // The worker holds the demo first (the Overview's numbers are in), so the simulation is
      // sent at Run and the Pool's job queues behind it: the run finishes while Pool is shown.
      // (On a fresh page the simulation would wait for the open's answer while the Pool's
      // job, sent right behind the open, went first.)
      await page.goto(base + '/');
      await page.getByTestId('kpi-leads').waitFor({ timeout: 60_000 });
      await page.getByTestId('nav-simulator').click();
      await page.getByTestId('sim-form').waitFor();
      await smallScenario(page, 4);
      await page.getByTestId('sim-run').click();
      await page.getByTestId('sim-progress').waitFor();
      await page.getByTestId('nav-pool').click();
      await page.getByTestId('page-pool').waitFor();
      // The Pool's charts are computed after the simulation in the same worker.
      await page.getByTestId('chart-reclaims-month').waitFor({ timeout: 60_000 });
      await page.getByTestId('nav-simulator').click();
      await page.getByTestId('sim-results').waitFor({ timeout: 5_000 });
      const heads = await page.getByTestId('sim-comparison').locator('thead th').count();
      assert(heads === 3, `two strategies: ${heads}`);
    },
  },
  {
    name: 'simulator: a synthetic lead stream is run and named in the report',
    async run({ page, base, artifacts }) {
      await open(page, base);
      await smallScenario(page, 2);
      await page.getByTestId('sim-synthetic').check();
      await runToResults(page);
      const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sim-export-json').click()]);
      const file = join(artifacts, 'simulation-synthetic.json');
      await json.saveAs(file);
      const report = JSON.parse(await readFile(file, 'utf8'));
      assert(report.stream === 'synthetic', `stream: ${report.stream}`);
      assert(report.strategies[0].conversions.mean > 0, 'conversions on the synthetic stream');
      assert(Array.isArray(report.model.uptake) && report.model.uptake.length === 9, 'uptake rates in the model');
    },
  },
  {
    name: 'simulator: a saved scenario survives a reload and loads back into the form',
    async run({ page, base }) {
      await open(page, base);
      await fill(page, 'name', 'keep-me');
      await page.getByTestId('sim-strategy-score_based').uncheck();
      await page.getByTestId('sim-strategy-tiered').check();
      await fill(page, 'no-follow-up', 9);
      await fill(page, 'holding-cap', '');
      await fill(page, 'runs', 4);
      await page.getByTestId('sim-baseline').selectOption('tiered');
      await page.getByTestId('sim-save').click();
      await page.getByTestId('sim-saved-keep-me').waitFor();

      await page.reload();
      await page.getByTestId('sim-saved-keep-me').waitFor();
      assert((await page.getByTestId('sim-runs').inputValue()) === '8', 'a fresh form after the reload');
      await page.getByTestId('sim-saved-keep-me').getByTestId('sim-load').click();
      assert((await page.getByTestId('sim-name').inputValue()) === 'keep-me', 'name');
      assert((await page.getByTestId('sim-runs').inputValue()) === '4', 'runs');
      assert((await page.getByTestId('sim-no-follow-up').inputValue()) === '9', 'policy');
      assert(!(await page.getByTestId('sim-strategy-score_based').isChecked()), 'score based unchecked');
      assert(await page.getByTestId('sim-strategy-tiered').isChecked(), 'tiered checked');
      assert((await page.getByTestId('sim-baseline').inputValue()) === 'tiered', 'baseline');

      const stored = await withDb(page, async (db) => done(db.transaction('scenarios').objectStore('scenarios').getAll()));
      assert(stored.length === 1 && stored[0].id === 'keep-me' && stored[0].form.runs === 4, `stored: ${JSON.stringify(stored).slice(0, 200)}`);
      await page.getByTestId('sim-saved-keep-me').getByTestId('sim-delete').click();
      await page.getByText('No scenario saved yet.').waitFor();
    },
  },
  {
    name: 'simulator: a database of schema version 2 opens at version 3 with its datasets kept',
    async run({ page, base }) {
      await page.route(base + '/v2-writer', (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>v2</title>' }));
      await page.goto(base + '/v2-writer');
      await page.evaluate(async () => {
        const db = await new Promise((ok, err) => {
          const r = indexedDB.open('reallot', 2);
          r.onupgradeneeded = () => {
            r.result.createObjectStore('datasets', { keyPath: 'id' });
            r.result.createObjectStore('blobs');
            r.result.createObjectStore('journal', { keyPath: 'id' });
          };
          r.onsuccess = () => ok(r.result);
          r.onerror = () => err(r.error);
        });
        const tx = db.transaction(['datasets', 'blobs'], 'readwrite');
        tx.objectStore('blobs').put(new Uint8Array([1, 2, 3]), ['ds-v2', 0]);
        tx.objectStore('datasets').put({ id: 'ds-v2', name: 'older', created_ms: 1700000000000, bytes: 3, chunks: 1, format: 1, rows: 6 });
        await new Promise((ok, err) => { tx.oncomplete = ok; tx.onabort = () => err(tx.error); });
        db.close();
      });
      await page.goto(base + '/data');
      await page.getByTestId('dataset-row-older').waitFor();
      const schema = await withDb(page, async (db) => ({ version: db.version, stores: [...db.objectStoreNames].sort() }));
      assert(schema.version === 3, `migrated to version ${schema.version}`);
      assert(JSON.stringify(schema.stores) === '["blobs","datasets","journal","scenarios"]', `stores ${schema.stores}`);
      const kept = await withDb(page, async (db) => {
        const tx = db.transaction(['datasets', 'blobs']);
        return { meta: await done(tx.objectStore('datasets').get('ds-v2')), chunk: [...(await done(tx.objectStore('blobs').get(['ds-v2', 0])))] };
      });
      assert(kept.meta.name === 'older' && JSON.stringify(kept.chunk) === '[1,2,3]', `kept: ${JSON.stringify(kept)}`);
      await page.getByTestId('nav-simulator').click();
      await fill(page, 'name', 'after-migration');
      await page.getByTestId('sim-save').click();
      await page.getByTestId('sim-saved-after-migration').waitFor();
    },
  },
  {
    name: 'simulator: fits a tablet in both orientations and reads in Chinese',
    context: { viewport: { width: 1024, height: 768 } },
    async run({ page, base, artifacts }) {
      await open(page, base);
      await smallScenario(page, 2);
      await runToResults(page);
      for (const [w, h, name] of [[1024, 768, 'landscape'], [768, 1024, 'portrait']]) {
        await page.setViewportSize({ width: w, height: h });
        await page.waitForTimeout(200);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert(overflow <= 0, `${name}: the page is ${overflow} px wider than the screen`);
        await page.screenshot({ path: join(artifacts, `simulator-${name}.png`), fullPage: true });
        const small = await page.evaluate(() => [...document.querySelectorAll('[data-testid="page-simulator"] button, [data-testid="page-simulator"] select, [data-testid="page-simulator"] input[type="text"]')]
          .filter((el) => el.getClientRects().length > 0 && el.getBoundingClientRect().height < 44)
          .map((el) => el.dataset.testid ?? el.tagName));
        assert(small.length === 0, `${name}: touch targets under 44 px: ${small}`);
      }
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('setting-language').selectOption('zh-CN');
      await page.getByTestId('nav-simulator').click();
      const run = await page.getByTestId('sim-run').textContent();
      assert(run === '运行', `Run in Chinese: ${run}`);
      const legend = await page.locator('[data-testid="sim-form"] legend').first().textContent();
      assert(legend === '要比较的分配策略', `legend: ${legend}`);
      await page.screenshot({ path: join(artifacts, 'simulator-zh.png') });
    },
  },
  {
    name: 'simulator: axe-core finds no serious or critical violation with the results shown',
    // axe is injected as a script, which the app's CSP would refuse.
    context: { bypassCSP: true, viewport: { width: 768, height: 1024 } },
    async run({ page, base }) {
      await open(page, base);
      await smallScenario(page, 2);
      await runToResults(page);
      await page.getByTestId('chart-sim-sweep-conversions').waitFor();
      await page.addScriptTag({ path: axePath });
      const found = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
      });
      assert(found.length === 0, `violations:\n${found.join('\n')}`);
    },
  },
];
