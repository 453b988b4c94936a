import { nowIso, type SandboxContext } from './context';
import { AgencyProblem } from './problem';
import type { Application, CardOrder, Decision } from './state';

// What IND does on its own time, deciding applications and finishing cards, each followed by a call-back.

export function findApplication(ctx: SandboxContext, number: string): Application {
  const application = ctx.state.applications.get(number);
  if (!application) throw new AgencyProblem(404, 'application-not-found', `No application ${number}.`);
  return application;
}

export function findCard(ctx: SandboxContext, orderId: string): CardOrder {
  const order = ctx.state.cards.get(orderId);
  if (!order) throw new AgencyProblem(404, 'card-order-not-found', `No card order ${orderId}.`);
  return order;
}

export function decideApplication(
  ctx: SandboxContext,
  application: Application,
  decision: Decision,
  reason?: string,
): void {
  if (application.status !== 'pending') {
    throw new AgencyProblem(
      409,
      'not-pending',
      `Application ${application.applicationNumber} is ${application.status}, not pending.`,
    );
  }
  application.status = decision;
  application.decidedAt = nowIso();
  if (reason) application.reason = reason;
  ctx.callbacks.send(application.callbackUrl ?? ctx.options.callbackUrl, {
    event: 'decision',
    caseRef: application.caseRef,
    applicationNumber: application.applicationNumber,
    decision,
    decidedAt: application.decidedAt,
    ...(reason ? { reason } : {}),
  });
}

export function markCardReady(ctx: SandboxContext, order: CardOrder): void {
  if (order.status !== 'in-production') {
    throw new AgencyProblem(409, 'not-in-production', `Card order ${order.orderId} is ${order.status}.`);
  }
  order.status = 'ready';
  order.readyAt = nowIso();
  ctx.callbacks.send(order.callbackUrl ?? ctx.options.callbackUrl, {
    event: 'card-ready',
    caseRef: order.caseRef,
    orderId: order.orderId,
    applicationNumber: order.applicationNumber,
    readyAt: order.readyAt,
  });
}

/** Grants the application SANDBOX_DECISION_DELAY_MS after filing, unless it was decided or withdrawn meanwhile. */
export function scheduleDecision(ctx: SandboxContext, application: Application): void {
  if (ctx.options.decisionDelayMs <= 0) return;
  ctx.scheduler.after(remainingMs(application.filedAt, ctx.options.decisionDelayMs), () => {
    if (application.status !== 'pending' || application.documentsOverdue) return;
    decideApplication(ctx, application, 'granted');
    ctx.store.changed();
  });
}

/** Declares the application inadmissible SANDBOX_DECISION_DELAY_MS after its documents were reported overdue. */
export function scheduleInadmissibility(ctx: SandboxContext, application: Application): void {
  if (ctx.options.decisionDelayMs <= 0) return;
  ctx.scheduler.after(ctx.options.decisionDelayMs, () => {
    if (application.status !== 'pending') return;
    decideApplication(ctx, application, 'inadmissible', 'the requested documents did not arrive by the due date');
    ctx.store.changed();
  });
}

/** Finishes the card SANDBOX_CARD_READY_DELAY_MS after ordering, unless it was cancelled meanwhile. */
export function scheduleCardReady(ctx: SandboxContext, order: CardOrder): void {
  if (ctx.options.cardReadyDelayMs <= 0) return;
  ctx.scheduler.after(remainingMs(order.orderedAt, ctx.options.cardReadyDelayMs), () => {
    if (order.status !== 'in-production') return;
    markCardReady(ctx, order);
    ctx.store.changed();
  });
}

/**
 * Sets the timers of a state loaded from a file again: each counts from the filing or order, so what fell due
 * while the sandbox was down happens at once.
 */
export function resumeIndLifecycle(ctx: SandboxContext): void {
  for (const application of ctx.state.applications.values()) {
    if (application.status === 'pending') scheduleDecision(ctx, application);
    if (application.status === 'pending' && application.documentsOverdue) scheduleInadmissibility(ctx, application);
  }
  for (const order of ctx.state.cards.values()) {
    if (order.status === 'in-production') scheduleCardReady(ctx, order);
  }
}

/** What is left of `delayMs` counted from `since` (an ISO date-time); 0 when it has passed. */
function remainingMs(since: string, delayMs: number): number {
  return Math.max(0, Date.parse(since) + delayMs - Date.now());
}
