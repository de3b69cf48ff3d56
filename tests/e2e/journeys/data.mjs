// Data page journeys against real IndexedDB: import real GBK and XLSX exports with a fixed
// mapping, reload and find the dataset intact; delete; backup and restore; a malformed file
// is refused with a located error and leaves stored data untouched.
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert } from '../harness.mjs';
import { activeIs, sizes } from '../app.mjs';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/import');
const GBK = join(fixtures, 'customers_gbk.csv');
const XLSX = join(fixtures, 'orders.xlsx');
const MALFORMED = join(fixtures, 'malformed.csv');

/** Imports the GBK customers and the XLSX orders as `name`, un-mapping one column first. */
async function importFixtures(page, base, name) {
  await page.goto(base + '/data');
  await page.getByTestId('file-input').setInputFiles([GBK, XLSX]);
  await page.getByTestId('file-1').waitFor();
  const detected = await page.getByTestId('file-0').getByTestId('file-detected').textContent();
  assert(detected.includes('gb18030'), `GBK file detected as: ${detected}`);
  assert((await page.getByTestId('table-0').inputValue()) === 'customers', 'GBK file is customers');
  assert((await page.getByTestId('table-1').inputValue()) === 'orders', 'XLSX file is orders');
  // Fix one mapping: the lead-source column (线索来源) is not to be imported.
  const header = await page.getByTestId('mapping-0').locator('tbody tr').nth(8).locator('td').first().textContent();
  assert(header === '线索来源', `column 8 is ${header}`);
  await page.getByTestId('map-0-8').selectOption('');
  await page.getByTestId('map-0-8').waitFor();
  assert((await page.getByTestId('map-0-8').inputValue()) === '', 'override kept');
  await page.getByTestId('dataset-name').fill(name);
  await page.getByTestId('import-button').click();
  await page.getByTestId('import-report').waitFor({ timeout: 20_000 });
  const report = await page.getByTestId('import-report').textContent();
  assert(report.includes('线索来源'), 'the un-mapped column is reported');
  await page.getByTestId(`dataset-row-${name}`).waitFor();
  await activeIs(page, name, 'imported dataset is active');
}

export const journeys = [
  {
    name: 'data: import GBK CSV and XLSX with a fixed mapping survives a reload',
    context: { viewport: { width: 1024, height: 900 } },
    async run({ page, base, artifacts }) {
      await importFixtures(page, base, 'journey');
      await page.screenshot({ path: join(artifacts, 'data-imported.png'), fullPage: true });
      const before = await sizes(page);
      assert(before.customers === 3 && before.orders === 3 && before.leads === 0, `sizes ${JSON.stringify(before)}`);
      await page.reload();
      await page.getByTestId('page-overview').waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid=size-customers] td:nth-child(2)')?.textContent === '3');
      assert(JSON.stringify(await sizes(page)) === JSON.stringify(before), 'same sizes after reload');
      await page.getByTestId('nav-data').click();
      await activeIs(page, 'journey', 'still active after reload');
      await page.getByTestId('dataset-row-journey').waitFor();
      await page.screenshot({ path: join(artifacts, 'data-reloaded.png'), fullPage: true });
    },
  },
  {
    name: 'data: delete asks for confirmation and removes the dataset for good',
    async run({ page, base }) {
      await importFixtures(page, base, 'doomed');
      await page.getByTestId('dataset-row-doomed').getByTestId('dataset-delete').click();
      await page.getByTestId('dataset-row-doomed').getByTestId('dataset-delete-confirm').click();
      await page.getByTestId('dataset-row-doomed').waitFor({ state: 'detached' });
      await activeIs(page, 'demo', 'back on the demo');
      await page.reload();
      await page.getByTestId('page-data').waitFor();
      await page.getByTestId('dataset-row-demo').waitFor();
      await page.waitForTimeout(500);
      assert((await page.getByTestId('dataset-row-doomed').count()) === 0, 'gone after reload');
      const s = await sizes(page);
      assert(s.leads > 5000, 'demo shown again');
    },
  },
  {
    name: 'data: backup then restore round-trips a dataset',
    async run({ page, base, artifacts }) {
      await importFixtures(page, base, 'kept');
      const before = await sizes(page);
      await page.getByTestId('nav-data').click();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('dataset-row-kept').getByTestId('dataset-backup').click(),
      ]);
      const file = join(artifacts, 'kept.reallot');
      await download.saveAs(file);
      assert(download.suggestedFilename() === 'kept.reallot', download.suggestedFilename());
      await page.getByTestId('dataset-row-kept').getByTestId('dataset-delete').click();
      await page.getByTestId('dataset-row-kept').getByTestId('dataset-delete-confirm').click();
      await page.getByTestId('dataset-row-kept').waitFor({ state: 'detached' });
      await page.getByTestId('restore-input').setInputFiles(file);
      await page.getByTestId('dataset-row-kept').waitFor();
      await activeIs(page, 'kept', 'restored is active');
      assert(JSON.stringify(await sizes(page)) === JSON.stringify(before), 'same sizes after restore');
    },
  },
  {
    name: 'data: a malformed file is refused with a located error and stored data stays',
    async run({ page, base, artifacts }) {
      await importFixtures(page, base, 'safe');
      const before = await sizes(page);
      await page.getByTestId('nav-data').click();
      await page.getByTestId('file-input').setInputFiles([MALFORMED]);
      const err = await page.getByTestId('file-0').getByTestId('file-error').textContent();
      assert(/malformed\.csv: .*(byte|row) \d+/.test(err), `located error: ${err}`);
      await page.getByTestId('import-button').click();
      const msg = await page.getByTestId('import-error').textContent();
      assert(msg.startsWith('malformed.csv'), `import refused: ${msg}`);
      await page.screenshot({ path: join(artifacts, 'data-malformed.png'), fullPage: true });
      await page.reload();
      await page.getByTestId('page-data').waitFor();
      await page.getByTestId('dataset-row-safe').waitFor();
      await activeIs(page, 'safe', 'still active');
      assert(JSON.stringify(await sizes(page)) === JSON.stringify(before), 'stored data untouched');
    },
  },
];
