import type { Activities } from '../activities';

/** `90 d`, `2 d 4 h`, `35 min`, `5 s`: the two largest units of a duration, for people reading the Temporal UI. */
export function readableDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ];
  const whole = Math.max(0, Math.round(ms));
  const first = units.findIndex(([, size]) => whole >= size);
  if (first < 0) return `${whole} ms`;
  const [unit, size] = units[first]!;
  const parts = [`${Math.floor(whole / size)} ${unit}`];
  const next = units[first + 1];
  const rest = next ? Math.floor((whole % size) / next[1]) : 0;
  if (next && rest > 0) parts.push(`${rest} ${next[0]}`);
  return parts.join(' ');
}

type Summaries = { [K in keyof Activities]: (input: Parameters<Activities[K]>[0]) => string };

/**
 * What each activity does, in the words the Temporal UI shows on its timeline instead of the function name. Never
 * personal data (the summaries are stored with the commands): a municipality code, a milestone, no name or address.
 * The mapped type makes a new activity fail to compile until it has its summary here.
 */
export const activitySummaries: Summaries = {
  registerInBrp: (i) => `Register at BRP ${i.municipalityCode}`,
  lookUpBrpRegistration: (i) => `Look up the registration at BRP ${i.municipalityCode}`,
  reportResidenceDecisionToBrp: (i) => `Tell BRP ${i.municipalityCode} of IND's decision: ${i.decision}`,
  checkSponsorRecognised: () => "Check the sponsor in IND's register",
  linkPermitApplication: (i) =>
    i.applicationNumber ? 'Link the permit application at IND' : 'File the permit application at IND',
  lookUpPermitApplication: () => 'Look up the permit application at IND',
  awaitPermitDecision: () => 'Ask IND for the decision',
  reportDocumentsOverdue: () => 'Tell IND the requested documents are overdue',
  withdrawPermitApplication: () => 'Withdraw the permit application at IND',
  submitBiometrics: () => 'Submit the biometrics capture to IND',
  orderResidenceCard: () => 'Order the residence card at IND',
  awaitResidenceCardReady: () => 'Ask IND whether the card is ready',
  cancelResidenceCard: () => 'Cancel the residence card order at IND',
  issueReturnVisa: () => 'Issue the return visa at IND',
  notifyNewcomer: (i) => `E-mail the newcomer: ${i.milestone}`,
};

/**
 * The activity stubs of a proxy, each call carrying its summary (`executeWithOptions` merges it into the proxy's
 * options). Only the user metadata of the command changes: the same activities, in the same order.
 */
export function summarised<A extends object>(proxy: A): A {
  return new Proxy(proxy, {
    get(target, name) {
      const stub = Reflect.get(target, name) as {
        (...args: unknown[]): Promise<unknown>;
        executeWithOptions(options: { summary: string }, args: unknown[]): Promise<unknown>;
      };
      const summary = (activitySummaries as Record<string | symbol, ((input: never) => string) | undefined>)[name];
      if (typeof name !== 'string' || summary === undefined) return stub;
      return (...args: unknown[]) => stub.executeWithOptions({ summary: summary(args[0] as never) }, args);
    },
  });
}

/** The case's clocks (`runDeadline` names) as the timeline reads them. */
const deadlineLabels: Record<string, string> = {
  'ind-decision-legal-term': 'IND legal term',
  'ind-decision-sponsor-target': 'IND sponsor target',
  'bsn-service-norm': 'BSN service norm',
  'card-ready-service-norm': 'Card ready norm',
  'card-collection-reminder': 'Card collection reminder',
  'card-collection': 'Card collection escalation',
  'check-in': 'Check-in by the appointment + grace',
  'reschedule-after-no-show': 'Reschedule window after the no-show',
  'return-visit': 'Return visit by its start + grace',
};

export function deadlineLabel(name: string): string {
  return deadlineLabels[name] ?? name;
}

/** A timer's summary: `IND legal term 90 d`. */
export function deadlineSummary(name: string, ms: number): string {
  return `${deadlineLabel(name)} ${readableDuration(ms)}`;
}
