// Opens a page in Debian's headless chromium, takes a PNG screenshot, and prints as JSON the
// page's text, how many pixels of the screenshot are not white (decoded by the browser itself,
// on a canvas), and whether it differs from a screenshot of a blank page.
// Usage: node screenshot.mjs URL OUT.png
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node screenshot.mjs URL OUT.png');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
  const response = await page.goto(url, { waitUntil: 'load' });
  const status = response ? response.status() : 0;
  const text = await page.innerText('body');
  await page.screenshot({ path: out, fullPage: true });
  const png = readFileSync(out);
  const blankPage = await browser.newPage({ viewport: { width: 800, height: 900 } });
  await blankPage.goto('about:blank');
  const blank = await blankPage.screenshot();
  const counted = await blankPage.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    let nonWhite = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) nonWhite++;
    }
    return { nonWhite, total: img.width * img.height, width: img.width, height: img.height };
  }, png.toString('base64'));
  console.log(JSON.stringify({ status, text, ...counted, differsFromBlank: !blank.equals(png) }));
} finally {
  await browser.close();
}
