import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { euBooking } from '../fixtures/bookings';
import { offlineTestApp } from '../harness/api';
import { eventually } from '../harness/eventually';
import { launchChromium, screenshot } from './chromium';
import { assertAccessible, deskOfficer } from './desk-walk';
import { deskStack, type DeskStack } from './ui-stack';

async function listen(server: Server): Promise<string> {
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the desk console in a browser: a household together, and a page when Temporal is away', function () {
  this.timeout(300_000);
  let browser: Browser;
  let page: Page;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => browser?.close());
  beforeEach(async () => {
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' })).newPage();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await screenshot(page, 'desk-household-failed.png').catch(() => undefined);
    await page.context().close();
  });

  describe('a household', () => {
    let stack: DeskStack | undefined;
    let baseUrl: string;
    const household = `HH-${randomUUID().slice(0, 8)}`;
    const parent = euBooking({
      householdReference: household,
      person: { ...euBooking().person, givenNames: 'Jonas', familyName: 'Weber-Lind' },
    });
    const child = euBooking({
      householdReference: household,
      person: { ...euBooking().person, givenNames: 'Mila', familyName: 'Weber-Lind', dateOfBirth: '2019-05-01' },
    });

    before(async () => {
      stack = await deskStack('desk-household', { bookings: [parent, child] });
      baseUrl = stack.baseUrl;
    });
    after(() => stack?.stop());

    it("shows the household's other members on a case page, each a link to their own case", async () => {
      const desk = deskOfficer(page, baseUrl);
      await desk.signIn('desk-officer');
      const members = page.locator('section[aria-labelledby="household-heading"] li a');
      await eventually(
        async () => {
          await page.goto(`${baseUrl}/desk/cases/case-${parent.bookingReference}`);
          return (await members.count()) === 1 ? true : undefined;
        },
        60_000,
        500,
      );
      assert.equal(await members.innerText(), 'Mila Weber-Lind', 'the other member, not the case itself');
      assert.match(
        await page.locator('section[aria-labelledby="household-heading"] li').innerText(),
        /\(open\)/,
        'with where its case stands',
      );
      await assertAccessible(page, 'a case page with its household');
      await screenshot(page, 'desk-household.png');
      await Promise.all([page.waitForURL(/\/desk\/cases\//), members.click()]);
      assert.equal(new URL(page.url()).pathname, `/desk/cases/case-${child.bookingReference}`);
      assert.equal(await page.locator('h1').innerText(), 'Mila Weber-Lind');
      assert.equal(
        await page.locator('section[aria-labelledby="household-heading"] li a').innerText(),
        'Jonas Weber-Lind',
      );
      await desk.signOut();
    });
  });

  describe('Temporal unreachable', () => {
    let server: Server;
    let baseUrl: string;
    before(async () => {
      server = offlineTestApp().listen(0, '127.0.0.1');
      baseUrl = await listen(server);
    });
    after(() => server?.close());

    it('shows an officer a 503 page that says to try again, keeps them signed in, and is accessible', async () => {
      const desk = deskOfficer(page, baseUrl);
      await desk.signIn('desk-officer'); // signing in needs no Temporal
      const day = await page.goto(`${baseUrl}/desk`);
      assert.equal(day?.status(), 503);
      assert.equal(await day?.headerValue('retry-after'), '5');
      assert.match(await page.locator('h1').innerText(), /Something went wrong \(503\)/);
      assert.match(
        await page.locator('[role="alert"]').innerText(),
        /does not answer right now; try again shortly\. Nothing was lost\./,
      );
      assert.match(await page.locator('main').innerText(), /Request id: [0-9a-f-]{36}/);
      assert.match(await page.locator('body').innerText(), /Signed in as desk-officer-1/);
      await assertAccessible(page, 'the 503 page');
      await screenshot(page, 'desk-503.png');

      const casePage = await page.goto(`${baseUrl}/desk/cases/case-BK-UNREACHABLE-1`);
      assert.equal(casePage?.status(), 503, 'a case page too');
      await Promise.all([page.waitForURL(`${baseUrl}/desk`), page.getByRole('link', { name: /day list/i }).click()]);
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: /nederlands/i }).click()]);
      assert.match(await page.locator('[role="alert"]').innerText(), /De dienst antwoordt nu niet/);
      await desk.signOut();
    });
  });
});
