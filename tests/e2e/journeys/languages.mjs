// Languages: in Chinese, the Data page's labels are all translated.
import { assert } from '../harness.mjs';

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
];
