// Security: the Content-Security-Policy blocks inline script, user strings reach the
// DOM only as text (names, headers, file names, dataset names, filter options), and no page
// requests another host (the harness fails any journey that does; this one visits them all).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assert } from '../harness.mjs';
import { PAGES, importAs } from '../app.mjs';

const XSS = {
  name: '<img src=x onerror=window.__xss=1>',
  team: '<b>team</b>',
  region: '<svg onload=window.__xss=2>',
  header: '<img src=x onerror=window.__xss=3>',
  source: '<script>window.__xss=4</script>',
  file: '<img src=x onerror=window.__xss=5>.csv',
  dataset: '<img src=x onerror=window.__xss=6>',
};

const csv = (rows) => Buffer.from(rows.map((r) => r.join(',')).join('\n') + '\n');
const REPS = csv([['rep_id', 'name', 'team', 'region'], ['R1', XSS.name, XSS.team, XSS.region], ['R2', 'Li', 'east', 'east']]);
const LEADS = csv([
  ['lead_id', 'created_at', 'source', 'region', 'customer_type', 'assigned_rep_id', 'stage', XSS.header],
  ['L1', '2025-01-02', XSS.source, XSS.region, 'ka', 'R1', 'won', XSS.name],
  ['L2', '2025-01-03', 'web', 'east', 'small', 'R2', 'contacted', 'x'],
]);

/** Elements a payload would have created had it been parsed as HTML. */
async function injected(page) {
  return page.evaluate(() => ({
    elements: document.querySelectorAll('img[src="x"], [onerror], [onload], script:not([src]), main b, main svg[onload]').length,
    ran: window.__xss ?? null,
  }));
}

async function assertClean(page, where) {
  const found = await injected(page);
  assert(found.elements === 0 && found.ran === null, `${where}: payload parsed as HTML ${JSON.stringify(found)}`);
}

export const journeys = [
  {
    name: 'security: the CSP blocks inline script',
    async run({ page, base, problems }) {
      await page.goto(base + '/');
      await page.getByTestId('page-overview').waitFor();
      const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      // eval cannot be tried from here: code run by the debugger protocol is exempt from CSP.
      const script = csp.split(';').find((d) => d.trim().startsWith('script-src'));
      assert(script.trim() === "script-src 'self' 'wasm-unsafe-eval'", csp);
      assert(!csp.includes("'unsafe-eval'") && !/default-src[^;]*unsafe/.test(csp), csp);
      assert(!/style-src [^;]*unsafe/.test(csp), `style elements stay blocked: ${csp}`);
      const outcome = await page.evaluate(async () => {
        const violations = [];
        document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
        const s = document.createElement('script');
        s.textContent = 'window.__inline = 1';
        document.body.append(s);
        await new Promise((r) => setTimeout(r, 100));
        return { inline: window.__inline ?? null, violations };
      });
      assert(outcome.inline === null, 'inline script ran');
      assert(outcome.violations.includes('script-src-elem'), `violations: ${outcome.violations}`);
      // The refusals are logged as console errors, which is what was asked for here.
      const expected = (p) => p.includes('Content Security Policy');
      assert(problems.some(expected), `no CSP report in: ${problems}`);
      problems.splice(0, problems.length, ...problems.filter((p) => !expected(p)));
    },
  },
  {
    name: 'security: user strings render as text on every page and no other host is asked',
    context: { viewport: { width: 1024, height: 900 } },
    async run({ page, base, artifacts }) {
      await page.goto(base + '/data');
      await page.getByTestId('file-input').setInputFiles([
        { name: XSS.file, mimeType: 'text/csv', buffer: LEADS },
        { name: 'reps.csv', mimeType: 'text/csv', buffer: REPS },
      ]);
      await page.getByTestId('preview-1').waitFor();
      await assertClean(page, 'file cards');
      const card = await page.getByTestId('file-0').textContent();
      assert(card.includes(XSS.file) && card.includes(XSS.header) && card.includes(XSS.source), 'payloads shown as text');
      await importAs(page, base, [
        { name: XSS.file, mimeType: 'text/csv', buffer: LEADS },
        { name: 'reps.csv', mimeType: 'text/csv', buffer: REPS },
      ], XSS.dataset);
      await assertClean(page, 'import report');
      const cell = await page.getByTestId(`dataset-row-${XSS.dataset}`).getByTestId('dataset-name-cell').textContent();
      assert(cell === XSS.dataset, `dataset name as text: ${cell}`);
      for (const p of PAGES) {
        await page.getByTestId(`nav-${p}`).click();
        await page.getByTestId(`page-${p}`).waitFor();
        await assertClean(page, p);
      }
      await page.getByTestId('nav-leads').click();
      const options = await page.locator('.filterbar select option').allTextContents();
      assert(options.includes(XSS.region), `region payload offered as text: ${options}`);
      await page.screenshot({ path: `${artifacts}/security-text.png`, fullPage: true });
    },
  },
  {
    name: 'security: the exported findings CSV cannot run as a formula',
    async run({ page, base, artifacts }) {
      const formulas = ['=HYPERLINK("http://evil.example/x")', '+1+1', '-2+3', '@SUM(A1)'];
      const text = ['lead_id,created_at', ...formulas.map((f, i) => `L${i},"${f.replaceAll('"', '""')}"`), 'L9,2025-01-02'].join('\n');
      await importAs(page, base, { name: 'formulas.csv', mimeType: 'text/csv', buffer: Buffer.from(text) }, 'formulas');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-findings').click(),
      ]);
      assert(download.suggestedFilename() === 'findings.csv', download.suggestedFilename());
      const file = join(artifacts, 'findings.csv');
      await download.saveAs(file);
      const csv = (await readFile(file, 'utf8'));
      assert(csv.startsWith('\ufefftable,column,kind,message,count,row,value,detail\r\n'), csv.slice(0, 80));
      for (const f of formulas) {
        const cell = `'${f}`.includes('"') ? `"'${f.replaceAll('"', '""')}"` : `'${f}`;
        assert(csv.includes(`,${cell},`), `${f} neutralised in:\n${csv}`);
      }
      const risky = csv.split(/\r\n/).flatMap((l) => l.split(',')).filter((c) => /^[=+\-@]/.test(c) && Number.isNaN(Number(c)));
      assert(risky.length === 0, `cells a spreadsheet would run: ${risky}`);
    },
  },
];
