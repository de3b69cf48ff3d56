// The global filter bar: choosing a region changes the Overview's numbers, the choice
// survives a reload, shows on the other analysis pages, and Reset clears it; it narrows the
// Customers and Pool pages' numbers too.
import { assert } from '../harness.mjs';

/** Waits until the Overview's leads KPI is shown (it is computed in the worker, so it is absent
 *  until the first answer) and compares with `n` as `op` says. */
const leadsKpi = (page, op, n) => page.waitForFunction(([op, n]) => {
  const el = document.querySelector('[data-testid=kpi-leads]');
  if (!el) return false;
  const v = Number(el.textContent.replace(/\D/g, ''));
  return op === '<' ? v < n : op === '===' ? v === n : v !== n;
}, [op, n]);

const number = async (page, id) => Number((await page.getByTestId(id).textContent()).replace(/\D/g, ''));

/** The sum of column `col` (1-based) of chart `id`'s numbers table, once drawn. */
async function chartSum(page, id, col) {
  const chart = page.getByTestId(`chart-${id}`);
  await chart.locator('img').waitFor({ timeout: 60_000 });
  await chart.locator('summary').click();
  const cells = await chart.locator(`tbody tr td:nth-child(${col})`).allTextContents();
  return cells.map(Number).reduce((a, b) => a + b, 0);
}

/** Remembers the page's chart images. A new answer from the worker redraws every chart in one
 *  pass (the elements are kept, their sources change), so one changed source and every image
 *  loaded means the page shows the new answer. */
const markCharts = (page) => page.evaluate(() => { window.chartSrcs = [...document.querySelectorAll('.chart img')].map((i) => i.src); });
const chartsReplaced = (page) => page.waitForFunction(() => {
  const imgs = [...document.querySelectorAll('.chart img')];
  return imgs.some((img, k) => img.src !== window.chartSrcs[k]) && imgs.every((i) => i.complete);
}, null, { timeout: 60_000 });

export const journeys = [
  {
    name: 'filters: a region narrows the Customers and Pool numbers',
    async run({ page, base }) {
      for (const [path, chart, col] of [['/customers', 'lifecycle', 2], ['/pool', 'reclaims-reason', 2]]) {
        await page.goto(base + path);
        await page.getByTestId('filter-reset').click();
        const all = await chartSum(page, chart, col);
        assert(all > 100, `${path} ${chart}: ${all}`);
        const region = await page.getByTestId('filter-region').locator('option').nth(1).getAttribute('value');
        await markCharts(page);
        await page.getByTestId('filter-region').selectOption(region);
        await chartsReplaced(page);
        const some = await chartSum(page, chart, col);
        assert(some > 0 && some < all, `${path} ${chart} in ${region}: ${some} of ${all}`);
        await markCharts(page);
        await page.getByTestId('filter-reset').click();
        await chartsReplaced(page);
        assert(await chartSum(page, chart, col) === all, `${path}: reset gives back ${all}`);
      }
    },
  },
  {
    name: 'filters: a region narrows the overview and survives a reload',
    async run({ page, base }) {
      await page.goto(base + '/overview');
      await page.getByTestId('kpi-leads').waitFor();
      const all = await number(page, 'kpi-leads');
      assert(all > 2000, `demo leads in the last year: ${all}`);
      const regions = await page.getByTestId('filter-region').locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
      assert(regions.length >= 2, `regions offered: ${regions}`);
      const region = regions[0];
      await page.getByTestId('filter-region').selectOption(region);
      await leadsKpi(page, '!==', all);
      const some = await number(page, 'kpi-leads');
      assert(some > 0 && some < all, `leads in ${region}: ${some} of ${all}`);
      await page.reload();
      await page.getByTestId('kpi-leads').waitFor();
      await leadsKpi(page, '===', some);
      assert((await page.getByTestId('filter-region').inputValue()) === region, 'region still chosen after reload');
      await page.getByTestId('nav-leads').click();
      await page.getByTestId('page-leads').waitFor();
      assert((await page.getByTestId('filter-region').inputValue()) === region, 'same filter on the leads page');
      await page.getByTestId('filter-type').selectOption('ka');
      await page.getByTestId('nav-overview').click();
      await leadsKpi(page, '<', some);
      await page.getByTestId('filter-from').fill('2025-01-01');
      await page.getByTestId('filter-to').fill('2025-06-30');
      await page.getByTestId('filter-reset').click();
      await leadsKpi(page, '===', all);
      assert((await page.getByTestId('filter-region').inputValue()) === '', 'reset clears the region');
      assert((await page.getByTestId('filter-from').inputValue()) === '', 'reset clears the dates');
    },
  },
  {
    name: 'filters: a date range narrows the overview',
    async run({ page, base }) {
      await page.goto(base + '/overview');
      await page.getByTestId('kpi-leads').waitFor();
      const all = await number(page, 'kpi-leads');
      await page.getByTestId('filter-from').fill('2025-01-01');
      await page.getByTestId('filter-to').fill('2025-03-31');
      await leadsKpi(page, '<', all);
      const q1 = await number(page, 'kpi-leads');
      assert(q1 > 0, `leads in 2025 Q1: ${q1}`);
    },
  },
];
