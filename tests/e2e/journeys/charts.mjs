// The chart pages. Leads: every chart is drawn non-empty from the worker's lead report on the
// demo data, a filter change redraws them, the numbers table opens, and the CSV export is the
// chart's table. Customers: every chart draws from the customer report (CLV fit included).
// Pool: every reclaim chart draws and its numbers add up.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assert } from '../harness.mjs';

const CUSTOMERS = ['value-tiers', 'repeat-rate', 'repurchase-cycle', 'lifecycle', 'retention', 'clv-source'];
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
      await page.screenshot({ path: join(artifacts, 'customers-1024x768.png'), fullPage: true });
    },
  },
];
