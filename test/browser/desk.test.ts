import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { deskToday } from '../../api/desk/layout';
import { deskLocalTime } from '../../domain/dates';
import { createLogger } from '../../lib/logger';
import type { StartedSandbox } from '../../sandbox/app';
import type { Booking } from '../../domain/booking';
import { euBooking, vvrBooking } from '../fixtures/bookings';
import { tokens } from '../harness/api';
import { eventually } from '../harness/eventually';
import { sandboxAdmin, testSandboxAdminToken } from '../harness/sandbox-admin';
import { launchChromium, screenshot } from './chromium';
import { assertAccessible, deskOfficer } from './desk-walk';
import { deskStack, type DeskStack } from './ui-stack';

const caseIdOf = (booking: Booking): string => `case-${booking.bookingReference}`;

/** Every personal datum of a booking: none may appear in a URL or a log line. */
const personalData = (booking: Booking): string[] => {
  const { person, residence } = booking;
  return [
    person.givenNames,
    person.familyName,
    person.passportNumber,
    person.email,
    person.dateOfBirth,
    residence.address.street,
    residence.address.postcode,
  ];
};

describe('the desk console in a browser: officers take a VVR and an EU case to the end', function () {
  this.timeout(600_000);
  let stack: DeskStack | undefined;
  let sandbox: StartedSandbox;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let baseUrl: string;
  const logLines: string[] = [];
  const visited: string[] = [];
  const elsewhere: string[] = [];
  const refused: string[] = [];
  // On the desk's clock, on a day no other suite books (their bookings are a week ahead, and all suites share one
  // Temporal server, so that day's list holds a hundred other cases): the EU newcomer comes first, so the day
  // list's order is seen.
  const appointmentDay = deskToday(new Date(Date.now() + 311 * 86_400_000));
  const at = (time: string) => ({
    location: 'MIC-Maastricht',
    startsAt: deskLocalTime(`${appointmentDay}T${time}`)!.toISOString(),
  });
  const vvr = vvrBooking({ appointment: at('10:15') });
  const eu = euBooking({
    appointment: at('09:30'),
    person: { ...euBooking().person, givenNames: 'Lena Sophie', familyName: 'Hoffmann-Ertl' },
  });
  const vvrName = `${vvr.person.givenNames} ${vvr.person.familyName}`;
  const euName = `${eu.person.givenNames} ${eu.person.familyName}`;

  before(async () => {
    // The API logs at info, as in production, into lines this test reads at the end.
    const logger = createLogger({
      name: 'desk-api',
      level: 'info',
      destination: { write: (line: string) => logLines.push(line) },
    });
    stack = await deskStack('desk-console', { bookings: [vvr, eu], logger });
    ({ baseUrl, sandbox } = stack);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    page = await context.newPage();
    await context.route('**/*', (route) => {
      const url = route.request().url();
      visited.push(url);
      if (url.startsWith(`${baseUrl}/`)) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    page.on('framenavigated', (frame) => visited.push(frame.url()));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
    });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, 'desk-failed.png').catch(() => undefined);
  });

  it('signs a desk officer in, shows the day in time order, checks both newcomers in, and shows a 409 inline', async () => {
    const desk = deskOfficer(page, baseUrl);
    await page.goto(`${baseUrl}/desk`);
    assert.equal(new URL(page.url()).pathname, '/desk/sign-in', 'an officer without a session is sent to sign in');
    await assertAccessible(page, 'the sign-in page');
    await desk.signIn('desk-officer');
    // The day list's own timer runs on a clock this test turns: a refresh is seen without waiting for one.
    await page.clock.install();

    const names = await eventually(
      async () => {
        await desk.dayList(appointmentDay);
        const shown = await page.locator('#day-list tbody tr td:nth-child(2) a').allInnerTexts();
        return shown.length === 2 ? shown : undefined;
      },
      60_000,
      500,
    );
    assert.deepEqual(names, [euName, vvrName], 'in time order');
    await assertAccessible(page, 'the day list');
    await screenshot(page, 'desk-day-list.png');
    const vvrRow = page.locator('#day-list tbody tr', { hasText: vvrName });
    assert.match(await vvrRow.innerText(), /10:15\s+.*check-in.*desk officer/s);

    // A second tab of the same officer works the case; the day list in the first one follows by itself.
    const tab = await context.newPage();
    const deskTab = deskOfficer(tab, baseUrl);
    await tab.goto(`${baseUrl}/desk/cases/${caseIdOf(vvr)}`);
    assert.equal(await tab.locator('h1').innerText(), vvrName);
    await assertAccessible(tab, 'a case page');
    await deskTab.act('check-in', { identity: 'verified', note: 'Passport checked <b>at desk 2</b>' });
    assert.ok(await deskTab.done(), 'check-in answered with the case after it');
    assert.match(await tab.locator('#audit').innerText(), /Passport checked <b>at desk 2<\/b>/, 'a note is text');
    await screenshot(tab, 'desk-case-page.png');

    await deskTab.act('hand-over-card');
    assert.match(await tab.locator('#action-hand-over-card-error').innerText(), /Not possible now:.*not ready/s);
    await assertAccessible(tab, 'a case page with a refusal');
    await screenshot(tab, 'desk-409-inline.png');
    await tab.close();

    await eventually(
      async () => {
        await page.clock.runFor(31_000);
        return /check-in/.test(await vvrRow.innerText()) ? undefined : true;
      },
      60_000,
      500,
    );
    assert.match(new URL(page.url()).search, /date=/, 'refreshed in place, not reloaded elsewhere');

    await desk.openCase(euName);
    await desk.act('check-in', { identity: 'verified' });
    assert.ok(await desk.done());
    await desk.signOut();
  });

  it('lets the IND officer record biometrics; IND decides and calls back; the waits move on the page', async () => {
    const ind = deskOfficer(page, baseUrl);
    await ind.signIn('ind-officer');
    await ind.dayList(appointmentDay);
    await ind.openCase(vvrName);
    await ind.untilWaitsOn(/biometrics/);
    await ind.dayList(appointmentDay, 'mine');
    const mine = await page.locator('#day-list tbody tr td:nth-child(2) a').allInnerTexts();
    assert.deepEqual(mine, [vvrName], 'waiting on an IND officer: the VVR case, not the EU one');
    await ind.openCase(vvrName);
    await ind.act('record-permit-decision', { decision: 'refused' });
    assert.match(
      await page.locator('#action-record-permit-decision-error').innerText(),
      /Not accepted:.*needs a reason/s,
      'a refusal asks for its reason',
    );
    await ind.act('capture-biometrics', { captureReference: 'CAP-DESK-1' });
    assert.ok(await ind.done());

    await ind.untilWaitsOn(/permit decision/);
    const applicationNumber = await page.locator('[data-result="indApplicationNumber"]').innerText();
    await sandboxAdmin(sandbox.url, testSandboxAdminToken).decide(applicationNumber, 'granted');
    await ind.untilWaitsOn(/residence card/).catch((err: Error) => {
      const caseId = new URL(page.url()).pathname.split('/')[3]!;
      return fetch(`${baseUrl}/v1/cases/${caseId}`, { headers: { authorization: tokens.ind } })
        .then((res) => res.text())
        .then((text) => {
          throw new Error(`${err.message}; case: ${text}`);
        });
    });
    const card = [...sandbox.state.cards.values()].find(
      (c) => c.caseRef === new URL(page.url()).pathname.split('/')[3],
    );
    assert.ok(card, 'IND ordered the card');
    await sandboxAdmin(sandbox.url, testSandboxAdminToken).cardReady(card.orderId);
    await ind.untilWaitsOn(/card hand-over/);
    await ind.signOut();
  });

  it('shows an expat advisor only the advice; a forged form for another role is refused', async () => {
    const expat = deskOfficer(page, baseUrl);
    await expat.signIn('expat-advisor');
    await page.goto(`${baseUrl}/desk?date=${appointmentDay}`);
    await expat.openCase(vvrName);
    assert.deepEqual(await expat.offeredActions(), ['record-advice']);
    const caseUrl = page.url();
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const forged = await page.request.post(`${caseUrl}/actions/hand-over-card`, {
      form: { _csrf: csrf },
      headers: { origin: baseUrl },
    });
    assert.equal(forged.status(), 403);
    await expat.signOut();
  });

  it('hands the card over, records advice for both, and both cases complete', async () => {
    const desk = deskOfficer(page, baseUrl);
    await desk.signIn('desk-officer');
    await page.goto(`${baseUrl}/desk?date=${appointmentDay}`);
    await desk.openCase(vvrName);
    await desk.act('hand-over-card');
    assert.ok(await desk.done());
    await desk.signOut();

    const expat = deskOfficer(page, baseUrl);
    await expat.signIn('expat-advisor');
    for (const name of [vvrName, euName]) {
      await page.goto(`${baseUrl}/desk?date=${appointmentDay}`);
      await expat.openCase(name);
      await expat.act('record-advice', { outcome: 'given' });
      assert.ok(await expat.done(), `advice for ${name}`);
      await eventually(
        async () => {
          await page.reload();
          return /completed/.test(await page.locator('main > p.desk-muted').first().innerText()) ? true : undefined;
        },
        60_000,
        500,
      );
      // Registered at the BRP: the advisor is told the BSN exists, never shown it.
      assert.equal(await page.locator('[data-result="bsn"]').count(), 0, `no BSN for an advisor: ${name}`);
      assert.match(await page.locator('#bsn-hidden').innerText(), /has a BSN; desk and IND officers see it/);
    }
    await expat.signOut();

    await desk.signIn('desk-officer');
    await page.goto(`${baseUrl}/desk?date=${appointmentDay}`);
    await desk.openCase(euName);
    assert.match(await page.locator('[data-result="bsn"]').innerText(), /^\d{9}$/, 'a desk officer reads the BSN');
    assert.equal(await page.locator('#bsn-hidden').count(), 0);
    await desk.signOut();
  });

  it('shows an operator the cases without a single action', async () => {
    const operator = deskOfficer(page, baseUrl);
    await operator.signIn('operator');
    await page.goto(`${baseUrl}/desk?date=${appointmentDay}`);
    await operator.openCase(vvrName);
    assert.deepEqual(await operator.offeredActions(), []);
    await operator.signOut();
  });

  it('kept personal data out of every URL, the API log and browser storage, and loaded nothing from elsewhere', async () => {
    assert.ok(visited.length > 20 && logLines.length > 20, 'the run was recorded');
    const secrets = [...personalData(vvr), ...personalData(eu)];
    for (const secret of secrets) {
      assert.deepEqual(
        visited.filter((url) => decodeURIComponent(url).includes(secret)),
        [],
        `a URL holds ${secret}`,
      );
      assert.deepEqual(
        logLines.filter((line) => line.includes(secret)),
        [],
        `the API log holds ${secret}`,
      );
    }
    await page.goto(`${baseUrl}/desk/sign-in`);
    const storage = await page.evaluate(() => {
      const w = globalThis as unknown as { localStorage: { length: number }; sessionStorage: { length: number } };
      return { local: w.localStorage.length, session: w.sessionStorage.length };
    });
    assert.deepEqual(storage, { local: 0, session: 0 });
    assert.deepEqual(elsewhere, []);
    assert.deepEqual(refused, [], 'a page broke its Content-Security-Policy');
  });
});
