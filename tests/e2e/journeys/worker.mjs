// The Web Worker: a long import runs off the page's thread with a progress bar, the page stays
// responsive, and Cancel aborts it with nothing stored.
import { assert } from '../harness.mjs';
import { importAs, leadsCsv, storedNames } from '../app.mjs';

export const journeys = [
  {
    name: 'worker: a long import shows progress, keeps the page responsive and cancels cleanly',
    async run({ page, base }) {
      await page.goto(base + '/data');
      await page.getByTestId('dataset-row-demo').waitFor();
      const before = await storedNames(page);
      await page.getByTestId('file-input').setInputFiles({ name: 'big-leads.csv', mimeType: 'text/csv', buffer: leadsCsv(400_000) });
      await page.getByTestId('mapping-0').waitFor({ timeout: 60_000 });
      assert((await page.getByTestId('table-0').inputValue()) === 'leads', 'big file read as leads');
      await page.getByTestId('import-button').click();
      await page.getByTestId('progress').waitFor({ timeout: 5_000 });
      // The page answers while the worker imports.
      const rtts = [];
      for (let i = 0; i < 5; i++) {
        const t0 = Date.now();
        await page.evaluate(() => document.querySelectorAll('[data-testid]').length);
        rtts.push(Date.now() - t0);
      }
      assert(Math.max(...rtts) < 200, `page round trips while importing: ${rtts.join(', ')} ms`);
      assert(await page.getByTestId('progress').isVisible(), 'still importing after the round trips');
      await page.getByTestId('cancel').click();
      await page.getByTestId('progress').waitFor({ state: 'detached' });
      assert((await page.getByTestId('notice').textContent()).includes('cancel'), 'cancel is acknowledged');
      assert((await page.getByTestId('import-report').count()) === 0, 'no report after cancel');
      await page.waitForTimeout(300);
      assert(JSON.stringify(await storedNames(page)) === JSON.stringify(before), 'datasets list unchanged');
      await page.reload();
      await page.getByTestId('dataset-row-demo').waitFor();
      await page.waitForTimeout(300);
      assert(JSON.stringify(await storedNames(page)) === JSON.stringify(before), 'nothing stored after reload');
      assert((await page.getByTestId('current-dataset').textContent()) === 'demo', 'still on the demo');
    },
  },
  {
    name: 'worker: after a cancel the next import runs in a fresh worker',
    async run({ page, base }) {
      await page.goto(base + '/data');
      await page.getByTestId('file-input').setInputFiles({ name: 'big-leads.csv', mimeType: 'text/csv', buffer: leadsCsv(300_000) });
      await page.getByTestId('mapping-0').waitFor({ timeout: 60_000 });
      await page.getByTestId('import-button').click();
      await page.getByTestId('cancel').click();
      await page.getByTestId('progress').waitFor({ state: 'detached' });
      await page.getByTestId('dataset-name').fill('after-cancel');
      await page.getByTestId('import-button').click();
      await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
      await page.getByTestId('dataset-row-after-cancel').waitFor();
      const report = await page.getByTestId('import-report').textContent();
      assert(report.includes('300,000'), 'every row imported');
    },
  },
  {
    name: 'worker: after a cancel, the pages that ask at once read and send the stored dataset once',
    async run({ page, base }) {
      // Records the jobs the page posts to its workers (the JSON head of each message).
      await page.addInitScript(() => {
        const post = Worker.prototype.postMessage;
        window.__jobs = [];
        Worker.prototype.postMessage = function (data, transfer) {
          if (Array.isArray(data) && typeof data[0] === 'string') window.__jobs.push(data[0]);
          return post.call(this, data, transfer);
        };
      });
      await importAs(page, base, { name: 'small-leads.csv', mimeType: 'text/csv', buffer: leadsCsv(3_000) }, 'small');
      // A long import, cancelled: the worker is terminated and its successor holds nothing.
      await page.getByTestId('file-input').setInputFiles({ name: 'big-leads.csv', mimeType: 'text/csv', buffer: leadsCsv(300_000) });
      await page.getByTestId('mapping-0').waitFor({ timeout: 60_000 });
      await page.getByTestId('import-button').click();
      await page.getByTestId('cancel').click();
      await page.getByTestId('progress').waitFor({ state: 'detached' });
      await page.evaluate(() => { window.__jobs = []; });
      // The Overview's jobs all ask for the stored dataset at once.
      await page.getByTestId('nav-overview').click();
      await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=kpi-leads]')?.textContent ?? ''), null, { timeout: 30_000 });
      const jobs = await page.evaluate(() => window.__jobs);
      const opens = jobs.filter((j) => j.includes('"kind":"open"'));
      assert(jobs.length > 2, `the Overview asked the worker for several jobs: ${jobs.length}`);
      assert(opens.length === 1, `the stored dataset was sent once, not ${opens.length} times: ${jobs.map((j) => j.slice(0, 60)).join(" | ")}`);
      assert(jobs[0].includes('"kind":"open"'), 'the open went first');
      assert((await page.getByTestId('kpi-leads').textContent()).replace(/\D/g, '') === '3000', 'the Overview measures the stored dataset');
    },
  },
  {
    name: 'worker: the Overview is measured in the worker (CLV fit included) and a filter change blocks nothing',
    async run({ page, base }) {
      await page.addInitScript(() => {
        window.longTasks = [];
        new PerformanceObserver((l) => window.longTasks.push(...l.getEntries().map((e) => e.duration)))
          .observe({ type: 'longtask', buffered: false });
      });
      await page.goto(base + '/overview');
      const text = async (id) => page.getByTestId(id).textContent({ timeout: 30_000 });
      assert(/^¥[\d.]+[KMB]?$/.test(await text('kpi-revenue')), `revenue ${await text('kpi-revenue')}`);
      assert(/^\d+\.\d%$/.test(await text('kpi-retention')), `retention ${await text('kpi-retention')}`);
      assert(/^[▲▼■] [+-]\d+\.\d% vs previous period$/.test(await text('change-revenue')), `growth ${await text('change-revenue')}`);
      const alive = Number((await text('kpi-alive')).replace(/\D/g, ''));
      assert(alive > 100, `expected active customers from the BG/NBD fit: ${alive}`);
      const leads = await text('kpi-leads');
      await page.evaluate(() => { window.longTasks = []; });
      const region = await page.getByTestId('filter-region').locator('option').nth(1).getAttribute('value');
      await page.getByTestId('filter-region').selectOption(region);
      await page.waitForFunction((l) => document.querySelector('[data-testid=kpi-leads]')?.textContent !== l, leads);
      const long = await page.evaluate(() => window.longTasks);
      assert(long.every((d) => d < 200), `main-thread tasks over 200 ms during the recompute: ${long}`);
    },
  },
];
