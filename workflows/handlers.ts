import { setHandler } from '@temporalio/workflow';
import type { CaseState } from './case-state';
import * as d from './definitions';
import type { Notifier } from './notifications';
import { decidePermit } from './steps/permit';

/** A validator's refusal: the message is what the officer reads (the API answers it as a 409). */
class NotNow extends Error {
  override readonly name = 'NotNow';
}

function must(condition: boolean, reason: string): void {
  if (!condition) throw new NotNow(reason);
}

function requireOpen(c: CaseState): void {
  must(c.open && c.ending === undefined, `the case is ${c.ending ?? c.status}; it takes no more actions`);
}

function requireWaiting(c: CaseState, step: d.StepName, waitingOn: string, what: string): void {
  requireOpen(c);
  const s = c.step(step);
  must(
    s.state === 'waiting' && s.waitingOn === waitingOn,
    `${what} is not possible now: the ${step} step is ${s.state}${s.outcome ? ` (${s.outcome})` : ''}${s.waitingOn ? `, waiting on ${s.waitingOn}` : ''}`,
  );
}

/** Officers' updates (validated, audited), agencies' call-backs and the status query. */
export function registerHandlers(c: CaseState, notifier: () => Notifier): void {
  const accept =
    <T extends { actor: d.Actor }>(action: string, apply: (r: T) => string | void) =>
    (r: T) => {
      const detail = apply(r);
      c.record(r.actor, action, detail || undefined);
      c.sync();
      return c.view();
    };

  setHandler(d.caseStatusQuery, () => c.view());
  setHandler(d.caseBookingQuery, () => c.booking);

  setHandler(
    d.checkInUpdate,
    accept('check-in', (r: d.CheckInRequest) => {
      c.checkIn = r.identity;
      return r.identity;
    }),
    {
      validator: (_r) => {
        requireOpen(c);
        must(c.checkIn !== 'no-show', 'the newcomer was a no-show; the booking site must reschedule first');
        requireWaiting(c, 'check-in', 'desk:check-in', 'check-in');
      },
    },
  );
  setHandler(
    d.resolveIdentityUpdate,
    accept('resolve-identity', (r: d.ResolveIdentityRequest) => {
      c.checkIn = r.identity === 'verified' ? 'verified' : 'not-verified';
      return r.identity;
    }),
    { validator: (_r) => requireWaiting(c, 'check-in', 'desk:identity', 'resolving the identity') },
  );
  setHandler(
    d.resolveAddressUpdate,
    accept('resolve-address', (r: d.ResolveAddressRequest) => {
      c.addressDecision = r.decision;
      return r.decision;
    }),
    { validator: (_r) => requireWaiting(c, 'brp', 'desk:address', 'resolving the address') },
  );
  setHandler(
    d.captureBiometricsUpdate,
    accept('capture-biometrics', (r: d.CaptureBiometricsRequest) => {
      c.biometrics.seen.add(r.captureReference);
      c.biometrics = { ...c.biometrics, captureReference: r.captureReference, result: undefined };
      return r.captureReference;
    }),
    {
      validator: (r: d.CaptureBiometricsRequest) => {
        requireWaiting(c, 'biometrics', 'ind:biometrics', 'capturing biometrics');
        must(!c.biometrics.seen.has(r.captureReference), `capture ${r.captureReference} was already submitted`);
      },
    },
  );
  setHandler(
    d.recordBiometricsQualityUpdate,
    accept('record-biometrics-quality', (r: d.BiometricsQualityRequest) => {
      c.biometrics.result = r.result;
      return r.result;
    }),
    {
      validator: (r: d.BiometricsQualityRequest) => {
        requireOpen(c);
        must(
          c.biometrics.captureReference === r.captureReference,
          `capture ${r.captureReference} is not the current one`,
        );
        must(c.card.orderId === undefined, 'the card is already ordered with these biometrics');
      },
    },
  );
  setHandler(
    d.recordPermitDecisionUpdate,
    (r) => {
      decidePermit(c, r.decision, r.actor, 'recorded by an IND officer');
      return c.view();
    },
    {
      validator: (_r) => {
        requireOpen(c);
        must(c.permit.status === 'pending', `there is no pending permit application (it is ${c.permit.status})`);
      },
    },
  );
  setHandler(
    d.requestDocumentsUpdate,
    accept('request-documents', (r: d.RequestDocumentsRequest) => {
      const dueAt = r.dueAt ?? new Date(Date.now() + c.settings.documentsTermMs).toISOString();
      c.permit = { ...c.permit, documentsDueAt: dueAt };
      notifier().send('documents-requested', { documents: r.documents.join(', '), dueAt });
      return `${r.documents.join(', ')} due ${dueAt}`;
    }),
    {
      validator: (r: d.RequestDocumentsRequest) => {
        requireOpen(c);
        must(c.permit.status === 'pending', `there is no pending permit application (it is ${c.permit.status})`);
        must(c.permit.documentsDueAt === undefined, `documents are already requested, due ${c.permit.documentsDueAt}`);
        must(r.documents.length > 0, 'name at least one document');
        must(r.dueAt === undefined || Date.parse(r.dueAt) > Date.now(), 'the due date must be in the future');
      },
    },
  );
  setHandler(
    d.documentsSuppliedUpdate,
    accept('documents-supplied', () => {
      c.permit = { ...c.permit, documentsDueAt: undefined };
    }),
    {
      validator: (_r) => {
        requireOpen(c);
        must(c.permit.documentsDueAt !== undefined, 'no documents are requested');
      },
    },
  );
  setHandler(
    d.decideReturnVisaUpdate,
    accept('decide-return-visa', (r: d.DecideReturnVisaRequest) => {
      c.returnVisaDecision = r.decision;
      return r.decision;
    }),
    { validator: (_r) => requireWaiting(c, 'return-visa', 'ind:return-visa', 'deciding the return visa') },
  );
  setHandler(
    d.handOverCardUpdate,
    accept('hand-over-card', () => {
      c.card.handedOver = true;
    }),
    {
      validator: (_r) => {
        requireOpen(c);
        const s = c.step('card');
        must(
          c.card.ready &&
            s.state === 'waiting' &&
            (s.waitingOn === 'desk:card-hand-over' || s.waitingOn === 'operator:card'),
          c.card.ready ? 'the card was already handed over' : 'the card is not ready for pick-up yet',
        );
      },
    },
  );
  setHandler(
    d.recordAdviceUpdate,
    accept('record-advice', (r: d.RecordAdviceRequest) => {
      c.advice = r.outcome;
      return r.outcome;
    }),
    { validator: (_r) => requireWaiting(c, 'advice', 'expat:advice', 'recording advice') },
  );
  setHandler(
    d.rescheduleUpdate,
    accept('reschedule', (r: d.RescheduleRequest) => {
      c.appointment = { location: r.location ?? c.appointment.location, startsAt: r.startsAt };
      c.appointmentVersion += 1;
      return `to ${r.startsAt}`;
    }),
    {
      validator: (r: d.RescheduleRequest) => {
        requireOpen(c);
        must(c.checkIn === 'pending' || c.checkIn === 'no-show', 'the newcomer has already checked in');
        must(Date.parse(r.startsAt) > Date.now(), 'the new appointment must be in the future');
      },
    },
  );
  setHandler(
    d.withdrawUpdate,
    accept('withdraw', (r: d.WithdrawRequest) => {
      c.ending = 'withdrawn';
      c.outcome = 'withdrawal in progress: undoing what can be undone';
      return r.reason;
    }),
    { validator: (_r) => requireOpen(c) },
  );
  setHandler(
    d.retryStepUpdate,
    accept('retry-step', (r: d.RetryStepRequest) => {
      c.retryRequests.add(r.step);
      return r.step;
    }),
    {
      validator: (r: d.RetryStepRequest) => {
        must(c.open, `the case is ${c.status}; it takes no more actions`);
        must(
          c.retryable.has(r.step),
          `the ${r.step} step is not waiting on an operator; Temporal retries failing agency calls by itself`,
        );
      },
    },
  );
  setHandler(
    d.skipStepUpdate,
    accept('skip-step', (r: d.SkipStepRequest) => {
      c.skipRequests.set(r.step, `skipped by ${r.actor.id}: ${r.reason}`);
      return `${r.step}: ${r.reason}`;
    }),
    {
      validator: (r: d.SkipStepRequest) => {
        requireOpen(c);
        const s = c.step(r.step);
        must(s.state !== 'done' && s.state !== 'not-wanted', `the ${r.step} step is already ${s.outcome ?? s.state}`);
        must(r.reason.trim().length > 0, 'give a reason for skipping');
      },
    },
  );

  const agency: d.Actor = { id: 'ind', role: 'agency' };
  setHandler(d.indDecisionSignal, (e) => {
    if (e.applicationNumber === c.permit.applicationNumber) decidePermit(c, e.decision, agency, 'call-back');
    else if (c.permit.applicationNumber === undefined) c.earlyDecisions.set(e.applicationNumber, e.decision);
  });
  setHandler(d.cardReadySignal, (e) => {
    if (e.orderId !== c.card.orderId || c.card.ready) return;
    c.card.ready = true;
    c.record(agency, 'card-ready', e.orderId);
    c.sync();
  });
  setHandler(d.biometricsQualitySignal, (e) => {
    if (e.captureReference !== c.biometrics.captureReference || c.biometrics.result === e.result) return;
    if (c.card.orderId !== undefined) return;
    c.biometrics.result = e.result;
    c.record(agency, 'biometrics-quality', e.result);
    c.sync();
  });
}
