// The Leads page: every chart is drawn non-empty from the worker's lead report on the demo
// data, a filter change redraws them, the numbers table opens, and the CSV export is the
// chart's table, formula-safe.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assert } from '../harness.mjs';

const CHARTS = ['funnel', 'conversion-rep', 'conversion-source', 'conversion-region', 'conversion-customer-type', 'conversion-campaign', 'sales-cycle', 'calibration'];

/** Each chart's image source, once every chart has drawn. */
async function drawn(page) {
  for (const c of CHARTS) await page.getByTestId(`chart-${c}`).locator('img').waitFor({ timeout: 30_000 });
  return page.evaluate((ids) => ids.map((id) => {
    const img = document.querySelector(`[data-testid="chart-${id}"] img`);
    return { id, src: img.getAttribute('src'), width: img.naturalWidth };
  }), CHARTS);
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
];
