// The global filter bar: choosing a region changes the Overview's numbers, the choice
// survives a reload, shows on the other analysis pages, and Reset clears it.
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

export const journeys = [
  {
    name: 'filters: a region narrows the overview and survives a reload',
    async run({ page, base }) {
      await page.goto(base + '/overview');
      await page.getByTestId('kpi-leads').waitFor();
      const all = await number(page, 'kpi-leads');
      assert(all > 5000, `demo leads: ${all}`);
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
