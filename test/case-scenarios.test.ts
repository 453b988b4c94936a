import { caseActions } from '../workflows/actions';
import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import * as d from '../workflows/definitions';
import { AgencyRetrying } from '../workflows/search-attributes';
import type { CaseSettings } from '../workflows/settings';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { actors, checkIn, startCase, stepOutcome, waitForCase, waitingOn } from './harness/case-driver';
import { eventually } from './harness/eventually';
import { useCaseStack } from './harness/case-fixture';
import { temporal, testSettings } from './harness/temporal';

/** Rejected by the workflow's own validator, with a reason a person understands. */
async function rejected(action: Promise<unknown>, reason: RegExp): Promise<void> {
  await assert.rejects(action, (err: unknown) => {
    assert.ok(err instanceof WorkflowUpdateFailedError, `expected a rejected update, got ${String(err)}`);
    assert.match(err.cause?.message ?? '', reason);
    return true;
  });
}

const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('case scenarios: deadlines, refusals, operators and call-backs', () => {
  const stack = useCaseStack({ name: 'scenario' });
  const withWorkers = <T>(fn: () => Promise<T>, settings?: CaseSettings): Promise<T> =>
    stack.runWorkers(fn, settings ? { settings } : {});

  it('TEV with an MVV: granted with the MVV, no capture when the embassy prints are usable, then the card', async () => {
    const booking = vvrBooking({
      permit: { route: 'tev', mvvIssued: true, indApplicationNumber: 'IND-TEV-1001' },
      services: ['brp-registration', 'residence-permit'],
    });
    const result = await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, booking);
      await checkIn(handle);
      await waitForCase(handle, (v) => stepOutcome(v, 'brp') === 'registered', 'registered on the MVV');
      await waitingOn(handle, 'ind:embassy-prints');
      await handle.executeUpdate(caseActions['record-embassy-prints'].update, {
        args: [{ actor: actors.ind, quality: 'usable' }],
      });
      await waitingOn(handle, 'ind:card');
      const card = [...stack.sandbox.state.cards.values()].find((c) => c.applicationNumber === 'IND-TEV-1001');
      await stack.admin.cardReady(card!.orderId);
      await waitingOn(handle, 'desk:card-hand-over');
      await handle.executeUpdate(caseActions['hand-over-card'].update, { args: [{ actor: actors.desk }] });
      return handle.result();
    });
    assert.equal(result.status, 'completed');
    assert.equal(result.steps.find((s) => s.name === 'biometrics')?.outcome, 'embassy-prints');
    assert.equal(result.steps.find((s) => s.name === 'permit')?.outcome, 'granted');
  });

  it('return visa: issued while the permit is pending, and not needed once it is granted', async () => {
    const visa = { reason: 'father seriously ill', departureDate: inDays(10), returnDate: inDays(24) };
    const booking = vvrBooking({ services: ['residence-permit', 'return-visa'], returnVisa: visa });
    const later = vvrBooking({ services: ['residence-permit', 'return-visa'], returnVisa: visa });
    await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, booking);
      await checkIn(handle);
      await waitingOn(handle, 'ind:return-visa');
      await handle.executeUpdate(caseActions['decide-return-visa'].update, {
        args: [{ actor: actors.ind, decision: 'issue' }],
      });
      const issued = await waitForCase(handle, (v) => stepOutcome(v, 'return-visa') === 'issued', 'visa issued');
      assert.match(issued.results.returnVisaNumber ?? '', /^RV-/);
      assert.ok((issued.results.returnVisaValidUntil ?? '') <= visa.returnDate);

      const second = await startCase(stack.taskQueue, later);
      await checkIn(second);
      const waiting = await waitingOn(second, 'ind:return-visa');
      await stack.admin.decide(waiting.results.indApplicationNumber!, 'granted');
      await waitForCase(second, (v) => stepOutcome(v, 'return-visa') === 'not-needed', 'visa not needed');
    });
  });

  it('return visa: a trip that ends after the longest validity cannot get one, and the officer is told why', async () => {
    const visa = { reason: 'father seriously ill', departureDate: inDays(10), returnDate: inDays(120) };
    const booking = vvrBooking({ services: ['residence-permit', 'return-visa'], returnVisa: visa });
    await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, booking);
      await checkIn(handle);
      await waitingOn(handle, 'ind:return-visa');
      const issue = { actor: actors.ind, decision: 'issue' as const };
      await rejected(
        handle.executeUpdate(caseActions['decide-return-visa'].update, { args: [issue] }),
        new RegExp(`valid until .* at the longest, and the trip ends ${visa.returnDate}`),
      );
      await handle.executeUpdate(caseActions['decide-return-visa'].update, {
        args: [{ actor: actors.ind, decision: 'refuse', reason: 'the trip ends after the longest validity' }],
      });
      await waitForCase(handle, (v) => stepOutcome(v, 'return-visa') === 'refused', 'visa refused');
    });
  });

  it('documents requested then supplied: the legal term moves by the pause', async () => {
    const settings = testSettings({ indLegalTermMs: 60_000 });
    await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, vvrBooking({ services: ['residence-permit'] }));
      const before = await waitingOn(handle, 'ind:decision');
      const due = (v: d.CaseView) => Date.parse(v.deadlines.find((x) => x.name === 'ind-decision-legal-term')!.dueAt);
      const dueAtFirst = due(before);
      const dueAt = new Date(Date.now() + 60_000).toISOString();
      await handle.executeUpdate(caseActions['request-documents'].update, {
        args: [{ actor: actors.ind, documents: ['employment contract'], dueAt }],
      });
      const paused = await waitingOn(handle, 'newcomer:documents');
      assert.equal(paused.deadlines.find((x) => x.name === 'ind-decision-legal-term')?.state, 'paused');
      await new Promise((r) => setTimeout(r, 2_000));
      await handle.executeUpdate(caseActions['documents-supplied'].update, { args: [{ actor: actors.desk }] });
      const resumed = await waitingOn(handle, 'ind:decision');
      assert.ok(due(resumed) - dueAtFirst >= 1_500, 'the due date moved by about the length of the pause');
    }, settings);
  });

  it('documents not supplied by the due date: IND, told so, declares the application inadmissible', async () => {
    const result = await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, vvrBooking({ services: ['residence-permit'] }));
      await checkIn(handle);
      await waitingOn(handle, 'ind:decision');
      await handle.executeUpdate(caseActions['request-documents'].update, {
        args: [{ actor: actors.ind, documents: ['diploma'], dueAt: new Date(Date.now() + 1_500).toISOString() }],
      });
      const overdue = await waitForCase(
        handle,
        (v) => v.steps.find((s) => s.name === 'permit')?.detail === 'documents overdue',
        'documents overdue, put to IND',
      );
      await stack.admin.decide(overdue.results.indApplicationNumber!, 'inadmissible', 'no diploma');
      return handle.result();
    });
    assert.equal(result.steps.find((s) => s.name === 'permit')?.outcome, 'inadmissible');
    assert.equal(result.steps.find((s) => s.name === 'card')?.outcome, 'not-issued');
  });

  it('no-show: rescheduled within the window, or closed after it', async () => {
    const settings = testSettings({ checkInGraceMs: 500, rescheduleWindowMs: 2_000 });
    const past = new Date(Date.now() - 60_000).toISOString();
    const results = await withWorkers(async () => {
      const rebooked = await startCase(
        stack.taskQueue,
        vvrBooking({ appointment: { location: 'MIC', startsAt: past } }),
      );
      await waitingOn(rebooked, 'booking-site:reschedule');
      await rejected(
        rebooked.executeUpdate(caseActions['check-in'].update, {
          args: [{ actor: actors.desk, identity: 'verified' }],
        }),
        /no-show; the booking site must reschedule first/,
      );
      const startsAt = new Date(Date.now() + 3_600_000).toISOString();
      await rebooked.executeUpdate(caseActions.reschedule.update, { args: [{ actor: actors.bookingSite, startsAt }] });
      const back = await waitingOn(rebooked, 'desk:check-in');
      assert.equal(back.appointment.startsAt, startsAt);

      const gone = await startCase(stack.taskQueue, vvrBooking({ appointment: { location: 'MIC', startsAt: past } }));
      const closed = await gone.result();
      await rebooked.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.operator, reason: 'test done' }],
      });
      return closed;
    }, settings);
    assert.equal(results.status, 'closed-no-show');
    // Every step ended: none of a closed case still waits on someone or is blocked.
    const open = results.steps.filter((step) => step.state !== 'done' && step.state !== 'not-wanted');
    assert.deepEqual(open, [], JSON.stringify(results.steps));
    assert.equal(results.steps.find((step) => step.name === 'card')?.outcome, 'not-possible');
  });

  it('withdrawal midway undoes the card order and the application; the BRP registration stays', async () => {
    const booking = vvrBooking({
      permit: { route: 'tev', mvvIssued: true, indApplicationNumber: 'IND-TEV-1002' },
      services: ['brp-registration', 'residence-permit'],
    });
    const caseId = d.caseWorkflowId(booking.bookingReference);
    const result = await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, booking);
      await checkIn(handle);
      await waitForCase(handle, (v) => stepOutcome(v, 'brp') === 'registered', 'registered');
      await waitingOn(handle, 'ind:embassy-prints');
      await handle.executeUpdate(caseActions['record-embassy-prints'].update, {
        args: [{ actor: actors.ind, quality: 'usable' }],
      });
      await waitingOn(handle, 'ind:card');
      await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.bookingSite, reason: 'job offer withdrawn' }],
      });
      return handle.result();
    });
    assert.equal(result.status, 'withdrawn');
    assert.match(result.outcome, /card order cancelled/);
    assert.match(result.outcome, /the BRP registration stays/);
    const operations = (await stack.admin.ledger(caseId)).map((e) => e.operation);
    assert.ok(operations.includes('cancel-card'));
  });

  it('an address the municipality rejects goes to a desk officer, who accepts it', async () => {
    const booking = vvrBooking({ services: ['brp-registration', 'residence-permit'] });
    booking.residence.address.postcode = '9999ZZ';
    await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, booking);
      await checkIn(handle);
      await waitingOn(handle, 'desk:address');
      await rejected(
        handle.executeUpdate(caseActions['hand-over-card'].update, { args: [{ actor: actors.desk }] }),
        /the card is not ready for pick-up yet/,
      );
      await handle.executeUpdate(caseActions['resolve-address'].update, {
        args: [{ actor: actors.desk, decision: 'accept' }],
      });
      const done = await waitForCase(handle, (v) => stepOutcome(v, 'brp') === 'registered', 'registered');
      assert.equal(done.audit.find((a) => a.action === 'resolve-address')?.actor.id, actors.desk.id);
      await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.operator, reason: 'test done' }],
      });
    });
  });

  it('a BRP outage shows AgencyRetrying=brp, and the mark clears when BRP recovers', async () => {
    const settings = testSettings({ agencyRetryVisibleAfterMs: 1_000 });
    await stack.admin.faults({ agency: 'brp', outage: true });
    await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, euBooking({ services: ['brp-registration'] }));
      await checkIn(handle);
      await waitForCase(handle, (v) => v.agencyRetrying.includes('brp'), 'AgencyRetrying=brp');
      await eventually(async () => {
        const query = `AgencyRetrying = 'brp' AND WorkflowId = '${handle.workflowId}'`;
        for await (const wf of temporal().client.workflow.list({ query })) return wf.workflowId;
        return undefined;
      });
      await stack.admin.clearFaults();
      await waitForCase(handle, (v) => stepOutcome(v, 'brp') === 'registered', 'registered after recovery', 60_000);
      const description = await handle.describe();
      assert.equal(description.typedSearchAttributes.get(AgencyRetrying), undefined);
      return handle.result();
    }, settings);
  });

  it('an unrecognised sponsor makes the case ineligible: rejected with the reason', async () => {
    const result = await withWorkers(async () => {
      const handle = await startCase(
        stack.taskQueue,
        vvrBooking({ sponsor: { name: 'Nobody BV', recognisedSponsorNumber: 'RS-UNKNOWN' } }),
      );
      return handle.result();
    });
    assert.equal(result.status, 'rejected');
    assert.match(result.outcome, /RS-UNKNOWN is not in the IND register/);
  });

  it('a missed service norm is flagged SlaBreached', async () => {
    const settings = testSettings({ indSponsorTargetMs: 1_000 });
    await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, vvrBooking({ services: ['residence-permit'] }));
      const breached = await waitForCase(handle, (v) => v.slaBreached, 'SLA breached');
      assert.equal(breached.deadlines.find((x) => x.name === 'ind-decision-sponsor-target')?.state, 'breached');
      await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.operator, reason: 'test done' }],
      });
    }, settings);
  });

  it('the same IND call-back twice changes nothing the second time', async () => {
    await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, vvrBooking({ services: ['residence-permit'] }));
      await checkIn(handle);
      const view = await waitingOn(handle, 'ind:decision');
      const event = { applicationNumber: view.results.indApplicationNumber!, decision: 'refused' as const };
      await handle.signal(d.indDecisionSignal, event);
      await handle.signal(d.indDecisionSignal, event);
      await handle.signal(d.indDecisionSignal, { ...event, decision: 'granted' });
      const result = await handle.result();
      assert.equal(result.steps.find((s) => s.name === 'permit')?.outcome, 'refused');
      const decisions = (await handle.query(d.caseStatusQuery)).audit.filter((a) => a.action === 'permit-decision');
      assert.equal(decisions.length, 1);
    });
  });

  it('an operator skips a step that waits on a failing agency, with the reason in the audit trail', async () => {
    const settings = testSettings({ agencyRetryMaxMs: 2_000 });
    await stack.admin.faults({ agency: 'brp', outage: true });
    await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, euBooking({ services: ['brp-registration'] }));
      await checkIn(handle);
      await waitingOn(handle, 'operator:brp');
      await handle.executeUpdate(caseActions['skip-step'].update, {
        args: [{ actor: actors.operator, step: 'brp', reason: 'registered by hand at the municipality' }],
      });
      const result = await handle.result();
      assert.equal(result.steps.find((s) => s.name === 'brp')?.outcome, 'skipped');
    }, settings);
  });

  it('identity in doubt, a blurry capture retaken, and an operator retry after the agency recovered', async () => {
    const settings = testSettings({ agencyRetryMaxMs: 2_000 });
    await withWorkers(async () => {
      const handle = await startCase(
        stack.taskQueue,
        vvrBooking({ services: ['brp-registration', 'residence-permit', 'biometrics'] }),
      );
      await waitingOn(handle, 'desk:check-in');
      await handle.executeUpdate(caseActions['check-in'].update, {
        args: [{ actor: actors.desk, identity: 'in-doubt' }],
      });
      await waitingOn(handle, 'desk:identity');
      await rejected(
        handle.executeUpdate(caseActions['capture-biometrics'].update, {
          args: [{ actor: actors.ind, captureReference: 'CAP-X' }],
        }),
        /capturing biometrics is not possible now: the biometrics step is blocked/,
      );
      await handle.executeUpdate(caseActions['resolve-identity'].update, {
        args: [{ actor: actors.desk, identity: 'verified' }],
      });

      await waitingOn(handle, 'ind:biometrics');
      await handle.executeUpdate(caseActions['capture-biometrics'].update, {
        args: [{ actor: actors.ind, captureReference: 'CAP-BLURRY-1' }],
      });
      const retake = await waitForCase(
        handle,
        (v) => v.steps.find((s) => s.name === 'biometrics')?.detail === 'retake needed',
        'retake needed',
      );
      assert.ok(retake.waitingOn.includes('ind:biometrics'));
      await rejected(
        handle.executeUpdate(caseActions['capture-biometrics'].update, {
          args: [{ actor: actors.ind, captureReference: 'CAP-BLURRY-1' }],
        }),
        /already submitted/,
      );

      await stack.admin.faults({ agency: 'ind', outage: true });
      await handle.executeUpdate(caseActions['capture-biometrics'].update, {
        args: [{ actor: actors.ind, captureReference: 'CAP-2' }],
      });
      await waitingOn(handle, 'operator:biometrics');
      await stack.admin.clearFaults();
      await handle.executeUpdate(caseActions['retry-step'].update, {
        args: [{ actor: actors.operator, step: 'biometrics' }],
      });
      const accepted = await waitForCase(handle, (v) => stepOutcome(v, 'biometrics') === 'accepted', 'accepted');
      assert.ok(accepted.audit.some((a) => a.action === 'retry-step' && a.actor.id === actors.operator.id));
      await rejected(
        handle.executeUpdate(caseActions['retry-step'].update, { args: [{ actor: actors.operator, step: 'brp' }] }),
        /not waiting on an operator/,
      );
      await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.operator, reason: 'test done' }],
      });
    }, settings);
  });

  it('a withdrawal while IND is filing the application waits for the number and withdraws it', async () => {
    const booking = vvrBooking({ services: ['residence-permit'] });
    const caseId = d.caseWorkflowId(booking.bookingReference);
    await stack.admin.faults({ agency: 'ind', latencyMs: 2_000 });
    const result = await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, booking);
      await waitForCase(
        handle,
        (v) => v.steps.find((s) => s.name === 'permit')?.waitingOn === 'agency:ind',
        'filing the application',
      );
      await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.bookingSite, reason: 'changed plans' }],
      });
      return handle.result();
    });
    assert.equal(result.status, 'withdrawn');
    assert.match(result.outcome, /IND application withdrawn/);
    const operations = (await stack.admin.ledger(caseId)).map((e) => e.operation);
    assert.ok(
      operations.includes('file-application') && operations.includes('withdraw-application'),
      String(operations),
    );
  });
});
