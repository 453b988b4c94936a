import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createAgencyActivities, type AgencyActivities } from '../activities';
import type { RegisterInBrpInput } from '../activities/brp';
import { agencyFailure, type Agency } from '../domain/agency-failures';
import { isValidBsn } from '../domain/bsn';
import { createLogger } from '../lib/logger';
import { startSandbox, type StartedSandbox } from '../sandbox/app';
import type { LedgerEntry, SentEmail } from '../sandbox/state';
import { vvrBooking } from './fixtures/bookings';
import { agencyConfig } from './harness/temporal';

const logger = createLogger({ name: 'adapters-test', level: 'silent' });
const activityLogger = new DefaultLogger('ERROR');

/** A fresh activity context: adapters heartbeat, sleep and abort through `Context.current()`. */
function activityEnvironment(): MockActivityEnvironment {
  return new MockActivityEnvironment(undefined, { logger: activityLogger });
}

function inActivity<T>(call: () => Promise<T>, env = activityEnvironment()): Promise<T> {
  return env.run<[], T, () => Promise<T>>(call);
}

/** The ApplicationFailure an adapter call ends with; fails the test when it succeeds or throws anything else. */
async function failureOf(call: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await call;
  } catch (err) {
    assert.ok(err instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

function assertRefusal(failure: ApplicationFailure, type: string): void {
  assert.equal(failure.type, type, failure.message);
  assert.equal(failure.nonRetryable, true, `${type} must not be retried`);
}

function assertRetryable(failure: ApplicationFailure, type: string): void {
  assert.equal(failure.type, type, failure.message);
  assert.equal(failure.nonRetryable, false, `${type} must be left to Temporal's retry policy`);
}

/** What `callAgency` puts in a refusal's details. */
function refusalDetails(failure: ApplicationFailure): { status: number; invalidParams: { name: string }[] } {
  const details = failure.details?.[0] as { status: number; invalidParams: { name: string }[] } | undefined;
  assert.ok(details, `no details on ${failure.message}`);
  return details;
}

function isoDay(daysFromToday: number): string {
  return new Date(Date.now() + daysFromToday * 86_400_000).toISOString().slice(0, 10);
}

let caseCounter = 0;
function newCaseId(): string {
  caseCounter += 1;
  return `case-adapters-${process.pid}-${caseCounter}`;
}

let applicationCounter = 0;
/** An application number as a sponsor would have filed it, unique in this run. */
function sponsorFiledNumber(): string {
  applicationCounter += 1;
  return `IND-9${String(process.pid % 100_000).padStart(5, '0')}${String(applicationCounter).padStart(4, '0')}`;
}

function registration(caseId: string, overrides: Partial<RegisterInBrpInput> = {}): RegisterInBrpInput {
  return {
    caseId,
    municipalityCode: '0935',
    person: { givenNames: 'Asha', familyName: 'Rao', dateOfBirth: '1990-04-01', nationality: 'IND' },
    address: { street: 'Markt', houseNumber: 12, postcode: '6211AB', city: 'Maastricht' },
    expectedMonths: 24,
    ...overrides,
  };
}

describe('agency adapters against the sandbox', function () {
  this.timeout(120_000);

  let sandbox: StartedSandbox;
  let agencies: AgencyActivities;
  /** The same adapters polling every 5 s, so a cancellation that waits for the next poll shows. */
  let slowPolling: AgencyActivities;

  before(async () => {
    sandbox = await startSandbox({ seed: 7 });
    agencies = createAgencyActivities({ logger, agencies: agencyConfig(sandbox.url) });
    slowPolling = createAgencyActivities({
      logger,
      // A poll interval far beyond any scheduling delay of a busy machine: a cancellation that waited for the
      // next poll would show as minutes, not as a slow millisecond.
      agencies: agencyConfig(sandbox.url, { IND_POLL_INTERVAL_MS: '120000' }),
    });
  });
  afterEach(async () => {
    await admin('DELETE', '/faults');
  });
  after(async () => {
    await sandbox.close();
  });

  async function admin<T = unknown>(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: object) {
    const res = await fetch(`${sandbox.url}/_admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(res.ok, `${method} /_admin${path} answered ${res.status}: ${await res.clone().text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  const setFaults = (fault: { agency: Agency; outage?: boolean; errorRate?: number; latencyMs?: number }) =>
    admin('PUT', '/faults', fault);

  async function ledger(caseRef: string, operation?: string): Promise<LedgerEntry[]> {
    const { entries } = await admin<{ entries: LedgerEntry[] }>(
      'GET',
      `/ledger?caseRef=${encodeURIComponent(caseRef)}`,
    );
    return entries.filter((e) => operation === undefined || e.operation === operation);
  }

  async function emails(reference: string): Promise<SentEmail[]> {
    const path = `/notify/emails?reference=${encodeURIComponent(reference)}`;
    return (await admin<{ emails: SentEmail[] }>('GET', path)).emails;
  }

  const decide = (applicationNumber: string, decision: 'granted' | 'refused' | 'inadmissible' = 'granted') =>
    admin('POST', '/ind/decide', { applicationNumber, decision });

  async function pendingApplication(caseId: string): Promise<string> {
    const application = await inActivity(() =>
      agencies.ind.linkPermitApplication({ caseId, purpose: 'highly-skilled-migrant', route: 'vvr' }),
    );
    return application.applicationNumber;
  }

  async function grantedApplication(caseId: string): Promise<string> {
    const applicationNumber = await pendingApplication(caseId);
    await decide(applicationNumber);
    return applicationNumber;
  }

  async function cardInProduction(caseId: string): Promise<{ applicationNumber: string; orderId: string }> {
    const applicationNumber = await grantedApplication(caseId);
    const order = await inActivity(() => agencies.ind.orderResidenceCard({ caseId, applicationNumber }));
    return { applicationNumber, orderId: order.orderId };
  }

  describe('BRP', () => {
    it('registers in the municipality of residence with a BSN that passes the 11-test, recorded once for brp', async () => {
      const caseId = newCaseId();
      const registered = await inActivity(() =>
        agencies.brp.registerInBrp(registration(caseId, { municipalityCode: '0917' })),
      );
      assert.ok(isValidBsn(registered.bsn), registered.bsn);
      assert.equal(registered.municipalityCode, '0917');
      assert.ok(registered.registrationId);
      assert.ok(!Number.isNaN(Date.parse(registered.registeredAt)), registered.registeredAt);
      assert.deepEqual(
        (await ledger(caseId)).map((e) => [e.agency, e.operation]),
        [['brp', 'register']],
      );

      const lookedUp = await inActivity(() =>
        agencies.brp.lookUpBrpRegistration({ municipalityCode: '0917', registrationId: registered.registrationId }),
      );
      assert.deepEqual(lookedUp, registered);
      const elsewhere = await failureOf(
        inActivity(() =>
          agencies.brp.lookUpBrpRegistration({ municipalityCode: '0935', registrationId: registered.registrationId }),
        ),
      );
      assert.equal(elsewhere.nonRetryable, true);
      assert.equal(refusalDetails(elsewhere).status, 404);
    });

    it('answers the same registration when the same case registers twice, with one side effect', async () => {
      const caseId = newCaseId();
      const first = await inActivity(() => agencies.brp.registerInBrp(registration(caseId)));
      const second = await inActivity(() => agencies.brp.registerInBrp(registration(caseId)));
      assert.equal(second.bsn, first.bsn);
      assert.deepEqual(second, first);
      assert.equal((await ledger(caseId, 'register')).length, 1);
    });

    it('turns a rejected address into a non-retryable AddressRejected naming the field; an officer can vouch for it', async () => {
      const caseId = newCaseId();
      const address = { street: 'Nergens', houseNumber: 1, postcode: '9999ZZ', city: 'Maastricht' };
      const rejected = await failureOf(inActivity(() => agencies.brp.registerInBrp(registration(caseId, { address }))));
      assertRefusal(rejected, agencyFailure.addressRejected);
      assert.deepEqual(
        refusalDetails(rejected).invalidParams.map((p) => p.name),
        ['address.postcode'],
      );
      assert.deepEqual(await ledger(caseId), []);

      const vouched = await inActivity(() =>
        agencies.brp.registerInBrp(registration(caseId, { address, addressVerifiedByOfficer: true })),
      );
      assert.ok(isValidBsn(vouched.bsn));
      assert.equal((await ledger(caseId, 'register')).length, 1);
    });

    it('turns a request the BRP refuses as malformed (400) into a non-retryable AgencyRejectedRequest', async () => {
      const caseId = newCaseId();
      const person = { givenNames: 'Asha', familyName: 'Rao', dateOfBirth: '1990-04-01', nationality: 'India' };
      const failure = await failureOf(inActivity(() => agencies.brp.registerInBrp(registration(caseId, { person }))));
      assertRefusal(failure, agencyFailure.rejected);
      const details = refusalDetails(failure);
      assert.equal(details.status, 400);
      assert.deepEqual(
        details.invalidParams.map((p) => p.name),
        ['person.nationality'],
      );
    });

    it("registers when handed the booking's whole person, sending the BRP only the fields of its contract", async () => {
      // The workflow passes `c.booking.person` (which also holds the passport number and e-mail address).
      const caseId = newCaseId();
      const booking = vvrBooking();
      const registered = await inActivity(() =>
        agencies.brp.registerInBrp({
          caseId,
          municipalityCode: booking.residence.municipalityCode,
          person: booking.person,
          address: booking.residence.address,
          expectedMonths: booking.stay.expectedMonths,
        }),
      );
      assert.ok(isValidBsn(registered.bsn));
      assert.equal(registered.municipalityCode, booking.residence.municipalityCode);
    });
  });

  describe('BRP: an IND refusal after the registration', () => {
    it("tells the municipality once; refuses an unknown registration or another case's as non-retryable", async () => {
      const caseId = newCaseId();
      const { registrationId } = await inActivity(() => agencies.brp.registerInBrp(registration(caseId)));
      const report = { caseId, municipalityCode: '0935', registrationId, decidedAt: '2026-11-30T10:00:00.000Z' };
      const told = await inActivity(() =>
        agencies.brp.reportResidenceDecisionToBrp({ ...report, decision: 'inadmissible' }),
      );
      assert.deepEqual(told, { decision: 'inadmissible' });
      const again = await inActivity(() =>
        agencies.brp.reportResidenceDecisionToBrp({ ...report, decision: 'inadmissible' }),
      );
      assert.deepEqual(again, told);
      assert.equal((await ledger(caseId, 'report-residence-decision')).length, 1);
      assert.deepEqual(sandbox.state.registrations.get(registrationId)?.residenceDecision, {
        decision: 'inadmissible',
        decidedAt: report.decidedAt,
      });

      const elsewhere = await failureOf(
        inActivity(() =>
          agencies.brp.reportResidenceDecisionToBrp({
            ...report,
            caseId: newCaseId(),
            municipalityCode: '0917',
            decision: 'refused',
          }),
        ),
      );
      assertRefusal(elsewhere, agencyFailure.rejected);
      assert.equal(refusalDetails(elsewhere).status, 404);
      const other = await failureOf(
        inActivity(() =>
          agencies.brp.reportResidenceDecisionToBrp({ ...report, caseId: newCaseId(), decision: 'refused' }),
        ),
      );
      assertRefusal(other, agencyFailure.rejected);
      assert.equal(refusalDetails(other).status, 409);
    });
  });

  describe('IND', () => {
    it('names a recognised sponsor, and refuses an unknown one with a non-retryable SponsorNotRecognised', async () => {
      const sponsor = await inActivity(() =>
        agencies.ind.checkSponsorRecognised({ recognisedSponsorNumber: 'RS-100234' }),
      );
      assert.equal(typeof sponsor.name, 'string');
      assert.ok(sponsor.name.length > 0);

      const unknown = await failureOf(
        inActivity(() => agencies.ind.checkSponsorRecognised({ recognisedSponsorNumber: 'RS-UNKNOWN' })),
      );
      assertRefusal(unknown, agencyFailure.sponsorNotRecognised);
    });

    it('files one pending application per case, however often it is asked, and looks it up', async () => {
      const caseId = newCaseId();
      const input = { caseId, purpose: 'highly-skilled-migrant', route: 'vvr', sponsorNumber: 'RS-100234' } as const;
      const filed = await inActivity(() => agencies.ind.linkPermitApplication(input));
      assert.equal(filed.status, 'pending');
      assert.match(filed.applicationNumber, /^[A-Z0-9-]{3,32}$/);
      const again = await inActivity(() => agencies.ind.linkPermitApplication(input));
      assert.deepEqual(again, filed);
      assert.deepEqual(
        (await ledger(caseId)).map((e) => [e.agency, e.operation]),
        [['ind', 'file-application']],
      );

      const lookedUp = await inActivity(() =>
        agencies.ind.lookUpPermitApplication({ applicationNumber: filed.applicationNumber }),
      );
      assert.deepEqual(lookedUp, {
        applicationNumber: filed.applicationNumber,
        status: 'pending',
        receivedAt: filed.receivedAt,
      });
      assert.ok(Math.abs(Date.parse(filed.receivedAt ?? '') - Date.now()) < 60_000, 'IND received it just now');
    });

    it('links the application the sponsor filed instead of filing another', async () => {
      const caseId = newCaseId();
      const applicationNumber = sponsorFiledNumber();
      const linked = await inActivity(() =>
        agencies.ind.linkPermitApplication({
          caseId,
          purpose: 'researcher',
          route: 'tev',
          sponsorNumber: 'RS-100234',
          applicationNumber,
        }),
      );
      const { receivedAt, ...application } = linked;
      assert.deepEqual(application, { applicationNumber, status: 'pending' });
      assert.match(receivedAt ?? '', /^\d{4}-\d{2}-\d{2}T/, 'IND says when it received the application');
      assert.deepEqual(
        (await ledger(caseId)).map((e) => e.operation),
        ['link-application'],
      );
    });

    it('refuses to look up an unknown application with a non-retryable ApplicationNotFound', async () => {
      const failure = await failureOf(
        inActivity(() => agencies.ind.lookUpPermitApplication({ applicationNumber: 'IND-0000000001' })),
      );
      assertRefusal(failure, agencyFailure.applicationNotFound);
    });

    it('tells IND of overdue documents once, and refuses an unknown application with a non-retryable ApplicationNotFound', async () => {
      const caseId = `case-overdue-${Date.now()}`;
      const applicationNumber = await pendingApplication(caseId);
      const dueAt = new Date().toISOString();
      const report = () => inActivity(() => agencies.ind.reportDocumentsOverdue({ caseId, applicationNumber, dueAt }));
      const first = await report();
      assert.equal(first.status, 'pending', 'IND decides later, not the adapter');
      await report();
      assert.deepEqual(
        (await ledger(caseId)).map((e) => e.operation).filter((o) => o === 'report-documents-overdue'),
        ['report-documents-overdue'],
      );
      const unknown = () =>
        agencies.ind.reportDocumentsOverdue({ caseId: `${caseId}-b`, applicationNumber: 'IND-0000000001', dueAt });
      assertRefusal(await failureOf(inActivity(unknown)), agencyFailure.applicationNotFound);
    });

    it('withdraws a pending application once, and refuses a decided one with a non-retryable AlreadyDecided', async () => {
      const caseId = newCaseId();
      const applicationNumber = await pendingApplication(caseId);
      const withdrawn = await inActivity(() => agencies.ind.withdrawPermitApplication({ caseId, applicationNumber }));
      assert.deepEqual(
        { ...withdrawn, receivedAt: undefined },
        { applicationNumber, status: 'withdrawn', receivedAt: undefined },
      );
      const again = await inActivity(() => agencies.ind.withdrawPermitApplication({ caseId, applicationNumber }));
      assert.equal(again.status, 'withdrawn');
      assert.equal((await ledger(caseId, 'withdraw-application')).length, 1);

      const decidedCase = newCaseId();
      const decided = await grantedApplication(decidedCase);
      const failure = await failureOf(
        inActivity(() => agencies.ind.withdrawPermitApplication({ caseId: decidedCase, applicationNumber: decided })),
      );
      assertRefusal(failure, agencyFailure.alreadyDecided);
      assert.deepEqual(await ledger(decidedCase, 'withdraw-application'), []);
    });

    it('submits biometrics by capture reference: accepted, or a retake for a blurry capture, each capture once', async () => {
      const caseId = newCaseId();
      const applicationNumber = await pendingApplication(caseId);
      const submit = (captureReference: string) =>
        inActivity(() => agencies.ind.submitBiometrics({ caseId, applicationNumber, captureReference }));

      assert.deepEqual(await submit('CAP-1-BLURRY'), { captureReference: 'CAP-1-BLURRY', result: 'retake-needed' });
      assert.deepEqual(await submit('CAP-2'), { captureReference: 'CAP-2', result: 'accepted' });
      assert.deepEqual(await submit('CAP-2'), { captureReference: 'CAP-2', result: 'accepted' });
      assert.equal((await ledger(caseId, 'submit-biometrics')).length, 2);
    });

    it('refuses a card before the grant with a non-retryable PermitNotGranted, and orders it with the same input after', async () => {
      const caseId = newCaseId();
      const applicationNumber = await pendingApplication(caseId);
      const early = await failureOf(inActivity(() => agencies.ind.orderResidenceCard({ caseId, applicationNumber })));
      assertRefusal(early, agencyFailure.permitNotGranted);
      assert.deepEqual(await ledger(caseId, 'order-card'), []);

      await decide(applicationNumber);
      const order = await inActivity(() => agencies.ind.orderResidenceCard({ caseId, applicationNumber }));
      assert.equal(order.status, 'in-production');
      assert.ok(order.orderId);
      const again = await inActivity(() => agencies.ind.orderResidenceCard({ caseId, applicationNumber }));
      assert.equal(again.orderId, order.orderId);
      assert.equal((await ledger(caseId, 'order-card')).length, 1);
    });

    it('cancels a card order once; waiting for a cancelled card returns at once', async () => {
      const caseId = newCaseId();
      const { orderId } = await cardInProduction(caseId);
      const cancelled = await inActivity(() => agencies.ind.cancelResidenceCard({ caseId, orderId }));
      assert.equal(cancelled.orderId, orderId);
      assert.equal(cancelled.status, 'cancelled');
      await inActivity(() => agencies.ind.cancelResidenceCard({ caseId, orderId }));
      assert.equal((await ledger(caseId, 'cancel-card')).length, 1);

      const waited = await inActivity(() => slowPolling.ind.awaitResidenceCardReady({ orderId }));
      assert.equal(waited.status, 'cancelled');
    });

    it('issues a return visa valid until the return date, at most three months after issue, once per case', async () => {
      const caseId = newCaseId();
      const applicationNumber = await pendingApplication(caseId);
      const input = {
        caseId,
        applicationNumber,
        reason: 'funeral of a parent',
        departureDate: isoDay(7),
        returnDate: isoDay(21),
      };
      const visa = await inActivity(() => agencies.ind.issueReturnVisa(input));
      assert.ok(visa.visaNumber);
      assert.equal(visa.validUntil, input.returnDate);
      assert.deepEqual(await inActivity(() => agencies.ind.issueReturnVisa(input)), visa);
      assert.equal((await ledger(caseId, 'issue-return-visa')).length, 1);

      const longCase = newCaseId();
      const longApplication = await pendingApplication(longCase);
      const long = await inActivity(() =>
        agencies.ind.issueReturnVisa({
          ...input,
          caseId: longCase,
          applicationNumber: longApplication,
          returnDate: isoDay(200),
        }),
      );
      assert.ok(long.validUntil > isoDay(80) && long.validUntil <= isoDay(93), long.validUntil);
    });

    it('refuses to ask IND for a return visa valid longer than three months, and asks nothing', async () => {
      const caseId = newCaseId();
      const applicationNumber = await pendingApplication(caseId);
      const input = { caseId, applicationNumber, reason: 'funeral of a parent', departureDate: isoDay(7) };
      for (const validUntil of [isoDay(95), '9999-12-31']) {
        const failure = await failureOf(
          inActivity(() => agencies.ind.issueReturnVisa({ ...input, returnDate: isoDay(120), validUntil })),
        );
        assertRefusal(failure, agencyFailure.returnVisaTooLong);
        assert.match(failure.message, /valid at most 3 months/);
      }
      assert.deepEqual(await ledger(caseId, 'issue-return-visa'), []);
      const capped = await inActivity(() =>
        agencies.ind.issueReturnVisa({ ...input, returnDate: isoDay(120), validUntil: isoDay(30) }),
      );
      assert.equal(capped.validUntil, isoDay(30), 'IND issues the validity the case asked for');
    });

    it('turns a return visa request IND refuses as malformed (400) into a non-retryable AgencyRejectedRequest', async () => {
      const caseId = newCaseId();
      const applicationNumber = await pendingApplication(caseId);
      const failure = await failureOf(
        inActivity(() =>
          agencies.ind.issueReturnVisa({
            caseId,
            applicationNumber,
            reason: 'wedding',
            departureDate: isoDay(20),
            returnDate: isoDay(10),
          }),
        ),
      );
      assertRefusal(failure, agencyFailure.rejected);
      assert.deepEqual(
        refusalDetails(failure).invalidParams.map((p) => p.name),
        ['returnDate'],
      );
    });
  });

  describe('Notify', () => {
    it('e-mails the milestone template with the given name and the details, never the passport number or birth date', async () => {
      const caseId = newCaseId();
      const { person } = vvrBooking();
      const input = {
        caseId,
        milestone: 'brp-registered',
        email: person.email,
        givenName: 'Priya',
        details: { municipality: '0935' },
      } as const;
      const sent = await inActivity(() => agencies.notify.notifyNewcomer(input));

      const [email, ...more] = await emails(`${caseId}:brp-registered`);
      assert.ok(email, 'no e-mail sent');
      assert.deepEqual(more, []);
      assert.equal(email.id, sent.notificationId);
      assert.equal(email.templateId, 'newcomer-brp-registered-en');
      assert.match(email.body ?? '', /Dear Priya, you are registered in municipality 0935/);
      assert.equal(email.emailAddress, person.email);
      assert.deepEqual(email.personalisation, { given_name: 'Priya', municipality: '0935' });
      const carried = JSON.stringify(email.personalisation);
      for (const secret of [person.passportNumber, person.dateOfBirth]) assert.ok(!carried.includes(secret), secret);

      assert.deepEqual(await inActivity(() => agencies.notify.notifyNewcomer(input)), sent);
      const second = await inActivity(() => agencies.notify.notifyNewcomer({ ...input, occurrence: 2 }));
      assert.notEqual(second.notificationId, sent.notificationId);
      assert.equal((await emails(`${caseId}:brp-registered`)).length, 1);
      assert.equal((await emails(`${caseId}:brp-registered:2`)).length, 1);
      assert.equal((await ledger(caseId, 'send-email')).length, 2);
    });

    it('turns an e-mail Notify refuses as malformed (400) into a non-retryable AgencyRejectedRequest', async () => {
      const failure = await failureOf(
        inActivity(() =>
          agencies.notify.notifyNewcomer({
            caseId: newCaseId(),
            milestone: 'case-opened',
            email: 'not an address',
            givenName: 'Priya',
          }),
        ),
      );
      assertRefusal(failure, agencyFailure.rejected);
      assert.equal(refusalDetails(failure).status, 400);
    });
  });

  describe('when an agency fails', () => {
    it('leaves a 503 to Temporal as a retryable AgencyUnavailable; the retry with the same input registers once', async () => {
      const caseId = newCaseId();
      await setFaults({ agency: 'brp', outage: true });
      const down = await failureOf(inActivity(() => agencies.brp.registerInBrp(registration(caseId))));
      assertRetryable(down, agencyFailure.unavailable);
      assert.match(down.message, /^brp answered 503/);
      assert.deepEqual(await ledger(caseId), []);

      await admin('DELETE', '/faults');
      const registered = await inActivity(() => agencies.brp.registerInBrp(registration(caseId)));
      assert.ok(isValidBsn(registered.bsn));
      assert.equal((await ledger(caseId, 'register')).length, 1);
    });

    it('sends one e-mail when Notify did the work but the answer was lost, and the call is retried', async () => {
      const caseId = newCaseId();
      const details = { location: 'MIC-Maastricht', startsAt: '2027-03-01T09:30:00+01:00' };
      const input = {
        caseId,
        milestone: 'case-opened',
        email: 'priya@example.org',
        givenName: 'Priya',
        details,
      } as const;
      const reference = `${caseId}:case-opened`;
      let lost = false;
      for (let attempt = 0; attempt < 50 && !lost; attempt++) {
        await setFaults({ agency: 'notify', errorRate: 1 });
        const failure = await failureOf(inActivity(() => agencies.notify.notifyNewcomer(input)));
        assert.equal(failure.nonRetryable, false, failure.message);
        lost = (await emails(reference)).length > 0;
        if (lost) assertRetryable(failure, agencyFailure.unavailable);
      }
      assert.ok(lost, 'no lost response in 50 calls under errorRate 1');

      await admin('DELETE', '/faults');
      const sent = await inActivity(() => agencies.notify.notifyNewcomer(input));
      const sentEmails = await emails(reference);
      assert.deepEqual(
        sentEmails.map((e) => e.id),
        [sent.notificationId],
      );
      assert.equal((await ledger(caseId, 'send-email')).length, 1);
    });

    /** Every adapter that changes something, prepared on a fresh case without faults. */
    const writes: {
      name: string;
      agency: Agency;
      operation: string;
      prepare: (caseId: string) => Promise<() => Promise<unknown>>;
    }[] = [
      {
        name: 'registerInBrp',
        agency: 'brp',
        operation: 'register',
        prepare: (caseId) => Promise.resolve(() => agencies.brp.registerInBrp(registration(caseId))),
      },
      {
        name: 'reportResidenceDecisionToBrp',
        agency: 'brp',
        operation: 'report-residence-decision',
        prepare: async (caseId) => {
          const { registrationId } = await inActivity(() => agencies.brp.registerInBrp(registration(caseId)));
          const decidedAt = new Date().toISOString();
          return () =>
            agencies.brp.reportResidenceDecisionToBrp({
              caseId,
              municipalityCode: '0935',
              registrationId,
              decision: 'refused',
              decidedAt,
            });
        },
      },
      {
        name: 'linkPermitApplication',
        agency: 'ind',
        operation: 'file-application',
        prepare: (caseId) =>
          Promise.resolve(() => agencies.ind.linkPermitApplication({ caseId, purpose: 'eu-blue-card', route: 'vvr' })),
      },
      {
        name: 'withdrawPermitApplication',
        agency: 'ind',
        operation: 'withdraw-application',
        prepare: async (caseId) => {
          const applicationNumber = await pendingApplication(caseId);
          return () => agencies.ind.withdrawPermitApplication({ caseId, applicationNumber });
        },
      },
      {
        name: 'reportDocumentsOverdue',
        agency: 'ind',
        operation: 'report-documents-overdue',
        prepare: async (caseId) => {
          const applicationNumber = await pendingApplication(caseId);
          const dueAt = new Date().toISOString();
          return () => agencies.ind.reportDocumentsOverdue({ caseId, applicationNumber, dueAt });
        },
      },
      {
        name: 'submitBiometrics',
        agency: 'ind',
        operation: 'submit-biometrics',
        prepare: async (caseId) => {
          const applicationNumber = await pendingApplication(caseId);
          return () => agencies.ind.submitBiometrics({ caseId, applicationNumber, captureReference: 'CAP-9' });
        },
      },
      {
        name: 'orderResidenceCard',
        agency: 'ind',
        operation: 'order-card',
        prepare: async (caseId) => {
          const applicationNumber = await grantedApplication(caseId);
          return () => agencies.ind.orderResidenceCard({ caseId, applicationNumber });
        },
      },
      {
        name: 'cancelResidenceCard',
        agency: 'ind',
        operation: 'cancel-card',
        prepare: async (caseId) => {
          const { orderId } = await cardInProduction(caseId);
          return () => agencies.ind.cancelResidenceCard({ caseId, orderId });
        },
      },
      {
        name: 'issueReturnVisa',
        agency: 'ind',
        operation: 'issue-return-visa',
        prepare: async (caseId) => {
          const applicationNumber = await pendingApplication(caseId);
          const visa = { reason: 'family emergency', departureDate: isoDay(3), returnDate: isoDay(17) };
          return () => agencies.ind.issueReturnVisa({ caseId, applicationNumber, ...visa });
        },
      },
      {
        name: 'notifyNewcomer',
        agency: 'notify',
        operation: 'send-email',
        prepare: (caseId) =>
          Promise.resolve(() =>
            agencies.notify.notifyNewcomer({
              caseId,
              milestone: 'card-ready',
              email: 'a@example.org',
              givenName: 'A',
              details: { location: 'MIC-Maastricht' },
            }),
          ),
      },
    ];

    for (const write of writes) {
      it(`${write.name}: an outage and a lost answer are retryable, and the retries do the work once`, async () => {
        const caseId = newCaseId();
        const call = await write.prepare(caseId);
        const done = () => ledger(caseId, write.operation);

        await setFaults({ agency: write.agency, outage: true });
        const down = await failureOf(inActivity(call));
        assertRetryable(down, agencyFailure.unavailable);
        assert.deepEqual(await done(), []);

        let lost = false;
        for (let attempt = 0; attempt < 50 && !lost; attempt++) {
          await setFaults({ agency: write.agency, errorRate: 1 });
          const failure = await failureOf(inActivity(call));
          assert.equal(failure.nonRetryable, false, failure.message);
          lost = (await done()).length > 0;
        }
        assert.ok(lost, 'no lost response in 50 calls under errorRate 1');

        await admin('DELETE', '/faults');
        const first = await inActivity(call);
        const second = await inActivity(call);
        assert.deepEqual(second, first);
        assert.equal((await done()).length, 1);
      });
    }

    it('leaves a 429 to Temporal as a retryable AgencyThrottled that waits the Retry-After', async () => {
      let throttled: ApplicationFailure | undefined;
      for (let attempt = 0; attempt < 50 && !throttled; attempt++) {
        await setFaults({ agency: 'ind', errorRate: 1 });
        const failure = await failureOf(
          inActivity(() => agencies.ind.checkSponsorRecognised({ recognisedSponsorNumber: 'RS-100234' })),
        );
        if (failure.type === agencyFailure.throttled) throttled = failure;
      }
      assert.ok(throttled, 'no 429 in 50 calls under errorRate 1');
      assertRetryable(throttled, agencyFailure.throttled);
      assert.match(throttled.message, /^ind answered 429/);
      assert.ok(throttled.nextRetryDelay !== undefined && throttled.nextRetryDelay !== null, 'no nextRetryDelay');
      assert.equal(msToNumber(throttled.nextRetryDelay), 1000);
    });

    it('leaves one-off reads to Temporal too: an outage makes each lookup a retryable AgencyUnavailable', async () => {
      const caseId = newCaseId();
      const { applicationNumber } = await cardInProduction(caseId);
      const registered = await inActivity(() => agencies.brp.registerInBrp(registration(caseId)));
      await setFaults({ agency: 'brp', outage: true });
      await setFaults({ agency: 'ind', outage: true });
      const reads: (() => Promise<unknown>)[] = [
        () =>
          agencies.brp.lookUpBrpRegistration({ municipalityCode: '0935', registrationId: registered.registrationId }),
        () => agencies.ind.checkSponsorRecognised({ recognisedSponsorNumber: 'RS-100234' }),
        () => agencies.ind.lookUpPermitApplication({ applicationNumber }),
      ];
      for (const read of reads) assertRetryable(await failureOf(inActivity(read)), agencyFailure.unavailable);
    });

    it('reports an unreachable agency as a retryable AgencyUnavailable that names the agency', async () => {
      const nowhere = createAgencyActivities({ logger, agencies: agencyConfig('http://127.0.0.1:9') });
      const calls: [Agency, () => Promise<unknown>][] = [
        ['brp', () => nowhere.brp.registerInBrp(registration(newCaseId()))],
        ['ind', () => nowhere.ind.checkSponsorRecognised({ recognisedSponsorNumber: 'RS-100234' })],
        [
          'notify',
          () =>
            nowhere.notify.notifyNewcomer({
              caseId: newCaseId(),
              milestone: 'case-opened',
              email: 'a@example.org',
              givenName: 'A',
            }),
        ],
      ];
      for (const [agency, call] of calls) {
        const failure = await failureOf(inActivity(call));
        assertRetryable(failure, agencyFailure.unavailable);
        assert.match(failure.message, new RegExp(`^${agency} unreachable`));
      }
    });

    it('gives up on an agency that answers slower than AGENCY_TIMEOUT_MS with a retryable AgencyUnavailable', async () => {
      const impatient = createAgencyActivities({
        logger,
        agencies: agencyConfig(sandbox.url, { AGENCY_TIMEOUT_MS: '300' }),
      });
      await setFaults({ agency: 'ind', latencyMs: 60_000 });
      const started = Date.now();
      const failure = await failureOf(
        inActivity(() => impatient.ind.checkSponsorRecognised({ recognisedSponsorNumber: 'RS-100234' })),
      );
      assertRetryable(failure, agencyFailure.unavailable);
      // The agency would answer after 60 s; the timeout of 300 ms ends the call long before, however busy.
      assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
    });
  });

  describe('against an agency that breaks its contract', () => {
    type Answer = (req: IncomingMessage, res: ServerResponse) => void;
    let answer: Answer;
    let elsewhereHits = 0;
    let agency: Server;
    let elsewhere: Server;
    let broken: AgencyActivities;
    const listen = async (server: Server): Promise<string> => {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    let elsewhereUrl = '';
    before(async () => {
      agency = createServer((req, res) => answer(req, res));
      elsewhere = createServer((req, res) => {
        elsewhereHits += 1;
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"registrationId":"R-1","bsn":"111222333"}');
      });
      broken = createAgencyActivities({
        logger,
        agencies: agencyConfig(await listen(agency), { AGENCY_TIMEOUT_MS: '1000' }),
      });
      elsewhereUrl = await listen(elsewhere);
    });
    after(() => {
      agency.closeAllConnections();
      agency.close();
      elsewhere.close();
    });
    const register = () => inActivity(() => broken.brp.registerInBrp(registration(newCaseId())));

    for (const status of [301, 302, 303, 307, 308]) {
      it(`refuses a ${status} redirect as a contract violation, sending nothing to where it points`, async () => {
        elsewhereHits = 0;
        answer = (req, res) => {
          req.resume();
          res.writeHead(status, { location: `${elsewhereUrl}/steal` }).end();
        };
        const failure = await failureOf(register());
        assertRefusal(failure, agencyFailure.contractViolation);
        assert.match(failure.message, new RegExp(`^brp answered ${status} \\(a redirect\\)`));
        assert.equal(elsewhereHits, 0, 'the newcomer was sent to another host');
      });
    }

    it('waits at most ten minutes on a Retry-After of weeks', async () => {
      answer = (req, res) => {
        req.resume();
        res.writeHead(429, { 'retry-after': '3000000' }).end();
      };
      const failure = await failureOf(register());
      assertRetryable(failure, agencyFailure.throttled);
      assert.equal(msToNumber(failure.nextRetryDelay!), 10 * 60_000);
    });

    it('takes a body that stalls past the timeout, or is cut off, for an unavailable agency (retryable)', async () => {
      answer = (req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"registrationId":');
      };
      assertRetryable(await failureOf(register()), agencyFailure.unavailable);
      answer = (req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        res.write('{"registrationId":', () => res.destroy());
      };
      assertRetryable(await failureOf(register()), agencyFailure.unavailable);
    });

    it("keeps only the names of a refusal's invalidParams: their reasons may repeat the newcomer's data", async () => {
      answer = (req, res) => {
        req.resume();
        res.writeHead(422, { 'content-type': 'application/problem+json' }).end(
          JSON.stringify({
            type: 'validation-error',
            invalidParams: [{ name: 'person.familyName', reason: 'Rao does not match', value: 'Asha Rao' }],
          }),
        );
      };
      const failure = await failureOf(register());
      assertRefusal(failure, agencyFailure.rejected);
      assert.deepEqual(refusalDetails(failure).invalidParams, [{ name: 'person.familyName' }]);
      assert.ok(!JSON.stringify(failure.details).includes('Rao'), JSON.stringify(failure.details));
    });
  });

  describe('polling fall-backs in an activity context', () => {
    it('awaitPermitDecision heartbeats while the application is pending and answers the decision', async () => {
      const applicationNumber = await pendingApplication(newCaseId());
      const env = activityEnvironment();
      const heartbeats: unknown[] = [];
      env.on('heartbeat', (details: unknown) => heartbeats.push(details));
      const firstHeartbeat = once(env, 'heartbeat');
      let settled = false;
      const waiting = inActivity(() => agencies.ind.awaitPermitDecision({ applicationNumber }), env).finally(() => {
        settled = true;
      });

      await firstHeartbeat;
      assert.equal(settled, false, 'answered while the application was pending');
      const [details] = heartbeats as { polledAt?: string }[];
      assert.ok(details?.polledAt && !Number.isNaN(Date.parse(details.polledAt)), JSON.stringify(details));

      await decide(applicationNumber, 'refused');
      const decided = await waiting;
      assert.equal(decided.applicationNumber, applicationNumber);
      assert.equal(decided.status, 'refused');
      assert.ok(decided.decidedAt);
    });

    it('awaitResidenceCardReady heartbeats while the card is in production and answers once it is ready', async () => {
      const { orderId, applicationNumber } = await cardInProduction(newCaseId());
      const env = activityEnvironment();
      const firstHeartbeat = once(env, 'heartbeat');
      let settled = false;
      const waiting = inActivity(() => agencies.ind.awaitResidenceCardReady({ orderId }), env).finally(() => {
        settled = true;
      });

      await firstHeartbeat;
      assert.equal(settled, false, 'answered while the card was in production');
      await admin('POST', '/ind/card-ready', { orderId });
      assert.deepEqual(await waiting, { orderId, applicationNumber, status: 'ready' });
    });

    it('awaitPermitDecision keeps polling through an IND outage, heartbeating the error, and answers after it', async () => {
      const applicationNumber = await pendingApplication(newCaseId());
      await setFaults({ agency: 'ind', outage: true });
      const env = activityEnvironment();
      const heartbeats: { attempts: number; lastError?: string }[] = [];
      let settled = false;
      const erroredTwice = new Promise<void>((resolve) =>
        env.on('heartbeat', (details: { attempts: number; lastError?: string }) => {
          heartbeats.push(details);
          if (heartbeats.filter((h) => h.lastError).length >= 2) resolve();
        }),
      );
      const waiting = inActivity(() => agencies.ind.awaitPermitDecision({ applicationNumber }), env).finally(() => {
        settled = true;
      });

      await erroredTwice;
      assert.equal(settled, false, 'the poll ended on a transient error');
      assert.match(heartbeats.at(-1)?.lastError ?? '', /ind answered 503/);
      await admin('DELETE', '/faults');
      await decide(applicationNumber, 'granted');
      assert.equal((await waiting).status, 'granted');
    });

    it('awaitPermitDecision ends with a non-retryable ApplicationNotFound when IND no longer knows the application', async () => {
      const failure = await failureOf(
        inActivity(() => agencies.ind.awaitPermitDecision({ applicationNumber: 'IND-0000000000' })),
      );
      assertRefusal(failure, agencyFailure.applicationNotFound);
    });

    it('awaitResidenceCardReady ends with a non-retryable refusal when IND does not know the order', async () => {
      const failure = await failureOf(inActivity(() => agencies.ind.awaitResidenceCardReady({ orderId: 'CARD-none' })));
      assert.equal(failure.nonRetryable, true, failure.message);
    });

    it('awaitPermitDecision stops with a CancelledFailure as soon as it is cancelled between polls', async () => {
      const applicationNumber = await pendingApplication(newCaseId());
      const env = activityEnvironment();
      const firstHeartbeat = once(env, 'heartbeat');
      const waiting = inActivity(() => slowPolling.ind.awaitPermitDecision({ applicationNumber }), env);

      await firstHeartbeat;
      const cancelledAt = Date.now();
      env.cancel();
      await assert.rejects(waiting, CancelledFailure);
      assert.ok(Date.now() - cancelledAt < 30_000, `took ${Date.now() - cancelledAt} ms for a 120 s poll interval`);
    });

    it('awaitResidenceCardReady stops with a CancelledFailure as soon as it is cancelled between polls', async () => {
      const { orderId } = await cardInProduction(newCaseId());
      const env = activityEnvironment();
      const firstHeartbeat = once(env, 'heartbeat');
      const waiting = inActivity(() => slowPolling.ind.awaitResidenceCardReady({ orderId }), env);

      await firstHeartbeat;
      const cancelledAt = Date.now();
      env.cancel();
      await assert.rejects(waiting, CancelledFailure);
      assert.ok(Date.now() - cancelledAt < 30_000, `took ${Date.now() - cancelledAt} ms for a 120 s poll interval`);
    });

    it('awaitPermitDecision stops with a CancelledFailure when cancelled while IND is still answering', async () => {
      const applicationNumber = await pendingApplication(newCaseId());
      await setFaults({ agency: 'ind', latencyMs: 60_000 });
      const env = activityEnvironment();
      const waiting = inActivity(() => slowPolling.ind.awaitPermitDecision({ applicationNumber }), env);
      waiting.catch(() => undefined);

      await sleep(300);
      const cancelledAt = Date.now();
      env.cancel();
      await assert.rejects(waiting, (err: unknown) => {
        assert.ok(err instanceof CancelledFailure, `expected a CancelledFailure, got ${String(err)}`);
        return true;
      });
      assert.ok(Date.now() - cancelledAt < 30_000, `took ${Date.now() - cancelledAt} ms for a 60 s answer`);
    });
  });
});
