// The chart pages. Leads: every chart is drawn non-empty from the worker's lead report on the
// demo data, a filter change redraws them, the numbers table opens, and the CSV export is the
// chart's table. Customers: every chart draws from the customer report (CLV fit included).
// Pool: every reclaim chart draws and its numbers add up. Overview: every KPI card has its
// value, change and trend, and the three alerts name their counts. The Customers page's lists
// export as formula-safe CSV.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assert } from '../harness.mjs';
import { importAs } from '../app.mjs';

const CUSTOMERS = ['value-tiers', 'repeat-rate', 'repurchase-cycle', 'lifecycle', 'retention', 'clv-source',
  'rfm-grid', 'rfm-segments', 'cohorts', 'clv-histogram', 'alive-clv'];
const LISTS = ['overdue-list', 'at-risk-list'];
const CARDS = ['leads', 'conversion', 'revenue', 'response', 'repeat', 'retention', 'reclaims'];
const POOL = ['reclaims-month', 'reclaims-reason', 'pool-days', 'reactivation', 'owners', 'repeat-reclaims'];
const CHARTS = ['funnel', 'conversion-rep', 'conversion-source', 'conversion-region', 'conversion-customer-type', 'conversion-campaign', 'sales-cycle', 'calibration'];

/** Each chart's image source, once every chart has drawn. */
async function drawn(page, ids = CHARTS) {
  for (const c of ids) await page.getByTestId(`chart-${c}`).locator('img').waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => [...document.querySelectorAll('.chart img')].every((i) => i.complete));
  return page.evaluate((ids) => ids.map((id) => {
    const img = document.querySelector(`[data-testid="chart-${id}"] img`);
    return { id, src: img.getAttribute('src'), width: img.naturalWidth };
  }), ids);
}

export const journeys = [
  {
    name: 'leads: every chart draws on the demo, follows the filter, and exports its table',
    context: { viewport: { width: 1024, height: 768 } },
    async run({ page, base, artifacts }) {
      await page.goto(base + '/leads');
      const before = await drawn(page);
      for (const c of before) {
        assert(c.width > 0, `${c.id} did not draw`);
        assert(c.src.startsWith('data:image/svg+xml') && c.src.length > 3000, `${c.id}: ${c.src.length} chars`);
      }
      await page.screenshot({ path: join(artifacts, 'leads-1024x768.png'), fullPage: true });
      const region = await page.getByTestId('filter-region').locator('option').nth(1).getAttribute('value');
      await page.getByTestId('filter-region').selectOption(region);
      await page.waitForFunction((src) => document.querySelector('[data-testid="chart-funnel"] img')?.getAttribute('src') !== src, before[0].src, { timeout: 30_000 });
      const after = await drawn(page);
      assert(after.filter((c, i) => c.src !== before[i].src).length >= 6, 'the filter redraws the charts');

      const funnel = page.getByTestId('chart-funnel');
      await funnel.locator('summary').click();
      const rows = await funnel.locator('tbody tr').count();
      assert(rows >= 4, `funnel table rows: ${rows}`);
      const [download] = await Promise.all([page.waitForEvent('download'), funnel.getByTestId('export-csv').click()]);
      assert(download.suggestedFilename() === 'funnel.csv', download.suggestedFilename());
      const file = join(artifacts, 'funnel.csv');
      await download.saveAs(file);
      const csv = await readFile(file, 'utf8');
      const lines = csv.replace(/^\ufeff/, '').trimEnd().split('\r\n');
      assert(lines.length === rows + 1, `csv has ${lines.length} lines for ${rows} rows`);
      const shown = await funnel.locator('tbody tr').first().locator('td').allTextContents();
      assert(lines[1] === shown.join(','), `first row ${lines[1]} vs shown ${shown}`);
      await page.setViewportSize({ width: 768, height: 1024 });
      await page.screenshot({ path: join(artifacts, 'leads-768x1024.png'), fullPage: true });
    },
  },
  {
    name: 'pool: every reclaim chart draws on the demo and its numbers add up',
    context: { viewport: { width: 768, height: 1024 } },
    async run({ page, base, artifacts }) {
      await page.goto(base + '/pool');
      for (const c of await drawn(page, POOL)) assert(c.width > 0 && c.src.length > 2000, `${c.id} did not draw`);
      const repeats = page.getByTestId('chart-repeat-reclaims');
      await repeats.locator('summary').click();
      const counts = (await repeats.locator('tbody tr td:nth-child(2)').allTextContents()).map(Number);
      assert(counts.length === 3 && counts[0] > counts[2] && counts[2] >= 0, `repeat reclaims ${counts}`);
      const reasons = page.getByTestId('chart-reclaims-reason');
      await reasons.locator('summary').click();
      const byReason = (await reasons.locator('tbody tr td:nth-child(2)').allTextContents()).map(Number);
      const reclaimed = counts[0] + 2 * counts[1];
      assert(byReason.reduce((a, b) => a + b, 0) >= reclaimed, `reclaims ${byReason} vs entities ${counts}`);
      await page.screenshot({ path: join(artifacts, 'pool-768x1024.png'), fullPage: true });
    },
  },
  {
    name: 'customers: every customer chart draws on the demo, tier shares add up to 100%',
    context: { viewport: { width: 1024, height: 768 } },
    async run({ page, base, artifacts }) {
      await page.goto(base + '/customers');
      for (const c of await drawn(page, CUSTOMERS)) assert(c.width > 0 && c.src.length > 2000, `${c.id} did not draw`);
      const tiers = page.getByTestId('chart-value-tiers');
      await tiers.locator('summary').click();
      const shares = (await tiers.locator('tbody tr td:nth-child(2)').allTextContents()).map(Number);
      assert(shares.length === 3 && Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 1e-6, `tier shares ${shares}`);
      // RFM: the grid and the segments count the same customers.
      const total = async (id, col) => {
        const c = page.getByTestId(`chart-${id}`);
        await c.locator('summary').click();
        const cells = await c.locator(`tbody tr td${col}`).allTextContents();
        return cells.map(Number).filter(Number.isFinite).reduce((a, b) => a + b, 0);
      };
      const grid = await total('rfm-grid', ':not(:first-child)');
      const segments = await total('rfm-segments', ':nth-child(2)');
      assert(grid > 1000 && grid === segments, `rfm grid ${grid} vs segments ${segments}`);
      for (const id of LISTS) {
        const list = page.getByTestId(`chart-${id}`);
        const rows = await list.locator('tbody tr').count();
        assert(rows >= 10, `${id}: ${rows} rows`);
        const title = await list.locator('figcaption').textContent();
        const count = Number(title.match(/\((\d+)\)/)?.[1]);
        assert(count >= rows, `${id} title ${title} for ${rows} rows`);
      }
      await page.screenshot({ path: join(artifacts, 'customers-1024x768.png'), fullPage: true });
    },
  },
  {
    name: 'overview: every KPI card shows its value, change and trend, and the alerts their counts',
    context: { viewport: { width: 1024, height: 768 } },
    async run({ page, base, artifacts }) {
      await page.goto(base + '/overview');
      for (const id of CARDS) {
        const value = await page.getByTestId(`kpi-${id}`).textContent({ timeout: 30_000 });
        assert(/\d/.test(value), `${id}: ${value}`);
        const change = await page.getByTestId(`change-${id}`).textContent();
        assert(/(pp|%) vs previous period$/.test(change), `${id} change: ${change}`);
        const spark = page.getByTestId(`spark-${id}`);
        assert((await spark.getAttribute('src')).includes('polyline'), `${id} has no trend line`);
        assert(await spark.evaluate((i) => i.complete && i.naturalWidth > 0), `${id} trend did not draw`);
      }
      for (const kind of ['capacity', 'uncontacted', 'overdue']) {
        const alert = page.getByTestId(`alert-${kind}`);
        const title = await alert.locator('h3').textContent();
        const n = Number(title.replace(/,/g, '').match(/^\d+/)?.[0]);
        const items = await alert.locator('li').count();
        assert(Number.isFinite(n) && items === Math.min(n, 5), `${kind}: ${title} with ${items} items`);
      }
      assert(Number((await page.getByTestId('alert-overdue').locator('h3').textContent()).match(/^\d+/)?.[0]) > 0, 'the demo has overdue key customers');
      await page.screenshot({ path: join(artifacts, 'overview-1024x768.png'), fullPage: true });
    },
  },
  {
    name: 'customers: the overdue list exports as CSV with formula-like ids neutralised',
    async run({ page, base, artifacts }) {
      // "=2+5" bought every 10 days until 2025-01-21; C2 keeps the data going until June, so
      // "=2+5" is overdue at the as-of date.
      const customers = 'customer_id,customer_type,region\n=2+5,ka,east\nC2,small,east\n';
      const orders = ['order_id,customer_id,order_date,amount'];
      ['2025-01-01', '2025-01-11', '2025-01-21'].forEach((d, i) => orders.push(`O${i},=2+5,${d},100`));
      ['2025-02-01', '2025-04-01', '2025-06-01'].forEach((d, i) => orders.push(`P${i},C2,${d},50`));
      await importAs(page, base, [
        { name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(customers) },
        { name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(orders.join('\n') + '\n') },
      ], 'formulas');
      await page.getByTestId('nav-customers').click();
      const list = page.getByTestId('chart-overdue-list');
      await list.locator('tbody tr').first().waitFor({ timeout: 30_000 });
      const shown = await list.locator('tbody tr').first().locator('td').allTextContents();
      assert(shown[0] === '=2+5', `listed ${shown}`);
      const [download] = await Promise.all([page.waitForEvent('download'), list.getByTestId('export-csv').click()]);
      assert(download.suggestedFilename() === 'overdue-list.csv', download.suggestedFilename());
      const file = join(artifacts, 'overdue-list.csv');
      await download.saveAs(file);
      const lines = (await readFile(file, 'utf8')).replace(/^\ufeff/, '').trimEnd().split('\r\n');
      assert(lines.length === 2, `csv lines ${lines.length}`);
      assert(lines[1].startsWith("'=2+5,ka,"), `formula neutralised: ${lines[1]}`);
      assert(lines[1].split(',').slice(1).join(',') === shown.slice(1).join(','), `${lines[1]} vs ${shown}`);
    },
  },
];
