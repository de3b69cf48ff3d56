// Tablet review: Overview, Leads, Customers and Pool at 1024×768 (landscape) and 768×1024
// (portrait). Nothing overflows the viewport sideways, every chart image fits its card, and a
// full-page screenshot of each goes to the artifacts to look at.
import { join } from 'node:path';
import { assert } from '../harness.mjs';

const VIEWPORTS = [{ width: 1024, height: 768 }, { width: 768, height: 1024 }];
const PAGES = ['overview', 'leads', 'customers', 'pool'];

/** Waits until the page's computed content is shown: KPI cards, or every chart drawn. */
async function ready(page, id) {
  if (id === 'overview') {
    await page.getByTestId('spark-reclaims').waitFor({ timeout: 60_000 });
    await page.getByTestId('alert-overdue').waitFor();
  } else {
    await page.locator('.chart').first().waitFor({ timeout: 60_000 });
  }
  await page.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
}

export const journeys = VIEWPORTS.map((viewport) => ({
  name: `tablet: the analysis pages fit ${viewport.width}×${viewport.height}`,
  context: { viewport, hasTouch: true },
  async run({ page, base, artifacts }) {
    for (const id of PAGES) {
      await page.goto(`${base}/${id}`);
      await ready(page, id);
      const layout = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        inner: window.innerWidth,
        // Images wider than their card (or than the viewport).
        overflowing: [...document.querySelectorAll('.chart img, .spark')]
          .filter((i) => {
            const box = i.getBoundingClientRect();
            const card = i.closest('.card').getBoundingClientRect();
            return box.right > card.right + 0.5 || box.right > window.innerWidth;
          })
          .map((i) => i.closest('[data-testid]')?.dataset.testid),
        // Controls smaller than a fingertip.
        small: [...document.querySelectorAll('button, select, input, summary, .nav a')]
          .filter((e) => e.offsetParent && e.getBoundingClientRect().height < 43.5)
          .map((e) => e.dataset.testid ?? e.textContent.trim().slice(0, 20)),
      }));
      assert(layout.scroll <= layout.inner, `${id}: page is ${layout.scroll} px wide in ${layout.inner}`);
      assert(layout.overflowing.length === 0, `${id}: images wider than their card: ${layout.overflowing}`);
      assert(layout.small.length === 0, `${id}: touch targets under 44 px: ${layout.small}`);
      await page.screenshot({ path: join(artifacts, `tablet-${id}-${viewport.width}x${viewport.height}.png`), fullPage: true });
    }
  },
}));
