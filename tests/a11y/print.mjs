// Prints a page to PDF many times, each time with the article pushed down by a different
// amount, so the end of the text falls at every position of the last sheet. Writes
// <out>/<i>.pdf for each offset; the test reads them with pdftotext.
// Usage: node print.mjs <out-dir> <page.html> <stylesheet> <step px> <count>
import { launch, openPage, serve } from './serve.mjs';

const [out, file, css, step, count] = process.argv.slice(2);
const server = await serve([file, css]);
const browser = await launch();
try {
  const page = await openPage(browser, server.urlFor(file));
  await page.emulateMedia({ media: 'print' });
  await page.evaluate(() => {
    const spacer = document.createElement('div');
    spacer.id = 'print-offset';
    document.querySelector('main').prepend(spacer);
  });
  for (let i = 0; i < Number(count); i++) {
    await page.evaluate((h) => { document.getElementById('print-offset').style.blockSize = `${h}px`; }, i * Number(step));
    await page.pdf({ path: `${out}/${i}.pdf`, format: 'A4' });
  }
} finally {
  await browser.close();
  await server.close();
}
