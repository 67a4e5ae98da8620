// Shared by axe.mjs and screenshot.mjs: Debian's Chromium launched with the
// flags this offline machine needs, and a tiny static HTTP server so pages are
// tested over http:// (relative CSS/links resolve; file:// breaks some axe rules).
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

// Without the networking flags Chromium keeps trying to reach Google's hosts
// and floods the log with refused connections; --no-sandbox because we run as root.
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
};

function commonDir(files) {
  let dir = path.dirname(files[0]);
  const under = (d) => files.every((f) => f.startsWith(d.endsWith(path.sep) ? d : d + path.sep));
  while (!under(dir)) dir = path.dirname(dir);
  return dir;
}

/** Serve the common parent folder of `files` on 127.0.0.1 (random port).
 *  Returns {urlFor(file), close()}. */
export async function serve(files) {
  const abs = files.map((f) => path.resolve(f));
  const root = commonDir(abs);
  const server = http.createServer(async (req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.join(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await fs.stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await fs.readFile(file);
      const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type }).end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    urlFor: (f) => base + '/' + path.relative(root, path.resolve(f)).split(path.sep).map(encodeURIComponent).join('/'),
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** Open `url` in a new page; requests leaving the local server are aborted
 *  (the machine is offline, and results must not depend on remote assets). */
export async function openPage(browser, url, { scheme = 'light', width = 1280, height = 800 } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  const origin = new URL(url).origin;
  await page.route('**/*', (r) => (r.request().url().startsWith(origin) ? r.continue() : r.abort()));
  await page.emulateMedia({ colorScheme: scheme });
  const resp = await page.goto(url, { waitUntil: 'load' });
  if (!resp?.ok()) throw new Error(`${url}: HTTP ${resp?.status()}`);
  return page;
}
