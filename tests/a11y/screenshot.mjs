// Usage: node screenshot.mjs FILE.html OUT.png WIDTH [light|dark] [SITE_ROOT]
// Full-page screenshot at a viewport WIDTH x 800, page served over local HTTP.
// SITE_ROOT (default: the page's folder) is served too, so ../assets/style.css resolves.
import path from 'node:path';
import { launch, openPage, serve } from './serve.mjs';

const [file, out, width, scheme = 'light', siteRoot] = process.argv.slice(2);
if (!file || !out || !(Number(width) > 0) || !['light', 'dark'].includes(scheme)) {
  console.error('usage: node screenshot.mjs FILE.html OUT.png WIDTH [light|dark]');
  process.exit(2);
}

const server = await serve(siteRoot ? [path.join(siteRoot, 'index.html'), file] : [file]);
const browser = await launch();
try {
  const page = await openPage(browser, server.urlFor(file), { scheme, width: Number(width) });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: out, fullPage: true });
} finally {
  await browser.close();
  await server.close();
}
