import assert from 'node:assert/strict';
import { stuckQueryLinks } from '../operator/stuck';
import { caseActions } from '../workflows/actions';
import { CaseOutcome, PersonOverdue } from '../workflows/search-attributes';
import { euBooking } from './fixtures/bookings';
import {
  actors,
  checkIn,
  currentDetails,
  startCase,
  stepOutcome,
  waitForCase,
  waitingOn,
  type CaseHandle,
} from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';
import request from 'supertest';
import { testApp, tokens } from './harness/api';
import { eventually } from './harness/eventually';
import { runCases } from './harness/operator-cli';
import { readmeQuery, readmeQueryLinks } from './harness/readme-links';
import { temporal, testSettings } from './harness/temporal';
import { timelineSummaries } from './harness/timeline';

/** The summaries of the case's timeline; every activity and timer has one. */
async function namedTimeline(handle: CaseHandle): Promise<string[]> {
  const summaries = await timelineSummaries(handle.workflowId);
  const named = summaries.filter((summary) => summary !== undefined);
  assert.ok(named.length > 0 && named.length === summaries.length, `unnamed on the timeline: ${summaries.join(' | ')}`);
  return named;
}

/** Whether the README's saved query `text` lists the case now. */
async function listedUnder(text: string, handle: CaseHandle): Promise<boolean> {
  const query = `${readmeQuery(text)} AND WorkflowId = '${handle.workflowId}'`;
  return (await temporal().client.workflow.count(query)).count === 1;
}

const personalData = (booking: ReturnType<typeof euBooking>): string[] => [
  booking.person.givenNames,
  booking.person.familyName,
  booking.person.email,
  booking.person.passportNumber,
  booking.person.dateOfBirth,
  booking.residence.address.street,
  booking.residence.address.postcode,
];

describe('the case explains itself in the Temporal UI', () => {
  const stack = useCaseStack({ name: 'explains-itself' });

  it('every saved query of the README is a link the Temporal UI takes, without a timestamp, as `cases stuck` prints', async function () {
    this.timeout(60_000);
    const links = readmeQueryLinks();
    const readmeUrls = links.map((l) => l.url);
    const listed = await runCases(['stuck'], { TEMPORAL_TASK_QUEUE: stack.taskQueue });
    assert.equal(listed.code, 0, listed.stderr);
    for (const printed of stuckQueryLinks('http://localhost:8233')) {
      assert.ok(
        readmeUrls.includes(printed.url),
        `the README lacks the saved query "${printed.title}": ${printed.url}`,
      );
      assert.ok(
        listed.stdout.includes(`${printed.title}: ${printed.url}`),
        `cases stuck does not print ${printed.url}`,
      );
    }
    assert.ok(links.some((l) => l.query.includes('TemporalReportedProblems IS NOT NULL')));
    for (const link of links) {
      assert.doesNotMatch(link.query, /\d{4}-\d\d-\d\d|<now/, `${link.text} carries a timestamp`);
      // Temporal refuses a query with an unknown attribute or bad syntax: each must run as written.
      await temporal().client.workflow.count(link.query);
    }
  });

  it('a case booked through the API carries its summary and details from the start, without personal data', async function () {
    this.timeout(60_000);
    const booking = euBooking();
    const api = request(testApp({ taskQueue: stack.taskQueue, actionTimeoutMs: 10_000 }));
    await stack.runWorkers(async () => {
      const created = await api.post('/v1/cases').set('authorization', tokens.bookingSite).send(booking);
      assert.ok([201, 202].includes(created.status), created.text);
    });
    const description = await temporal().client.workflow.getHandle(`case-${booking.bookingReference}`).describe();
    assert.equal(
      await description.staticSummary(),
      `Case ${booking.bookingReference}: eu-citizen, municipality 0935, desk MIC-Maastricht`,
    );
    const details = (await description.staticDetails()) ?? '';
    assert.match(details, /\*\*Services\*\* brp-registration, advice/);
    for (const personal of personalData(booking)) assert.ok(!details.includes(personal), `${personal} in ${details}`);
    await temporal().client.workflow.getHandle(`case-${booking.bookingReference}`).terminate('test done');
  });

  it('during a BRP outage it says in words, without personal data, that BRP is failing, since when and why', async function () {
    this.timeout(180_000);
    const booking = euBooking();
    await stack.admin.faults({ agency: 'brp', outage: true });
    await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, booking);
      const description = await handle.describe();
      const summary = await description.staticSummary();
      assert.equal(summary, `Case ${booking.bookingReference}: eu-citizen, municipality 0935, desk MIC-Maastricht`);

      await checkIn(handle);
      await waitForCase(handle, (v) => v.agencyRetrying.includes('brp'), 'AgencyRetrying=brp');
      const details = await eventually(async () => {
        const text = await currentDetails(handle);
        return /Last error \(attempt \d+/.test(text) ? text : undefined;
      }, 60_000);
      assert.match(
        details,
        /^\*\*Problem:\*\* BRP calls failing since \d{4}-\d\d-\d\d \d\d:\d\d UTC; Temporal retries them with back-off\. Last error \(attempt \d+, [^)]+\): brp answered 503 [^\n]*down for maintenance[^\n]*\*\*Next:\*\* check BRP/m,
      );
      assert.match(
        details,
        new RegExp(`Once it answers, \`npm run cases -- retry ${handle.workflowId} brp\` calls at once`),
        'it names the operator command that calls BRP again without waiting for the back-off',
      );
      assert.match(details, /\*\*Case open\*\*, waiting on [^\n]*agency:brp since \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      assert.match(details, /\*\*Next deadline:\*\* BSN service norm, due \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      for (const personal of personalData(booking))
        assert.ok(!details.includes(personal), `${personal} in: ${details}`);

      const summaries = await namedTimeline(handle);
      assert.ok(summaries.includes('Register at BRP 0935'), summaries.join(' | '));
      assert.ok(summaries.includes('E-mail the newcomer: case-opened'), summaries.join(' | '));
      // The case's one timer runs to its earliest clock: here the BRP call's retry watch (the BSN norm is later).
      assert.ok(summaries.includes('BRP still failing? Flag AgencyRetrying after 2 s'), summaries.join(' | '));
      assert.ok(summaries.includes("Read the failing agency call's last error"), summaries.join(' | '));
      for (const text of summaries) for (const personal of personalData(booking)) assert.ok(!text.includes(personal));

      await stack.admin.clearFaults();
      await waitForCase(handle, (v) => stepOutcome(v, 'brp') === 'registered', 'registered after recovery', 90_000);
      const recovered = await eventually(async () => {
        const text = await currentDetails(handle);
        return text.includes('Problem') ? undefined : text;
      });
      assert.match(recovered, /- brp: registered/);
      const bsn = (await waitForCase(handle, (v) => v.results.bsn !== undefined, 'a BSN')).results.bsn!;
      assert.ok(!recovered.includes(bsn), 'the BSN is personal data');
    });
  });

  it('a person who does not act within the norm is flagged by the case itself, and the flag goes when they act', async function () {
    this.timeout(180_000);
    const booking = euBooking({ services: ['advice'] });
    const settings = testSettings({ personNormMs: 3_000 });
    await stack.runWorkers(
      async () => {
        const handle = await startCase(stack.taskQueue, booking);
        await checkIn(handle);
        await waitingOn(handle, 'expat:advice');
        await eventually(
          async () => ((await listedUnder('`PersonOverdue IS NOT NULL`', handle)) ? true : undefined),
          60_000,
        );
        assert.equal((await handle.describe()).typedSearchAttributes.get(PersonOverdue), 'expat:advice');
        assert.match(
          await currentDetails(handle),
          /^\*\*Problem:\*\* waiting on expat:advice since [^\n]*, past the norm of 3 s \(PersonOverdue\)\. \*\*Next:\*\* call the Expat Centre/m,
        );
        assert.ok((await namedTimeline(handle)).includes('expat:advice norm 3 s'));

        await handle.executeUpdate(caseActions['record-advice'].update, {
          args: [{ actor: actors.expat, outcome: 'given' }],
        });
        await handle.result();
        const closed = await handle.describe();
        assert.equal(closed.typedSearchAttributes.get(PersonOverdue), undefined, 'cleared when the advisor acted');
        assert.equal(closed.typedSearchAttributes.get(CaseOutcome), 'completed');
        assert.ok(await listedUnder('closed cases', handle));
        assert.match(await currentDetails(handle), /^\*\*Case completed\.\*\* completed: /);
      },
      { settings },
    );
  });

  it('an ended case shows how it ended: withdrawn, or completed with what fell short', async function () {
    this.timeout(180_000);
    const withdrawn = euBooking();
    const refused = euBooking({ services: ['advice'] });
    await stack.runWorkers(async () => {
      const first = await startCase(stack.taskQueue, withdrawn);
      const second = await startCase(stack.taskQueue, refused);
      await waitingOn(first, 'desk:check-in');
      await first.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.bookingSite, reason: 'moved elsewhere' }],
      });
      await waitingOn(second, 'desk:check-in');
      await second.executeUpdate(caseActions['check-in'].update, {
        args: [{ actor: actors.desk, identity: 'in-doubt' }],
      });
      await waitingOn(second, 'desk:identity');
      await second.executeUpdate(caseActions['resolve-identity'].update, {
        args: [{ actor: actors.desk, identity: 'not-verified', reason: 'passport photo does not match' }],
      });
      await Promise.all([first.result(), second.result()]);
      assert.equal((await first.describe()).typedSearchAttributes.get(CaseOutcome), 'withdrawn');
      assert.equal(
        (await second.describe()).typedSearchAttributes.get(CaseOutcome),
        'completed: check-in not-verified, advice not-possible',
      );
      assert.ok(await listedUnder('completed, not everything as asked', second));
      assert.ok(!(await listedUnder('completed, not everything as asked', first)));
    });
  });
});
