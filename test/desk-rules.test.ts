import assert from 'node:assert/strict';
import { caseActions } from '../workflows/actions';
import type { CaseSettings } from '../workflows/settings';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { actors, checkIn, startCase, stepOutcome, waitForCase, waitingOn } from './harness/case-driver';
import type { CaseHandle } from './harness/case-driver';
import { caseStatusQuery } from '../workflows/definitions';
import { useCaseStack } from './harness/case-fixture';
import { eventually } from './harness/eventually';
import { testSettings } from './harness/temporal';
import { WorkflowUpdateFailedError } from '@temporalio/client';

const stepOf = (v: { steps: Array<{ name: string; state: string; detail?: string }> }, name: string) =>
  v.steps.find((s) => s.name === name);
/** The sponsor register answers 500 until the faults are cleared: the eligibility step keeps retrying. */
const sponsorRegisterDown = { agency: 'ind' as const, answer: { status: 500 as const, call: '^GET /ind/sponsors/' } };

describe('desk rules: the sponsor check does not hold the desk', () => {
  const stack = useCaseStack({ name: 'desk-rules' });
  const withWorkers = <T>(fn: () => Promise<T>, settings?: CaseSettings): Promise<T> =>
    stack.runWorkers(fn, settings ? { settings } : {});

  it('while the sponsor register is down the desk checks in and advises; the permit and BRP wait for its answer', async () => {
    await stack.admin.faults(sponsorRegisterDown);
    await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, vvrBooking());
      await waitForCase(handle, (v) => v.agencyRetrying.includes('ind'), 'the sponsor check retrying');
      await checkIn(handle);
      const advised = await waitingOn(handle, 'expat:advice');
      assert.equal(stepOutcome(advised, 'check-in'), 'verified');
      assert.notEqual(stepOf(advised, 'eligibility')?.state, 'done', 'the sponsor check is still under way');
      for (const step of ['permit', 'brp', 'biometrics']) {
        assert.equal(stepOf(advised, step)?.state, 'blocked', `${step} waits`);
      }
      assert.equal(stepOf(advised, 'permit')?.detail, 'waits for the sponsor check');
      await handle.executeUpdate(caseActions['record-advice'].update, {
        args: [{ actor: actors.expat, outcome: 'given' }],
      });
      assert.deepEqual(
        (await stack.admin.ledger(handle.workflowId)).filter((e) => e.agency !== 'notify'),
        [],
        'nothing was filed or registered before the sponsor was known',
      );

      await stack.admin.clearFaults();
      const going = await waitForCase(
        handle,
        (v) => v.waitingOn.includes('ind:biometrics') && stepOutcome(v, 'brp') === 'registered',
        'the permit filed and the newcomer registered once the sponsor is known',
      );
      assert.equal(stepOutcome(going, 'eligibility'), 'eligible');
      assert.equal(stepOutcome(going, 'advice'), 'given');
    });
  });

  it('an unrecognised sponsor known only after check-in: rejected, and no step is left waiting', async () => {
    await stack.admin.faults(sponsorRegisterDown);
    const booking = vvrBooking({ sponsor: { name: 'Unknown BV', recognisedSponsorNumber: 'RS-UNKNOWN' } });
    const result = await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, booking);
      await checkIn(handle);
      await waitingOn(handle, 'expat:advice');
      await stack.admin.clearFaults();
      const closed = await handle.result();
      assert.deepEqual(
        (await stack.admin.ledger(handle.workflowId)).filter((e) => e.agency !== 'notify'),
        [],
        'no application filed, no BRP registration',
      );
      return closed;
    });
    assert.equal(result.status, 'rejected');
    assert.match(result.outcome, /RS-UNKNOWN is not in the IND register/);
    const outcome = (name: string) => result.steps.find((s) => s.name === name)?.outcome;
    assert.equal(outcome('check-in'), 'verified');
    for (const step of ['permit', 'brp', 'biometrics', 'card', 'advice']) {
      assert.equal(outcome(step), 'not-possible', step);
    }
  });

  it('the no-show clock runs from the appointment alone, also while the sponsor check is still under way', async () => {
    await stack.admin.faults(sponsorRegisterDown);
    const settings = testSettings({ checkInGraceMs: 1_000, rescheduleWindowMs: 60_000 });
    await withWorkers(async () => {
      const sponsored = await startCase(
        stack.taskQueue,
        vvrBooking({ appointment: { location: 'MIC', startsAt: new Date(Date.now() + 1_000).toISOString() } }),
      );
      const late = await waitingOn(sponsored, 'booking-site:reschedule');
      assert.notEqual(stepOf(late, 'eligibility')?.state, 'done', 'the sponsor check had not answered');
      const due = Date.parse(late.deadlines.find((d) => d.name === 'check-in')?.dueAt ?? '');
      assert.ok(Math.abs(due - (Date.parse(late.appointment.startsAt) + 1_000)) < 50, 'due at appointment + grace');
    }, settings);
  });
});

describe("desk rules: e-mails in the booking's language, and the return visa cap", () => {
  const stack = useCaseStack({ name: 'desk-emails' });
  const emailsOf = (caseId: string) => stack.sandbox.state.emails.filter((e) => e.reference.startsWith(`${caseId}:`));
  const templatesOf = (caseId: string) => emailsOf(caseId).map((e) => e.templateId);

  it('a Dutch booking hears of every milestone in Dutch, no-show and reschedule included; English by default', async () => {
    const settings = testSettings({ checkInGraceMs: 500, rescheduleWindowMs: 60_000 });
    const past = new Date(Date.now() - 60_000).toISOString();
    await stack.runWorkers(
      async () => {
        const dutch = await startCase(
          stack.taskQueue,
          euBooking({ language: 'nl', appointment: { location: 'MIC-Maastricht', startsAt: past } }),
        );
        const english = await startCase(stack.taskQueue, euBooking({ services: ['brp-registration'] }));
        await waitingOn(dutch, 'booking-site:reschedule');
        const startsAt = new Date(Date.now() + 3_600_000).toISOString();
        await dutch.executeUpdate(caseActions.reschedule.update, { args: [{ actor: actors.bookingSite, startsAt }] });
        await checkIn(dutch);
        await waitingOn(dutch, 'expat:advice');
        await dutch.executeUpdate(caseActions['record-advice'].update, {
          args: [{ actor: actors.expat, outcome: 'given' }],
        });
        await dutch.result();
        await waitingOn(english, 'desk:check-in');

        assert.deepEqual(templatesOf(dutch.workflowId).sort(), [
          'newcomer-brp-registered-nl',
          'newcomer-case-closed-completed-nl',
          'newcomer-case-opened-nl',
          'newcomer-no-show-nl',
          'newcomer-rescheduled-nl',
        ]);
        const byTemplate = (id: string) => emailsOf(dutch.workflowId).find((e) => e.templateId === id);
        assert.match(
          byTemplate('newcomer-no-show-nl')?.body ?? '',
          /^Beste Lena, u bent niet naar uw afspraak gekomen/,
        );
        const rescheduleBy = Date.parse(byTemplate('newcomer-no-show-nl')?.personalisation.rescheduleBy ?? '');
        assert.ok(Math.abs(rescheduleBy - (Date.now() + 60_000)) < 30_000, 'the end of the reschedule window');
        assert.equal(byTemplate('newcomer-rescheduled-nl')?.personalisation.startsAt, startsAt);
        assert.equal(byTemplate('newcomer-rescheduled-nl')?.subject, 'Uw afspraak is verplaatst');
        await eventually(() => Promise.resolve(templatesOf(english.workflowId).length > 0 ? true : undefined));
        assert.deepEqual(templatesOf(english.workflowId), ['newcomer-case-opened-en']);
        assert.match(emailsOf(english.workflowId)[0]?.body ?? '', /^Dear Lena, we expect you at MIC-Maastricht/);
      },
      { settings },
    );
  });

  it("the workflow's setting caps the return visa: an officer cannot issue one for a longer trip", async () => {
    const settings = testSettings({ returnVisaMaxValidityMs: 10 * 86_400_000 });
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const booking = vvrBooking({
      services: ['residence-permit', 'return-visa'],
      returnVisa: { reason: 'father seriously ill', departureDate: day(3), returnDate: day(14) },
    });
    await stack.runWorkers(
      async () => {
        const handle = await startCase(stack.taskQueue, booking);
        await checkIn(handle);
        await waitingOn(handle, 'ind:return-visa');
        await assert.rejects(
          handle.executeUpdate(caseActions['decide-return-visa'].update, {
            args: [{ actor: actors.ind, decision: 'issue' }],
          }),
          (err: unknown) =>
            err instanceof WorkflowUpdateFailedError &&
            new RegExp(`valid until ${day(10)} at the longest`).test(err.cause?.message ?? ''),
        );
        assert.equal(stack.sandbox.state.returnVisas.size, 0);
      },
      { settings },
    );
  });
});

describe('desk rules: return visits', () => {
  const stack = useCaseStack({ name: 'desk-visits' });

  it('a biometrics retake gets a return visit with its own e-mail and clock; a missed one can be booked again', async () => {
    const settings = testSettings({ checkInGraceMs: 1_000 });
    await stack.runWorkers(
      async () => {
        const handle = await startCase(stack.taskQueue, vvrBooking({ services: ['residence-permit', 'biometrics'] }));
        const visit = (purpose: 'biometrics-retake' | 'card-collection', startsAt: string) =>
          handle.executeUpdate(caseActions['schedule-visit'].update, {
            args: [{ actor: actors.bookingSite, purpose, startsAt }],
          });
        const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
        const refusedFor = async (action: Promise<unknown>, reason: RegExp) =>
          assert.rejects(
            action,
            (err: unknown) => err instanceof WorkflowUpdateFailedError && reason.test(err.cause?.message ?? ''),
          );
        await waitingOn(handle, 'desk:check-in');
        await refusedFor(visit('biometrics-retake', inAnHour), /a return visit follows a check-in/);
        await checkIn(handle);
        await waitingOn(handle, 'ind:biometrics');
        await refusedFor(visit('biometrics-retake', inAnHour), /no biometrics retake is needed/);
        await handle.executeUpdate(caseActions['capture-biometrics'].update, {
          args: [{ actor: actors.ind, captureReference: 'CAP-BLURRY-1' }],
        });
        await waitForCase(handle, (v) => stepOf(v, 'biometrics')?.detail === 'retake needed', 'a retake needed');
        await refusedFor(visit('card-collection', inAnHour), /the card is not ready for pick-up yet/);
        await refusedFor(visit('biometrics-retake', new Date(Date.now() - 60_000).toISOString()), /in the future/);

        const soon = new Date(Date.now() + 1_000).toISOString();
        const scheduled = await visit('biometrics-retake', soon);
        assert.deepEqual(scheduled.returnVisit, {
          purpose: 'biometrics-retake',
          location: 'MIC-Maastricht',
          startsAt: soon,
          state: 'scheduled',
        });
        const missed = await waitForCase(handle, (v) => v.returnVisit?.state === 'missed', 'the visit missed');
        assert.equal(missed.deadlines.find((d) => d.name === 'return-visit')?.state, 'breached');
        assert.ok(missed.audit.some((a) => a.action === 'return-visit-missed'));
        assert.equal(missed.slaBreached, false, "a missed visit is the newcomer's, not a service norm");

        await visit('biometrics-retake', inAnHour);
        await handle.executeUpdate(caseActions['capture-biometrics'].update, {
          args: [{ actor: actors.ind, captureReference: 'CAP-2' }],
        });
        const served = await waitForCase(
          handle,
          (v) => v.returnVisit?.state === 'done' && stepOutcome(v, 'biometrics') === 'accepted',
          'the visit served and the new capture accepted',
        );
        assert.equal(served.deadlines.find((d) => d.name === 'return-visit')?.state, 'met');

        const emails = stack.sandbox.state.emails.filter((e) => e.reference.startsWith(`${handle.workflowId}:`));
        const visits = emails.filter((e) => e.templateId === 'newcomer-visit-scheduled-biometrics-retake-en');
        assert.deepEqual(
          visits.map((e) => e.personalisation.startsAt),
          [soon, inAnHour],
        );
        assert.match(visits[0]?.body ?? '', /must be taken again\. We expect you at MIC-Maastricht/);
        await handle.executeUpdate(caseActions.withdraw.update, { args: [{ actor: actors.operator, reason: 'done' }] });
      },
      { settings },
    );
  });
});

describe('desk rules: a return visit for a capture the embassy prints could not replace', () => {
  const stack = useCaseStack({ name: 'desk-mvv-visit' });

  it('an MVV holder whose embassy prints are unusable is booked back for the capture; the visit is done once taken', async () => {
    const booking = vvrBooking({
      permit: {
        route: 'tev',
        mvvIssued: true,
        indApplicationNumber: `IND-TEV-V${Date.now().toString(36).toUpperCase()}`,
      },
      services: ['residence-permit'],
    });
    await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, booking);
      const visit = () =>
        handle.executeUpdate(caseActions['schedule-visit'].update, {
          args: [
            {
              actor: actors.desk,
              purpose: 'biometrics-retake',
              startsAt: new Date(Date.now() + 3_600_000).toISOString(),
            },
          ],
        });
      await checkIn(handle);
      await waitingOn(handle, 'ind:embassy-prints');
      await assert.rejects(
        visit(),
        (err: unknown) =>
          err instanceof WorkflowUpdateFailedError && /no biometrics retake is needed/.test(err.cause?.message ?? ''),
        'no visit while the embassy prints may still do',
      );
      await handle.executeUpdate(caseActions['record-embassy-prints'].update, {
        args: [{ actor: actors.ind, quality: 'unusable', note: 'judged in the back office after the visit' }],
      });
      await waitingOn(handle, 'ind:biometrics');
      const booked = await visit();
      assert.equal(booked.returnVisit?.state, 'scheduled');
      const mail = await eventually(async () =>
        Promise.resolve(stack.sandbox.state.emails.find((e) => e.reference === `${handle.workflowId}:visit-scheduled`)),
      );
      assert.equal(mail.templateId, 'newcomer-visit-scheduled-biometrics-retake-en');
      // Still scheduled a moment later: nothing was captured yet, so the visit is not served.
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal((await handle.query(caseStatusQuery)).returnVisit?.state, 'scheduled');

      await handle.executeUpdate(caseActions['capture-biometrics'].update, {
        args: [{ actor: actors.ind, captureReference: 'CAP-MVV-BACK-1' }],
      });
      const served = await waitForCase(
        handle,
        (v) => v.returnVisit?.state === 'done' && stepOutcome(v, 'biometrics') === 'accepted',
        'the visit served by the capture',
      );
      assert.equal(served.deadlines.find((d) => d.name === 'return-visit')?.state, 'met');
      await handle.executeUpdate(caseActions.withdraw.update, { args: [{ actor: actors.operator, reason: 'done' }] });
    });
  });
});

describe('desk rules: a return visit to collect the card', () => {
  const stack = useCaseStack({ name: 'desk-collection' });

  it('a card collection visit is done when the card is handed over, and cancelled when the card is skipped as not collected', async () => {
    await stack.runWorkers(async () => {
      /** A checked-in newcomer whose card IND has made: waiting for the hand-over. */
      const cardWaiting = async (): Promise<CaseHandle> => {
        const handle = await startCase(stack.taskQueue, vvrBooking({ services: ['residence-permit', 'biometrics'] }));
        await checkIn(handle);
        await waitingOn(handle, 'ind:biometrics');
        await handle.executeUpdate(caseActions['capture-biometrics'].update, {
          args: [{ actor: actors.ind, captureReference: `CAP-COLLECT-${handle.workflowId.slice(-4)}` }],
        });
        const view = await waitingOn(handle, 'ind:decision');
        await stack.admin.decide(view.results.indApplicationNumber!, 'granted');
        await waitingOn(handle, 'ind:card');
        const card = [...stack.sandbox.state.cards.values()].find((c) => c.caseRef === handle.workflowId);
        await stack.admin.cardReady(card!.orderId);
        await waitingOn(handle, 'desk:card-hand-over');
        return handle;
      };
      const [collected, uncollected] = await Promise.all([cardWaiting(), cardWaiting()]);
      const startsAt = new Date(Date.now() + 3_600_000).toISOString();
      for (const handle of [collected, uncollected]) {
        const booked = await handle.executeUpdate(caseActions['schedule-visit'].update, {
          args: [{ actor: actors.desk, purpose: 'card-collection', startsAt }],
        });
        assert.equal(booked.returnVisit?.state, 'scheduled');
      }

      await collected.executeUpdate(caseActions['hand-over-card'].update, { args: [{ actor: actors.desk }] });
      const handedOver = await collected.result();
      assert.equal(handedOver.steps.find((s) => s.name === 'card')?.outcome, 'handed-over');
      const done = await collected.query(caseStatusQuery);
      assert.equal(done.returnVisit?.state, 'done');
      assert.equal(done.deadlines.find((d) => d.name === 'return-visit')?.state, 'met');
      const mail = stack.sandbox.state.emails.find((e) => e.reference === `${collected.workflowId}:visit-scheduled`);
      assert.equal(mail?.templateId, 'newcomer-visit-scheduled-card-collection-en');
      assert.match(mail?.body ?? '', /to hand over your residence card/);

      await uncollected.executeUpdate(caseActions['skip-step'].update, {
        args: [{ actor: actors.operator, step: 'card', reason: 'the newcomer left the country' }],
      });
      const skipped = await uncollected.result();
      assert.equal(skipped.steps.find((s) => s.name === 'card')?.outcome, 'not-collected');
      const cancelled = await uncollected.query(caseStatusQuery);
      assert.equal(cancelled.returnVisit?.state, 'cancelled', 'not done: nobody collected the card');
      assert.ok(cancelled.audit.some((a) => a.action === 'return-visit-cancelled'));
    });
  });
});

describe('desk rules: RNI referral, intake without a sponsor, the BSN norm', () => {
  const stack = useCaseStack({ name: 'desk-untested' });

  it('a stay under 4 months is referred to the RNI, and nothing is registered in the BRP', async () => {
    const result = await stack.runWorkers(async () => {
      const handle = await startCase(
        stack.taskQueue,
        euBooking({ stay: { purpose: 'eu-citizen', expectedMonths: 3 } }),
      );
      await checkIn(handle);
      await waitingOn(handle, 'expat:advice');
      await handle.executeUpdate(caseActions['record-advice'].update, {
        args: [{ actor: actors.expat, outcome: 'given' }],
      });
      const closed = await handle.result();
      assert.deepEqual(
        await stack.admin.ledger(handle.workflowId).then((l) => l.filter((e) => e.agency === 'brp')),
        [],
      );
      return closed;
    });
    assert.equal(result.status, 'completed');
    assert.equal(result.steps.find((s) => s.name === 'brp')?.outcome, 'referred-to-rni');
  });

  it('an EU Blue Card without a sponsor is eligible without asking the sponsor register', async () => {
    const booking = vvrBooking({
      stay: { purpose: 'eu-blue-card', expectedMonths: 24 },
      sponsor: undefined,
      services: ['residence-permit'],
    });
    // Were the register asked, the case would hang on it: it answers 500 throughout.
    await stack.admin.faults(sponsorRegisterDown);
    await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, booking);
      const view = await waitingOn(handle, 'ind:decision');
      assert.equal(stepOutcome(view, 'eligibility'), 'eligible');
      assert.ok(!view.deadlines.some((d) => d.name === 'ind-decision-sponsor-target'), 'no sponsor target');
      await handle.executeUpdate(caseActions.withdraw.update, { args: [{ actor: actors.operator, reason: 'done' }] });
    });
  });

  it('a BSN later than the norm flags SlaBreached, and the registration still completes', async () => {
    const settings = testSettings({ bsnNormMs: 500 });
    await stack.admin.faults({ agency: 'brp', latencyMs: 3_000 });
    await stack.runWorkers(
      async () => {
        const handle = await startCase(stack.taskQueue, euBooking({ services: ['brp-registration'] }));
        await checkIn(handle);
        const breached = await waitForCase(handle, (v) => v.slaBreached, 'the BSN norm breached');
        assert.equal(breached.deadlines.find((d) => d.name === 'bsn-service-norm')?.state, 'breached');
        const result = await handle.result();
        assert.equal(result.steps.find((s) => s.name === 'brp')?.outcome, 'registered');
      },
      { settings },
    );
  });
});
