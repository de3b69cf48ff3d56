// Offline and installable: after one visit the service worker has the app shell, so a reload
// with the network off opens the app, measures the demo in the worker and draws the charts;
// the manifest names the app and its icon.
import { assert } from '../harness.mjs';

export const journeys = [
  {
    name: 'offline: after one visit the app reloads and works with the network off',
    async run({ page, base, context }) {
      await page.goto(base + '/overview');
      await page.getByTestId('kpi-leads').waitFor({ timeout: 30_000 });
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        if (!navigator.serviceWorker.controller) {
          await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok, { once: true }));
        }
      });
      const manifest = await page.evaluate(async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json());
      assert(manifest.name === 'Reallot' && manifest.icons.length > 0 && manifest.display === 'standalone', JSON.stringify(manifest));

      await context.setOffline(true);
      await page.reload();
      await page.getByTestId('page-overview').waitFor({ timeout: 30_000 });
      const leads = Number((await page.getByTestId('kpi-leads').textContent({ timeout: 30_000 })).replace(/\D/g, ''));
      assert(leads > 2000, `demo measured offline: ${leads}`);
      await page.getByTestId('nav-leads').click();
      await page.getByTestId('chart-funnel').locator('img').waitFor({ timeout: 30_000 });
      await page.goto(base + '/data');
      await page.getByTestId('dataset-row-demo').waitFor();
      assert(!(await page.evaluate(() => navigator.onLine)), 'the browser was offline throughout');
      await context.setOffline(false);
    },
  },
];
