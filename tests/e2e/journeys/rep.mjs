// Rep view on a tablet (touch, 768×1024) and a phone: pick yourself, see your open leads
// ranked by expected value with reclaim countdowns, customers due to reorder and today's
// visits; every control is at least 44 px; the choice survives a reload, and the view works
// offline. User strings (a lead id, a customer name) render as text.
import { assert } from '../harness.mjs';
import { importAs } from '../app.mjs';

const TABLET = { viewport: { width: 768, height: 1024 }, hasTouch: true, isMobile: true, deviceScaleFactor: 1 };
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 1 };

/** Picks the first rep offered and waits for their lists; returns the rep id. */
async function pickFirstRep(page) {
  const pick = page.getByTestId('rep-pick');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="rep-pick"] option').length > 1, null, { timeout: 60_000 });
  const rep = await pick.locator('option').nth(1).getAttribute('value');
  await pick.selectOption(rep);
  await page.getByTestId('rep-lead').first().waitFor({ timeout: 60_000 });
  return rep;
}

const numbers = (page, testid, attr) =>
  page.getByTestId(testid).evaluateAll((els, a) => els.map((e) => Number(e.getAttribute(a))), attr);

const descending = (xs) => xs.every((x, i) => i === 0 || xs[i - 1] >= x);

/** Every visible link, button, select and input smaller than 44 × 44 px. */
async function smallTargets(page) {
  return page.evaluate(() => [...document.querySelectorAll('a[href], button, select, input, summary')]
    .filter((el) => el.getClientRects().length > 0)
    .map((el) => ({ el, r: el.getBoundingClientRect() }))
    .filter(({ r }) => r.height < 44 || r.width < 44)
    .map(({ el, r }) => `${el.tagName.toLowerCase()}[${el.dataset.testid ?? el.textContent.trim().slice(0, 20)}] ${Math.round(r.width)}×${Math.round(r.height)}`));
}

/** Waits until the service worker controls the page, so the shell is cached for offline. */
async function controlled(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok, { once: true }));
    }
  });
}

export const journeys = [
  {
    name: 'rep: on a tablet a rep sees ranked leads with countdowns, reorders and visits, remembered and offline',
    context: TABLET,
    async run({ page, base, context, artifacts }) {
      await page.goto(base + '/overview');
      await page.getByTestId('kpi-leads').waitFor({ timeout: 60_000 });
      await controlled(page);
      await page.getByTestId('nav-rep').tap();
      await page.getByTestId('rep-hint').waitFor({ timeout: 60_000 });
      const rep = await pickFirstRep(page);

      const ev = await numbers(page, 'rep-lead', 'data-ev');
      assert(ev.length > 0 && descending(ev), `leads by expected value, highest first: ${ev}`);
      const countdowns = await page.getByTestId('rep-countdown').allTextContents();
      assert(countdowns.length === ev.length, `a countdown per lead: ${countdowns.length} of ${ev.length}`);
      assert(countdowns.every((c) => /^(back to pool in|past reclaim by) (\d+ d( \d+ h)?|\d+ h \d+ min|\d+ min)$|^kept \(no reclaim\)$/.test(c)), `countdown texts: ${countdowns}`);
      assert(countdowns.some((c) => c.startsWith('back to pool in')), `some lead still counts down: ${countdowns}`);
      const secs = await page.getByTestId('rep-lead').evaluateAll((els) => els.map((e) => e.getAttribute('data-secs')));
      const marked = await page.getByTestId('rep-countdown').evaluateAll((els) => els.map((e) => e.className));
      secs.forEach((s, i) => {
        const want = s === null ? 'never' : Number(s) <= 0 ? 'overdue' : Number(s) <= 48 * 3600 ? 'soon' : 'later';
        assert(marked[i].includes(want), `lead ${i}: ${s} s left marked ${marked[i]}, expected ${want}`);
      });

      const reorder = await numbers(page, 'rep-reorder-item', 'data-ratio');
      assert(reorder.length > 0 && descending(reorder), `reorders, most overdue first: ${reorder}`);
      const dues = await page.getByTestId('rep-reorder-item').locator('.badge').allTextContents();
      assert(dues.every((d) => /^(due today|due in \d+ d|\d+ d late)$/.test(d)), `due texts: ${dues}`);
      const stakes = await numbers(page, 'rep-visit', 'data-stake');
      assert(stakes.length > 0 && stakes.length <= 8 && descending(stakes), `visits, most at stake first: ${stakes}`);
      await page.getByTestId('rep-at-risk').waitFor();

      const small = await smallTargets(page);
      assert(small.length === 0, `touch targets under 44 px: ${small.join(', ')}`);
      const h1 = await page.locator('.rep-title').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
      assert(h1 >= 18, `titles readable at arm's length: ${h1}px`);
      await page.screenshot({ path: `${artifacts}/rep-tablet.png`, fullPage: true });
      await page.screenshot({ path: `${artifacts}/rep-tablet-top.png` });

      await page.reload();
      await page.getByTestId('rep-lead').first().waitFor({ timeout: 60_000 });
      assert((await page.getByTestId('rep-pick').inputValue()) === rep, 'the rep is remembered after a reload');
      const again = await numbers(page, 'rep-lead', 'data-ev');
      assert(JSON.stringify(again) === JSON.stringify(ev), 'the same leads after a reload');

      await context.setOffline(true);
      await page.reload();
      await page.getByTestId('rep-lead').first().waitFor({ timeout: 60_000 });
      assert((await page.getByTestId('rep-pick').inputValue()) === rep, 'remembered offline');
      assert((await numbers(page, 'rep-visit', 'data-stake')).length > 0, 'visits offline');
      assert(!(await page.evaluate(() => navigator.onLine)), 'the browser was offline');
      await context.setOffline(false);
    },
  },
  {
    name: 'rep: the rep view fits a phone',
    context: PHONE,
    async run({ page, base, artifacts }) {
      await page.goto(base + '/rep');
      await pickFirstRep(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, `no sideways scrolling on a phone: ${overflow}px too wide`);
      const small = await smallTargets(page);
      assert(small.length === 0, `touch targets under 44 px: ${small.join(', ')}`);
      await page.screenshot({ path: `${artifacts}/rep-phone.png`, fullPage: true });
    },
  },
  {
    name: 'rep: a lead id and a customer name made of markup render as text',
    context: TABLET,
    async run({ page, base }) {
      const xss = '<img src=x onerror=alert(1)>';
      const dialogs = [];
      page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
      const csv = (rows) => Buffer.from(rows.map((r) => r.join(',')).join('\n') + '\n');
      await importAs(page, base, [
        { name: 'reps.csv', mimeType: 'text/csv', buffer: csv([['rep_id', 'name'], ['R1', 'Ann']]) },
        {
          name: 'leads.csv', mimeType: 'text/csv', buffer: csv([
            ['lead_id', 'created_at', 'source', 'customer_type', 'est_value', 'assigned_rep_id', 'assigned_at', 'stage', 'lost_at'],
            [xss, '2025-03-01', 'web', 'ka', '5000', 'R1', '2025-03-01', 'new', ''],
            ['L2', '2025-01-01', 'web', 'ka', '100', 'R1', '2025-01-01', 'lost', '2025-01-20'],
          ]),
        },
        { name: 'customers.csv', mimeType: 'text/csv', buffer: csv([['customer_id', 'name', 'owner_rep_id'], ['C1', xss, 'R1']]) },
        { name: 'orders.csv', mimeType: 'text/csv', buffer: csv([['customer_id', 'order_date', 'amount'], ['C1', '2025-01-01', '100'], ['C1', '2025-02-01', '100']]) },
      ], 'markup');
      await page.getByTestId('nav-rep').tap();
      const pick = page.getByTestId('rep-pick');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="rep-pick"] option[value="R1"]').length === 1, null, { timeout: 60_000 });
      await pick.selectOption('R1');
      await page.getByTestId('rep-lead').first().waitFor({ timeout: 60_000 });
      const lead = await page.getByTestId('rep-lead').first().locator('.rep-title').textContent();
      assert(lead.startsWith(xss), `lead id shown as text: ${lead}`);
      const customer = await page.getByTestId('rep-reorder-item').first().locator('.rep-title').textContent();
      assert(customer === xss, `customer name shown as text: ${customer}`);
      const parsed = await page.evaluate(() => document.querySelectorAll('img[src="x"], [onerror]').length);
      assert(parsed === 0 && dialogs.length === 0, `payload parsed as HTML: ${parsed} elements, dialogs ${dialogs}`);
    },
  },
];
