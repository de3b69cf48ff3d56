// Mappings remembered per file shape: a mapping fixed by hand and imported is applied to the
// next file with the same header (shown as remembered), and not to a file of another shape.
import { assert } from '../harness.mjs';

const csv = (header, row) => ({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}\n${row}\n`) });
const HEADER = 'order_id,customer_id,order_date,amount,x';

export const journeys = [
  {
    name: 'mappings: an edited mapping is remembered for files of the same header',
    async run({ page, base }) {
      await page.goto(base + '/data');
      await page.getByTestId('file-input').setInputFiles(csv(HEADER, 'O1,C1,2024-01-02,10,drinks'));
      await page.getByTestId('mapping-0').waitFor();
      assert((await page.getByTestId('remembered-0').count()) === 0, 'nothing remembered at first');
      assert((await page.getByTestId('map-0-4').inputValue()) === '', 'column x not guessed');
      await page.getByTestId('map-0-4').selectOption('category');
      await page.getByTestId('dataset-name').fill('first');
      await page.getByTestId('import-button').click();
      await page.getByTestId('dataset-row-first').waitFor({ timeout: 20_000 });
      await page.reload();
      await page.getByTestId('page-data').waitFor();
      await page.getByTestId('file-input').setInputFiles(csv(HEADER, 'O2,C2,2024-02-03,20,snacks'));
      await page.getByTestId('remembered-0').waitFor();
      assert((await page.getByTestId('map-0-4').inputValue()) === 'category', 'remembered mapping applied');
      await page.getByTestId('file-0').getByRole('button').first().click();
      await page.getByTestId('file-input').setInputFiles(csv('order_id,customer_id,order_date,amount,y', 'O3,C3,2024-02-03,20,z'));
      await page.getByTestId('mapping-0').waitFor();
      assert((await page.getByTestId('remembered-0').count()) === 0, 'another shape is not remembered');
    },
  },
];
