// Languages: in Chinese, the Data page's labels are all translated, and so are the messages
// that come from the core (import refusals, data-quality findings) and the datasets' dates.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert } from '../harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const bad = resolve(here, '../../data/bad');
const malformed = resolve(here, '../../data/import/malformed.csv');

/** The longest run of English words (separated by spaces only) once quoted values and file
 *  names are taken out: a sentence left in English has three or more. */
function englishRun(text) {
  const prose = text.replace(/"[^"]*"/g, ' ').replace(/[\w.-]+\.(csv|jsonl|xlsx)/g, ' ');
  return Math.max(0, ...(prose.match(/[A-Za-z]+(?: +[A-Za-z]+)*/g) ?? []).map((r) => r.split(/ +/).length));
}

/** Asserts `text` is Chinese with no English sentence. */
function chinese(text, what) {
  assert(/[\u4e00-\u9fff]/.test(text), `${what}: no Chinese in ${text.slice(0, 300)}`);
  assert(englishRun(text) < 3, `${what}: English left in ${text.slice(0, 600)}`);
}

const ENGLISH = ['Import files', 'Dataset name', 'Clear', 'Datasets', 'Restore from a backup file', 'Current dataset',
  'Storage used', 'Name', 'Size', 'Imported', 'Open', 'Rename', 'Backup', 'Delete', 'built in', 'Encoding',
  'Delimiter', 'Column', 'Field', 'Confidence', 'Remove'];

export const journeys = [
  {
    name: 'languages: the Data page in Chinese has no untranslated labels',
    context: { locale: 'zh-CN' },
    async run({ page, base }) {
      await page.goto(base + '/data');
      await page.getByTestId('page-data').waitFor();
      await page.getByTestId('file-input').setInputFiles({
        name: 'orders.csv', mimeType: 'text/csv',
        buffer: Buffer.from('order_id,customer_id,order_date,amount,note\nO1,C1,2024-01-02,1234567,x\n'),
      });
      await page.getByTestId('mapping-0').waitFor();
      assert((await page.getByTestId('import-button').textContent()) === '导入', 'the import button says 导入');
      const text = await page.getByTestId('page-data').innerText();
      const left = ENGLISH.filter((w) => text.includes(w));
      assert(left.length === 0, `untranslated: ${left.join(', ')}`);
      assert(text.includes('数据集列表') && text.includes('编码'), 'Chinese labels shown');
      await page.getByTestId('nav-overview').click();
      await page.getByTestId('kpi-leads').waitFor();
      const overview = await page.getByTestId('page-overview').innerText();
      for (const w of ['Leads', 'Won', 'Conversion rate', 'Tables', 'Reset filters', 'Region']) {
        assert(!overview.includes(w), `overview untranslated: ${w}`);
      }
      assert(/\d,\d{3}/.test(await page.getByTestId('kpi-leads').textContent()), 'lead count grouped by thousands');
    },
  },
  {
    name: 'languages: refusals, findings and dates from the core read in Chinese',
    context: { locale: 'zh-CN' },
    async run({ page, base }) {
      await page.goto(base + '/data');
      await page.getByTestId('dataset-row-demo').waitFor();
      for (const [file, where] of [[malformed, '19'], [join(bad, 'no_table.csv'), 'colour, weight, flavour']]) {
        await page.getByTestId('file-input').setInputFiles(file);
        const card = page.getByTestId('file-0');
        const shown = await card.getByTestId('file-error').textContent({ timeout: 30_000 });
        chinese(shown, file);
        assert(shown.includes(file.split('/').pop()) && shown.includes(where), `${file}: not located: ${shown}`);
        await page.getByTestId('import-button').click();
        chinese(await page.getByTestId('import-error').textContent(), `${file} refused`);
        await card.getByRole('button').first().click();
        await card.waitFor({ state: 'detached' });
      }

      const loadable = ['unclosed_quote.csv', 'leads.csv', 'duplicated_headers.csv', 'year_9999.csv', 'negative_amounts.csv'];
      await page.getByTestId('file-input').setInputFiles(loadable.map((f) => join(bad, f)));
      for (let i = 0; i < loadable.length; i++) await page.getByTestId(`mapping-${i}`).waitFor({ timeout: 30_000 });
      const parsed = (await page.getByTestId('findings').allTextContents()).join('\n');
      chinese(parsed, 'parse findings');
      assert(parsed.includes('引号开于第 3 行') && parsed.includes('第 3 列与第 1 列重名'), `findings not located: ${parsed}`);
      assert(parsed.includes('文件名对应线索表，但其列符合订单表'), `table mismatch not said: ${parsed}`);
      await page.getByTestId('dataset-name').fill('zh');
      await page.getByTestId('import-button').click();
      const report = page.getByTestId('import-report');
      await report.waitFor({ timeout: 60_000 });
      const findings = await report.getByTestId('findings').textContent();
      chinese(findings, 'quality report');
      assert(findings.includes('小于零') && findings.includes('-80.00'), `negative amounts: ${findings}`);
      assert(findings.includes('9999-12-31'), `year 9999: ${findings}`);
      const row = await page.getByTestId('dataset-row-zh').textContent();
      assert(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/.test(row), `date not in Chinese form: ${row}`);
    },
  },
];
