// Settings journeys: the language follows the browser, is switchable, and survives reload.
import { assert } from '../harness.mjs';

export const journeys = [
  {
    name: 'settings: switch language to Chinese and back, kept across reload',
    context: { locale: 'en-US' },
    async run({ page, base }) {
      await page.goto(base + '/settings');
      await page.getByTestId('page-settings').waitFor();
      assert((await page.getByTestId('nav-data').textContent()) === 'Data', 'English from the browser');
      await page.getByTestId('setting-language').selectOption('zh-CN');
      await page.waitForFunction(() => document.querySelector('[data-testid=nav-data]').textContent === '数据');
      assert((await page.locator('html').getAttribute('lang')) === 'zh-CN', 'html lang follows');
      await page.getByTestId('setting-sla').fill('48');
      await page.getByTestId('setting-sla').press('Tab');
      await page.reload();
      await page.getByTestId('page-settings').waitFor();
      assert((await page.getByTestId('nav-settings').textContent()) === '设置', 'kept after reload');
      assert((await page.getByTestId('setting-sla').inputValue()) === '48', 'SLA kept');
      await page.getByTestId('setting-language').selectOption('en');
      await page.waitForFunction(() => document.querySelector('[data-testid=nav-data]').textContent === 'Data');
    },
  },
  {
    name: 'settings: a Chinese browser opens in Chinese',
    context: { locale: 'zh-CN' },
    async run({ page, base }) {
      await page.goto(base + '/overview');
      await page.getByTestId('page-overview').waitFor();
      assert((await page.getByTestId('nav-overview').textContent()) === '概览', 'zh-CN default');
    },
  },
];
