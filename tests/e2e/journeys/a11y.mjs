// Accessibility: axe-core finds no serious or critical violation on any page (the Data page
// also with a file picked, so its mapping editor is checked), and the keyboard alone reaches
// every control and follows the nav links.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert } from '../harness.mjs';
import { PAGES } from '../app.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/import');

/** Serious and critical violations on the current page, one line each. */
async function violations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  return result;
}

/** Every visible, enabled control on the page, as a stable key. */
async function controls(page) {
  return page.evaluate(() => {
    const all = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')];
    return all
      .filter((el) => !el.disabled && el.getClientRects().length > 0)
      .map((el, i) => {
        el.dataset.kbd = String(i);
        return String(i);
      });
  });
}

/** Tabs through the page until every key in `keys` took focus or the budget is spent (a date
 *  input takes one stop per field), returning the keys that took focus. */
async function tabbed(page, keys) {
  await page.evaluate(() => document.activeElement?.blur());
  const seen = new Set();
  for (let i = 0; i < keys.length * 4 + 10 && seen.size < keys.length; i++) {
    await page.keyboard.press('Tab');
    const key = await page.evaluate(() => document.activeElement?.dataset?.kbd ?? null);
    if (key !== null) seen.add(key);
  }
  return seen;
}

export const journeys = [
  {
    name: 'a11y: axe-core finds no serious or critical violation on any page',
    // axe is injected as a script, which the app's CSP would refuse.
    context: { bypassCSP: true, viewport: { width: 1024, height: 768 } },
    async run({ page, base }) {
      const found = [];
      for (const p of PAGES) {
        await page.goto(`${base}/${p}`);
        await page.getByTestId(`page-${p}`).waitFor();
        for (const v of await violations(page)) found.push(`${p}: ${v}`);
      }
      await page.goto(`${base}/data`);
      await page.getByTestId('file-input').setInputFiles(join(fixtures, 'customers_gbk.csv'));
      await page.getByTestId('mapping-0').waitFor();
      for (const v of await violations(page)) found.push(`data with a file: ${v}`);
      assert(found.length === 0, `violations:\n${found.join('\n')}`);
    },
  },
  {
    name: 'a11y: the keyboard reaches every control on every page and follows the nav',
    context: { viewport: { width: 1024, height: 768 } },
    async run({ page, base }) {
      const missed = [];
      for (const p of PAGES) {
        await page.goto(`${base}/${p}`);
        await page.getByTestId(`page-${p}`).waitFor();
        await page.waitForTimeout(200);
        const keys = await controls(page);
        const seen = await tabbed(page, keys);
        const lost = keys.filter((k) => !seen.has(k));
        if (lost.length) {
          const what = await page.evaluate((ks) => ks.map((k) => document.querySelector(`[data-kbd="${k}"]`)?.outerHTML.slice(0, 80)), lost);
          missed.push(`${p}: ${what.join(' | ')}`);
        }
        assert(keys.length >= PAGES.length, `${p}: only ${keys.length} controls found`);
      }
      assert(missed.length === 0, `not reachable by Tab:\n${missed.join('\n')}`);
      // Enter on a focused nav link opens its page.
      await page.goto(`${base}/overview`);
      await page.getByTestId('page-overview').waitFor();
      await page.getByTestId('nav-settings').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('page-settings').waitFor();
      // And a select can be changed from the keyboard: the language picker.
      const select = page.locator('select').first();
      await select.focus();
      const before = await select.inputValue();
      const atEnd = await select.evaluate((s) => s.selectedIndex === s.options.length - 1);
      await page.keyboard.press(atEnd ? 'ArrowUp' : 'ArrowDown');
      await page.waitForTimeout(100);
      const after = await select.inputValue();
      assert(before !== after, `arrow keys change a select (${before})`);
    },
  },
];
