// Usage: node axe.mjs OUT.json FILE.html [FILE.html...]
// Runs axe-core on every file in light and dark colour schemes and writes
// [{file, scheme, violations: [{id, impact, help, nodes: [{target, html, failureSummary}]}]}].
// Exits 0 even when there are violations (the caller decides); non-zero only
// if the tool itself fails.
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { launch, openPage, serve } from './serve.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag2aaa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const SCHEMES = ['light', 'dark'];

const [out, ...files] = process.argv.slice(2);
if (!out || files.length === 0) {
  console.error('usage: node axe.mjs OUT.json FILE.html [FILE.html...]');
  process.exit(2);
}

const axeSource = await fs.readFile(createRequire(import.meta.url).resolve('axe-core'), 'utf8');
const server = await serve(files);
const browser = await launch();
try {
  const results = [];
  for (const file of files) {
    for (const scheme of SCHEMES) {
      const page = await openPage(browser, server.urlFor(file), { scheme });
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async (values) => {
        const r = await window.axe.run(document, { runOnly: { type: 'tag', values } });
        return r.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
        }));
      }, TAGS);
      results.push({ file, scheme, violations });
      await page.close();
    }
  }
  await fs.writeFile(out, JSON.stringify(results, null, 2));
} finally {
  await browser.close();
  await server.close();
}
