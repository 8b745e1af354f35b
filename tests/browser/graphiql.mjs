// Opens GraphiQL in Debian's headless chromium with the network cut off from everything but
// loopback, waits for the editor, optionally signs in through the page's form, runs a query and
// prints as JSON the result pane's text, the requests that were cut off, and any CSP violation
// or page error.
// Usage: node graphiql.mjs BASE_URL QUERY [EMAIL PASSWORD]
import { chromium } from 'playwright-core';

const [base, query, email, password] = process.argv.slice(2);
if (!base || !query) {
  console.error('usage: node graphiql.mjs BASE_URL QUERY [EMAIL PASSWORD]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const cutOff = [];
const problems = [];
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  // Only loopback: anything else (a CDN, fonts, telemetry) is aborted and recorded.
  await context.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]') {
      return route.continue();
    }
    cutOff.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const response = await page.goto(`${base}/`, { waitUntil: 'load' });
  const status = response ? response.status() : 0;
  await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: 30000 });
  const editorSeen = true;

  let session = null;
  if (email) {
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('#sign-in-button');
    await page.waitForFunction(() => /Signed in|Not signed in \(/.test(document.getElementById('session').textContent), null, { timeout: 15000 });
    session = await page.textContent('#session');
  }

  // Over the example, as pasted text (typed keys would meet GraphiQL's auto-closed braces).
  await page.click('.graphiql-query-editor .CodeMirror');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(query);
  // GraphiQL reads the operation's name from the editor after a short debounce; a person is
  // slower than that anyway.
  await page.waitForTimeout(1000);
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(
    () => {
      const pane = document.querySelector('.graphiql-response .CodeMirror');
      return pane && /"(data|errors)"/.test(pane.CodeMirror.getValue());
    },
    null,
    { timeout: 15000 },
  );
  const result = await page.evaluate(() => document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue());
  const stored = await page.evaluate(() => JSON.stringify(window.localStorage));
  console.log(JSON.stringify({ status, editorSeen, session, result, cutOff, problems, stored }));
} finally {
  await browser.close();
}
