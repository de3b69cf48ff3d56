// The walking skeleton: every page is reachable from the nav bar, and the Overview shows the
// demo dataset's table sizes.
import { join } from 'node:path';
import { assert } from '../harness.mjs';
import { PAGES } from '../app.mjs';


export const journeys = [
  {
    name: 'every page is reachable from the nav bar',
    async run({ page, base }) {
      await page.goto(base + '/');
      await page.getByTestId('page-overview').waitFor();
      for (const p of PAGES) {
        await page.getByTestId(`nav-${p}`).click();
        await page.getByTestId(`page-${p}`).waitFor({ timeout: 10_000 });
        assert(new URL(page.url()).pathname === `/${p}`, `url after nav-${p} is ${page.url()}`);
      }
    },
  },
  {
    name: 'overview shows the demo dataset table sizes',
    context: { viewport: { width: 1024, height: 768 } },
    async run({ page, base, artifacts }) {
      await page.goto(base + '/overview');
      const leads = page.getByTestId('size-leads').locator('td').nth(1);
      await leads.waitFor();
      const n = Number((await leads.textContent()).replace(/\D/g, ''));
      assert(n > 5000, `demo leads shown: ${n}`);
      const orders = Number((await page.getByTestId('size-orders').locator('td').nth(1).textContent()).replace(/\D/g, ''));
      assert(orders > 20000, `demo orders shown: ${orders}`);
      await page.screenshot({ path: join(artifacts, 'overview.png'), fullPage: true });
    },
  },
  {
    name: 'a deep link opens its page directly',
    async run({ page, base }) {
      await page.goto(base + '/pool');
      await page.getByTestId('page-pool').waitFor();
    },
  },
];
