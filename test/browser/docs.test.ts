import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { openApiDocument } from '../../api/openapi';
import { testApp, tokens } from '../harness/api';
import { uniqueTaskQueue } from '../harness/temporal';
import { launchChromium, screenshot } from './chromium';

describe('/docs in a browser: Swagger UI from the API itself, with try-it-out', function () {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let page: Page;
  let apiUrl: string;
  const elsewhere: string[] = [];
  const refused: string[] = [];
  const sentAuthorization: string[] = [];

  before(async function () {
    this.timeout(60_000);
    server = testApp({ taskQueue: uniqueTaskQueue('docs') }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server!.once('listening', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    // Offline is the point: a request to any other origin is recorded and refused, as it would be on the machine.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${apiUrl}/`) || url.startsWith('data:')) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
    });
    page.on('request', (request) => {
      const authorization = request.headers().authorization;
      if (request.url().includes('/v1/cases/') && authorization) sentAuthorization.push(authorization);
    });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, 'docs-failed.png').catch(() => undefined);
  });

  it('renders every operation of the document from local files, within its Content-Security-Policy', async () => {
    await page.goto(`${apiUrl}/docs`);
    const operations = Object.values(openApiDocument().paths).flatMap((item) => Object.keys(item)).length;
    await page.waitForFunction(
      (n) =>
        (
          globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
        ).document.querySelectorAll('.opblock').length >= n,
      operations,
      { timeout: 30_000 },
    );
    assert.equal(await page.locator('.opblock').count(), operations);
    assert.match((await page.locator('.info .title').innerText()).trim(), /one-stop desk/);
    assert.deepEqual(elsewhere, [], 'the page asked another origin');
    assert.deepEqual(refused, [], 'the page broke its own policy');
    await screenshot(page, 'docs.png');
  });

  it('tries a call out with a bearer token and shows the answer', async () => {
    await page.locator('.btn.authorize').first().click();
    await page.locator('.modal-ux input').first().fill(tokens.desk.replace('Bearer ', ''));
    await page.locator('.modal-ux .btn.authorize').first().click();
    await page.locator('.modal-ux .btn-done').first().click();

    const operation = page.locator('.opblock-get', { hasText: '/v1/cases/{caseId}' }).first();
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('input[placeholder="caseId"]').fill('case-BK-DOCS-NONE-1');
    await operation.locator('.btn.execute').click();
    const status = operation.locator('.live-responses-table tr.response .response-col_status').first();
    await status.waitFor({ timeout: 30_000 });
    assert.equal((await status.innerText()).trim(), '404', 'no such case, so the token was accepted');
    assert.match(await operation.locator('.live-responses-table').innerText(), /api-version: 1\.\d+\.\d+/i);
    assert.deepEqual(sentAuthorization, [tokens.desk]);
    assert.deepEqual(elsewhere, []);
    assert.deepEqual(refused, []);
    await screenshot(page, 'docs-try-it-out.png');
  });
});
