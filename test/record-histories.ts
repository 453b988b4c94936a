/**
 * Records the case histories that `test/replay.test.ts` replays against the current workflow code, so CI notices
 * when a change would break the cases that are already running (they live for months).
 *
 *   npm run build && node dist/test/record-histories.js [label] [scenario ...]
 *
 * Run it after an intended change of workflow behaviour, guarded by `patched()`, with a label (a date or the
 * patch id): the new histories go next to the old ones, `<scenario>.<label>.json`. Never replace the old ones:
 * they stand for the cases started before the change, which must keep replaying beside the new ones. Name
 * scenarios after the label to record only those a change reaches. The script refuses to overwrite a file. It starts its own dev server and agency sandbox, as the tests do.
 */
import { caseActions } from '../workflows/actions';
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { Booking } from '../domain/booking';
import { startSandbox, type StartedSandbox } from '../sandbox/app';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { newcomerCaseWorkflow } from '../workflows';
import type * as d from '../workflows/definitions';
import { caseOpenedUpdate, caseWorkflowId, indDecisionUpdate } from '../workflows/definitions';
import { caseStartMetadata } from '../workflows/static-summary';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { actors, stepOutcome, waitForCase, waitingOn, type CaseHandle } from './harness/case-driver';
import { sandboxAdmin } from './harness/sandbox-admin';
import { eventually } from './harness/eventually';
import { caseWorkers, startHarness, stopHarness, temporal, testSettings, uniqueTaskQueue } from './harness/temporal';
import type { CaseSettings } from '../workflows/settings';
import { legalTermDeadline } from '../workflows/case-state';

const historiesDir = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'histories');

interface Scenario {
  /** What the agencies hold before the booking (a sponsor's own filing). */
  before?: (sandbox: StartedSandbox) => Promise<void>;
  booking: () => Booking;
  drive: (handle: CaseHandle, sandbox: StartedSandbox) => Promise<void>;
  /** What the finished case must show, so a fixture never records a journey other than its name says. */
  expect: Partial<Record<d.StepName | 'status', string>>;
  /** Short clocks, as the tests set them (a no-show, a missed visit); the scenario then gets workers of its own. */
  settings?: Partial<CaseSettings>;
}

// The fixture bookings have a fixed appointment date; a recording made after it would only show no-shows.
const inAWeek = (): Booking['appointment'] => ({
  location: 'MIC-Maastricht',
  startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
});
const tevWithMvv = (): Booking =>
  vvrBooking({
    appointment: inAWeek(),
    permit: { route: 'tev', mvvIssued: true, indApplicationNumber: 'IND-TEV-RECORDED' },
    services: ['brp-registration', 'residence-permit'],
  });
const checkIn = async (h: CaseHandle): Promise<void> => {
  await waitingOn(h, 'desk:check-in');
  await h.executeUpdate(caseActions['check-in'].update, { args: [{ actor: actors.desk, identity: 'verified' }] });
};
const registered = (h: CaseHandle) => waitForCase(h, (v) => stepOutcome(v, 'brp') === 'registered', 'registered');
/** BRP goes down and the case is checked in: its registration fails until the case shows `AgencyRetrying=brp`. */
const checkInWhileBrpDown = async (h: CaseHandle, sandbox: StartedSandbox) => {
  const admin = sandboxAdmin(sandbox.url);
  await admin.faults({ agency: 'brp', outage: true });
  await checkIn(h);
  await waitForCase(h, (v) => v.agencyRetrying.includes('brp'), 'AgencyRetrying=brp');
  return admin;
};
const adviceGiven = async (h: CaseHandle): Promise<void> => {
  await waitingOn(h, 'expat:advice');
  await h.executeUpdate(caseActions['record-advice'].update, { args: [{ actor: actors.expat, outcome: 'given' }] });
};
const cardOrderOf = (sandbox: StartedSandbox, caseId: string): string => {
  const card = [...sandbox.state.cards.values()].find((c) => c.caseRef === caseId);
  if (!card) throw new Error(`no card was ordered for ${caseId}`);
  return card.orderId;
};

/** An appointment that starts now: with a short grace, a no-show in a second. */
const startingNow = (): Booking['appointment'] => ({ location: 'MIC-Maastricht', startsAt: new Date().toISOString() });
const inAnHour = (): string => new Date(Date.now() + 3_600_000).toISOString();
const capture = (h: CaseHandle, captureReference: string) =>
  h.executeUpdate(caseActions['capture-biometrics'].update, { args: [{ actor: actors.ind, captureReference }] });
const shortClocks = { checkInGraceMs: 1_000, rescheduleWindowMs: 60_000 };

const scenarios: Record<string, Scenario> = {
  'eu-citizen': {
    booking: () => euBooking({ appointment: inAWeek() }),
    drive: async (h) => {
      await checkIn(h);
      await waitingOn(h, 'expat:advice');
      await registered(h);
      await h.executeUpdate(caseActions['record-advice'].update, { args: [{ actor: actors.expat, outcome: 'given' }] });
    },
    expect: { status: 'completed', brp: 'registered', advice: 'given' },
  },
  // The failing call's last error is read by a local activity while BRP is down (patch agency-last-error).
  'brp-outage-recovered': {
    booking: () => euBooking({ appointment: inAWeek() }),
    drive: async (h, sandbox) => {
      const admin = await checkInWhileBrpDown(h, sandbox);
      await eventually(async () => {
        const metadata = await h.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
        return /Last error/.test(metadata.currentDetails ?? '') ? true : undefined;
      }, 60_000);
      await admin.clearFaults();
      await registered(h);
      await adviceGiven(h);
    },
    expect: { status: 'completed', brp: 'registered', advice: 'given' },
  },
  // An operator stops a BRP call that keeps failing (patch operators-cut-failing-calls): to call again at once, or
  // to skip the step. The retry comes while BRP is still down, so Temporal's own next retry cannot race it.
  'brp-failing-retried-now': {
    booking: () => euBooking({ appointment: inAWeek() }),
    drive: async (h, sandbox) => {
      const admin = await checkInWhileBrpDown(h, sandbox);
      await h.executeUpdate(caseActions['retry-step'].update, { args: [{ actor: actors.operator, step: 'brp' }] });
      await admin.clearFaults();
      await registered(h);
      await adviceGiven(h);
    },
    expect: { status: 'completed', brp: 'registered', advice: 'given' },
  },
  'brp-failing-skipped': {
    booking: () => euBooking({ appointment: inAWeek() }),
    drive: async (h, sandbox) => {
      const admin = await checkInWhileBrpDown(h, sandbox);
      await h.executeUpdate(caseActions['skip-step'].update, {
        args: [{ actor: actors.operator, step: 'brp', reason: 'registered by hand at the municipality' }],
      });
      await admin.clearFaults();
      await adviceGiven(h);
    },
    expect: { status: 'completed', brp: 'skipped', advice: 'given' },
  },
  'household-member': {
    booking: () => euBooking({ appointment: inAWeek(), householdReference: 'HH-REPLAY-0001' }),
    drive: async (h) => {
      await checkIn(h);
      await registered(h);
      await h.executeUpdate(caseActions['record-advice'].update, { args: [{ actor: actors.expat, outcome: 'given' }] });
    },
    expect: { status: 'completed', brp: 'registered', advice: 'given' },
  },
  'vvr-highly-skilled-migrant': {
    booking: () => vvrBooking({ appointment: inAWeek() }),
    drive: async (h, sandbox) => {
      await checkIn(h);
      await waitingOn(h, 'ind:biometrics');
      await h.executeUpdate(caseActions['capture-biometrics'].update, {
        args: [{ actor: actors.ind, captureReference: 'CAP-0001' }],
      });
      const view = await registered(h);
      await waitForCase(h, (v) => stepOutcome(v, 'biometrics') === 'accepted', 'biometrics accepted');
      await sandboxAdmin(sandbox.url).decide(view.results.indApplicationNumber ?? '', 'granted');
      await waitingOn(h, 'ind:card');
      await sandboxAdmin(sandbox.url).cardReady(cardOrderOf(sandbox, h.workflowId));
      await waitingOn(h, 'desk:card-hand-over');
      await h.executeUpdate(caseActions['hand-over-card'].update, { args: [{ actor: actors.desk }] });
      await h.executeUpdate(caseActions['record-advice'].update, { args: [{ actor: actors.expat, outcome: 'given' }] });
    },
    expect: { status: 'completed', permit: 'granted', biometrics: 'accepted', card: 'handed-over', advice: 'given' },
  },
  'withdrawal-with-compensation': {
    booking: tevWithMvv,
    drive: async (h) => {
      await checkIn(h);
      await registered(h);
      await waitingOn(h, 'ind:embassy-prints');
      await h.executeUpdate(caseActions['record-embassy-prints'].update, {
        args: [{ actor: actors.ind, quality: 'usable' }],
      });
      await waitingOn(h, 'ind:card');
      await h.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.bookingSite, reason: 'job offer withdrawn' }],
      });
    },
    expect: { status: 'withdrawn', permit: 'granted', card: 'cancelled', brp: 'registered' },
  },
  'address-rejected-resolved': {
    booking: () => {
      const booking = vvrBooking({ appointment: inAWeek(), services: ['brp-registration', 'residence-permit'] });
      booking.residence.address.postcode = '9999ZZ';
      return booking;
    },
    drive: async (h) => {
      await checkIn(h);
      await waitingOn(h, 'desk:address');
      await h.executeUpdate(caseActions['resolve-address'].update, {
        args: [{ actor: actors.desk, decision: 'accept' }],
      });
      await registered(h);
      await h.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.operator, reason: 'recorded for replay' }],
      });
    },
    expect: { status: 'withdrawn', permit: 'withdrawn', brp: 'registered' },
  },
  'documents-not-supplied': {
    booking: () => vvrBooking({ appointment: inAWeek(), services: ['residence-permit'] }),
    drive: async (h, sandbox) => {
      await checkIn(h);
      await waitingOn(h, 'ind:decision');
      const dueAt = new Date(Date.now() + 1_500).toISOString();
      await h.executeUpdate(caseActions['request-documents'].update, {
        args: [{ actor: actors.ind, documents: ['diploma'], dueAt }],
      });
      const overdue = await waitForCase(h, (v) => v.steps.some((s) => s.detail === 'documents overdue'), 'overdue');
      await sandboxAdmin(sandbox.url).decide(overdue.results.indApplicationNumber ?? '', 'inadmissible', 'no diploma');
    },
    expect: { status: 'completed', permit: 'inadmissible', card: 'not-issued' },
  },
  'card-skipped-in-production': {
    booking: () => vvrBooking({ appointment: inAWeek(), services: ['residence-permit', 'biometrics'] }),
    drive: async (h, sandbox) => {
      await checkIn(h);
      await waitingOn(h, 'ind:biometrics');
      await h.executeUpdate(caseActions['capture-biometrics'].update, {
        args: [{ actor: actors.ind, captureReference: 'CAP-0002' }],
      });
      const view = await waitingOn(h, 'ind:decision');
      await sandboxAdmin(sandbox.url).decide(view.results.indApplicationNumber ?? '', 'granted');
      await waitingOn(h, 'ind:card');
      await h.executeUpdate(caseActions['skip-step'].update, {
        args: [{ actor: actors.operator, step: 'card', reason: 'recorded for replay' }],
      });
    },
    expect: { status: 'completed', permit: 'granted', card: 'skipped' },
  },
  'tev-embassy-prints-unusable': {
    booking: () =>
      vvrBooking({
        appointment: inAWeek(),
        permit: {
          route: 'tev',
          mvvIssued: true,
          indApplicationNumber: `IND-TEV-${Date.now().toString(36).toUpperCase()}`,
        },
        services: ['brp-registration', 'residence-permit'],
      }),
    drive: async (h, sandbox) => {
      await checkIn(h);
      await waitingOn(h, 'ind:embassy-prints');
      await h.executeUpdate(caseActions['record-embassy-prints'].update, {
        args: [{ actor: actors.ind, quality: 'unusable', note: 'smudged' }],
      });
      await waitingOn(h, 'ind:biometrics');
      await h.executeUpdate(caseActions['capture-biometrics'].update, {
        args: [{ actor: actors.ind, captureReference: 'CAP-0003' }],
      });
      await waitingOn(h, 'ind:card');
      await sandboxAdmin(sandbox.url).cardReady(cardOrderOf(sandbox, h.workflowId));
      await waitingOn(h, 'desk:card-hand-over');
      await h.executeUpdate(caseActions['hand-over-card'].update, { args: [{ actor: actors.desk }] });
    },
    expect: { status: 'completed', permit: 'granted', biometrics: 'accepted', card: 'handed-over', brp: 'registered' },
  },
  'sponsor-filed-term-extended-refused': {
    before: async (sandbox) => {
      const res = await fetch(`${sandbox.url}/_admin/ind/applications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          applicationNumber: sponsorFiledNumber,
          purpose: 'highly-skilled-migrant',
          sponsorNumber: 'RS-100234',
          receivedAt: new Date(Date.now() - 20 * day).toISOString(),
        }),
      });
      if (res.status !== 201) throw new Error(`the sponsor's filing answered ${res.status}`);
    },
    booking: () =>
      vvrBooking({
        appointment: inAWeek(),
        permit: { route: 'vvr', indApplicationNumber: sponsorFiledNumber },
        services: ['residence-permit', 'biometrics'],
      }),
    drive: async (h, sandbox) => {
      await waitingOn(h, 'desk:check-in');
      await h.executeUpdate(caseActions['check-in'].update, {
        args: [{ actor: actors.desk, identity: 'verified', note: 'came with an interpreter' }],
      });
      // IND extends a running term only: the term starts once the case has linked the sponsor's application.
      await waitForCase(
        h,
        (v) => v.deadlines.some((t) => t.name === legalTermDeadline && t.state === 'running'),
        'the legal term running',
      );
      await h.executeUpdate(caseActions['extend-decision-term'].update, {
        args: [{ actor: actors.ind, days: 30, reason: 'recorded for replay' }],
      });
      await waitingOn(h, 'ind:biometrics');
      await h.executeUpdate(caseActions['capture-biometrics'].update, {
        args: [{ actor: actors.ind, captureReference: 'CAP-0004' }],
      });
      await waitForCase(h, (v) => stepOutcome(v, 'biometrics') === 'accepted', 'biometrics accepted');
      await sandboxAdmin(sandbox.url).decide(sponsorFiledNumber, 'refused', 'recorded for replay');
    },
    expect: { status: 'completed', permit: 'refused', biometrics: 'accepted', card: 'not-issued' },
  },
  // IND ends what the case waits for without the case asking (patch polled-end-to-operator): an operator skips.
  'application-withdrawn-at-ind': {
    booking: () => vvrBooking({ appointment: inAWeek(), services: ['residence-permit'] }),
    drive: async (h, sandbox) => {
      await checkIn(h);
      const view = await waitingOn(h, 'ind:decision');
      sandbox.state.applications.get(view.results.indApplicationNumber ?? '')!.status = 'withdrawn';
      await waitingOn(h, 'operator:permit');
      await h.executeUpdate(caseActions['skip-step'].update, {
        args: [{ actor: actors.operator, step: 'permit', reason: 'recorded for replay' }],
      });
    },
    expect: { status: 'completed', permit: 'skipped' },
  },
  'card-cancelled-at-ind': {
    booking: () => vvrBooking({ appointment: inAWeek(), services: ['residence-permit', 'biometrics'] }),
    drive: async (h, sandbox) => {
      await checkIn(h);
      await waitingOn(h, 'ind:biometrics');
      await capture(h, 'CAP-0003');
      const view = await waitingOn(h, 'ind:decision');
      await sandboxAdmin(sandbox.url).decide(view.results.indApplicationNumber ?? '', 'granted');
      await waitingOn(h, 'ind:card');
      sandbox.state.cards.get(cardOrderOf(sandbox, h.workflowId))!.status = 'cancelled';
      await waitingOn(h, 'operator:card');
      await h.executeUpdate(caseActions['skip-step'].update, {
        args: [{ actor: actors.operator, step: 'card', reason: 'recorded for replay' }],
      });
    },
    expect: { status: 'completed', permit: 'granted', card: 'skipped' },
  },
  // IND's decision as the API delivers it since the call-back became an Update (indDecisionCallBack).
  'decided-by-call-back-update': {
    booking: () => vvrBooking({ appointment: inAWeek(), services: ['residence-permit'] }),
    drive: async (h) => {
      await checkIn(h);
      const view = await waitingOn(h, 'ind:decision');
      const applicationNumber = view.results.indApplicationNumber ?? '';
      await h.executeUpdate(indDecisionUpdate, {
        args: [{ applicationNumber, decision: 'refused', reason: 'recorded for replay' }],
        updateId: `ind-decision:${applicationNumber}:refused`,
      });
    },
    expect: { status: 'completed', permit: 'refused' },
  },
  'poll-not-found-settled-by-officer': {
    booking: () => vvrBooking({ appointment: inAWeek(), services: ['residence-permit'] }),
    drive: async (h, sandbox) => {
      await checkIn(h);
      const view = await waitingOn(h, 'ind:decision');
      sandbox.state.applications.delete(view.results.indApplicationNumber ?? '');
      await waitingOn(h, 'operator:permit');
      await h.executeUpdate(caseActions['record-permit-decision'].update, {
        args: [{ actor: actors.ind, decision: 'refused', reason: 'recorded for replay' }],
      });
    },
    expect: { status: 'completed', permit: 'refused', card: 'not-issued' },
  },
};

// Recorded since the loose ends of issue 12: a no-show, a reschedule and a return visit need short clocks.
Object.assign(scenarios, {
  'no-show-closed': {
    booking: () => vvrBooking({ appointment: startingNow(), services: ['residence-permit', 'biometrics'] }),
    drive: async (h) => {
      await waitForCase(h, (v) => v.status !== 'open', 'closed as a no-show', 60_000);
    },
    expect: { status: 'closed-no-show', 'check-in': 'no-show', permit: 'withdrawn', card: 'not-possible' },
    settings: { checkInGraceMs: 1_000, rescheduleWindowMs: 2_000 },
  },
  'no-show-rescheduled': {
    booking: () => euBooking({ appointment: startingNow() }),
    drive: async (h) => {
      await waitingOn(h, 'booking-site:reschedule');
      await h.executeUpdate(caseActions.reschedule.update, {
        args: [{ actor: actors.bookingSite, startsAt: inAnHour() }],
      });
      await checkIn(h);
      await registered(h);
      await h.executeUpdate(caseActions['record-advice'].update, { args: [{ actor: actors.expat, outcome: 'given' }] });
    },
    expect: { status: 'completed', 'check-in': 'verified', brp: 'registered', advice: 'given' },
    settings: shortClocks,
  },
  'return-visit-retake': {
    booking: () => vvrBooking({ appointment: inAWeek(), services: ['residence-permit', 'biometrics'] }),
    drive: async (h, sandbox) => {
      await checkIn(h);
      await waitingOn(h, 'ind:biometrics');
      await capture(h, 'CAP-BLURRY-0005');
      await waitForCase(h, (v) => v.steps.some((s) => s.detail === 'retake needed'), 'a retake needed');
      const visit = (startsAt: string) =>
        h.executeUpdate(caseActions['schedule-visit'].update, {
          args: [{ actor: actors.bookingSite, purpose: 'biometrics-retake', startsAt }],
        });
      await visit(new Date(Date.now() + 1_000).toISOString());
      await waitForCase(h, (v) => v.returnVisit?.state === 'missed', 'the visit missed');
      await visit(inAnHour());
      await capture(h, 'CAP-0006');
      const view = await waitForCase(h, (v) => v.returnVisit?.state === 'done', 'the visit served');
      await sandboxAdmin(sandbox.url).decide(view.results.indApplicationNumber ?? '', 'granted');
      await waitingOn(h, 'ind:card');
      await sandboxAdmin(sandbox.url).cardReady(cardOrderOf(sandbox, h.workflowId));
      await waitingOn(h, 'desk:card-hand-over');
      await h.executeUpdate(caseActions['hand-over-card'].update, { args: [{ actor: actors.desk }] });
    },
    expect: { status: 'completed', permit: 'granted', biometrics: 'accepted', card: 'handed-over' },
    settings: shortClocks,
  },
  'refused-after-registration': {
    booking: () =>
      vvrBooking({ appointment: inAWeek(), services: ['brp-registration', 'residence-permit', 'biometrics'] }),
    drive: async (h, sandbox) => {
      await checkIn(h);
      const view = await registered(h);
      await sandboxAdmin(sandbox.url).decide(view.results.indApplicationNumber ?? '', 'refused', 'recorded for replay');
    },
    expect: { status: 'completed', permit: 'refused', brp: 'registered', biometrics: 'not-needed', card: 'not-issued' },
  },
} satisfies Record<string, Scenario>);

// Recorded since patch decision-ends-overdue-report: IND refuses to hear of overdue documents, an officer decides.
Object.assign(scenarios, {
  'overdue-report-settled-by-officer': {
    booking: () => vvrBooking({ appointment: inAWeek(), services: ['residence-permit', 'biometrics'] }),
    drive: async (h, sandbox) => {
      const admin = sandboxAdmin(sandbox.url);
      await checkIn(h);
      await waitingOn(h, 'ind:decision');
      const overdueCall = '^POST /ind/applications/[^/]+/documents-overdue$';
      await admin.faults({ agency: 'ind', answer: { status: 404, call: overdueCall } });
      try {
        const dueAt = new Date(Date.now() + 1_500).toISOString();
        await h.executeUpdate(caseActions['request-documents'].update, {
          args: [{ actor: actors.ind, documents: ['diploma'], dueAt }],
        });
        await waitingOn(h, 'operator:permit');
      } finally {
        await admin.clearFaults();
      }
      await h.executeUpdate(caseActions['record-permit-decision'].update, {
        args: [{ actor: actors.ind, decision: 'inadmissible', reason: 'recorded for replay' }],
      });
    },
    expect: { status: 'completed', permit: 'inadmissible', biometrics: 'not-needed', card: 'not-issued' },
  },
  // Since patch tev-grant-from-ind: the TEV number of an MVV that IND holds as refused is not taken for a grant.
  'tev-number-not-granted': {
    before: async (sandbox) => {
      const admin = sandboxAdmin(sandbox.url);
      const res = await fetch(`${sandbox.url}/_admin/ind/applications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          applicationNumber: refusedTevNumber,
          purpose: 'highly-skilled-migrant',
          sponsorNumber: 'RS-100234',
        }),
      });
      if (res.status !== 201) throw new Error(`the refused TEV application: ${res.status} ${await res.text()}`);
      await admin.decide(refusedTevNumber, 'refused', 'recorded for replay');
    },
    booking: () =>
      vvrBooking({
        appointment: inAWeek(),
        permit: { route: 'tev', mvvIssued: true, indApplicationNumber: refusedTevNumber },
        services: ['residence-permit'],
      }),
    drive: async (h) => {
      await checkIn(h);
    },
    expect: { status: 'completed', permit: 'not-possible', card: 'not-issued' },
  },
} satisfies Record<string, Scenario>);

// Since patch operators-cut-the-filing: an operator stops IND's failing filing of the application, also while the
// case is being withdrawn (the filing survives a withdrawal, so that its undo knows the number).
const indFilingDown = { agency: 'ind' as const, answer: { status: 500 as const, call: '^POST /ind/applications$' } };
const skipFailingFiling = async (h: CaseHandle, sandbox: StartedSandbox, before?: () => Promise<void>) => {
  const admin = sandboxAdmin(sandbox.url);
  await admin.faults(indFilingDown);
  try {
    await waitForCase(h, (v) => v.agencyRetrying.includes('ind'), 'AgencyRetrying=ind');
    await before?.();
    await h.executeUpdate(caseActions['skip-step'].update, {
      args: [{ actor: actors.operator, step: 'permit', reason: 'recorded for replay' }],
    });
  } finally {
    await admin.clearFaults();
  }
};
Object.assign(scenarios, {
  'ind-filing-failing-skipped': {
    booking: () => vvrBooking({ appointment: inAWeek(), services: ['residence-permit'] }),
    drive: async (h, sandbox) => {
      await skipFailingFiling(h, sandbox);
      await checkIn(h);
    },
    expect: { status: 'completed', permit: 'skipped' },
  },
  'withdrawn-while-ind-filing-fails': {
    booking: () => vvrBooking({ appointment: inAWeek(), services: ['residence-permit'] }),
    drive: async (h, sandbox) => {
      await skipFailingFiling(h, sandbox, async () => {
        await h.executeUpdate(caseActions.withdraw.update, {
          args: [{ actor: actors.bookingSite, reason: 'recorded for replay' }],
        });
      });
    },
    expect: { status: 'withdrawn', permit: 'skipped' },
  },
} satisfies Record<string, Scenario>);

const refusedTevNumber = `IND-TEV-R${Date.now().toString(36).toUpperCase()}`;

const day = 86_400_000;
const sponsorFiledNumber = `IND-SPONSOR-${Date.now().toString(36).toUpperCase()}`;

/** Drives every scenario to its end and returns each history as proto3 JSON, keyed by scenario name. */
async function record(only: readonly string[]): Promise<Map<string, string>> {
  const histories = new Map<string, string>();
  await startHarness();
  const sandbox = await startSandbox();
  try {
    for (const [name, scenario] of Object.entries(scenarios)) {
      if (only.length > 0 && !only.includes(name)) continue;
      // Each scenario on its own workers, with the clocks it needs (the deployment's settings are read at case start).
      const taskQueue = uniqueTaskQueue('record-histories');
      const workers = await caseWorkers(taskQueue, {
        sandboxUrl: sandbox.url,
        ...(scenario.settings ? { settings: testSettings(scenario.settings) } : {}),
      });
      await workers.runUntil(async () => {
        await scenario.before?.(sandbox);
        const handle = await bookAsTheApiDoes(taskQueue, scenario.booking());
        await scenario.drive(handle, sandbox);
        const result = await handle.result();
        const seen: Record<string, string | undefined> = { status: result.status };
        for (const step of result.steps) seen[step.name] = step.outcome;
        for (const [key, want] of Object.entries(scenario.expect)) {
          if (seen[key] !== want) throw new Error(`${name}: ${key} is ${String(seen[key])}, expected ${want}`);
        }
        // historyToJSON writes the proto3 JSON of `temporal workflow show -o json`, which historyFromJSON reads; a
        // plain JSON.stringify of the History object writes timestamps as {seconds, nanos}, which it rejects.
        // Re-serialised without its indentation: a third smaller, and nobody edits a recorded history by hand.
        histories.set(name, JSON.stringify(JSON.parse(historyToJSON(await handle.fetchHistory()))));
      });
    }
  } finally {
    await sandbox.close();
    await stopHarness();
  }
  return histories;
}

async function main(): Promise<void> {
  const [label, ...only] = process.argv.slice(2);
  const unknown = only.filter((name) => !(name in scenarios));
  if (unknown.length > 0)
    throw new Error(`no scenario ${unknown.join(', ')}; there are ${Object.keys(scenarios).join(', ')}`);
  if (label !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(label)) {
    throw new Error(`label "${label}": use lower-case letters, digits and dashes, such as 2027-03-card-retry`);
  }
  const fileOf = (name: string) => path.join(historiesDir, label ? `${name}.${label}.json` : `${name}.json`);
  const taken = (only.length > 0 ? only : Object.keys(scenarios)).map(fileOf).filter((file) => fs.existsSync(file));
  if (taken.length > 0) {
    throw new Error(`${taken.join(', ')} exist already: pass a new label to record next to them, never over them`);
  }
  // Written only once every scenario has finished, so a failed run leaves no half-recorded set behind.
  const histories = await record(only);
  fs.mkdirSync(historiesDir, { recursive: true });
  for (const [name, json] of histories) {
    const file = fileOf(name);
    fs.writeFileSync(file, `${json}\n`);
    console.log(`${path.relative(process.cwd(), file)}: ${Math.round(json.length / 1024)} KB`);
  }
}

main().catch((err: unknown) => {
  // An Update's refusal is in its cause: the validator's reason, and the scenario's line is in the stack.
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  console.error(err instanceof Error ? `${err.message}${cause}\n${err.stack ?? ''}` : err);
  process.exit(1);
});

/** Starts a case as `api/case-service.ts` does: update-with-start of `caseOpened`, with the booking site's id. */
async function bookAsTheApiDoes(taskQueue: string, booking: Booking): Promise<CaseHandle> {
  const startWorkflowOperation = new WithStartWorkflowOperation(newcomerCaseWorkflow, {
    taskQueue,
    workflowId: caseWorkflowId(booking.bookingReference),
    args: [{ booking, bookedBy: actors.bookingSite.id }],
    ...caseStartMetadata(booking),
    workflowIdConflictPolicy: 'FAIL',
  });
  await temporal().client.workflow.executeUpdateWithStart(caseOpenedUpdate, { startWorkflowOperation });
  return startWorkflowOperation.workflowHandle();
}
