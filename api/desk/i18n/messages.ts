import type { ActionName } from '../../../workflows/actions';
import type { Role, StepName } from '../../../workflows/definitions';

export type Labels = Record<string, string>;

/** The console's words in one language. Every language fills all of it: a missing label is a compile error. */
export interface Messages {
  appName: string;
  skipToContent: string;
  signIn: string;
  signInTitle: string;
  signInDev: string;
  signInDevHint: string;
  signInOidc: string;
  signInNone: string;
  signOut: string;
  sessionEnded: string;
  signedInAs: (actor: string, role: string) => string;
  otherLanguage: string;
  dayList: string;
  date: string;
  location: string;
  show: string;
  filter: string;
  filters: Record<'all' | 'mine' | 'problems', string>;
  lastUpdated: (time: string) => string;
  noAppointments: string;
  time: string;
  newcomer: string;
  caseCol: string;
  waitsOn: string;
  turn: string;
  status: string;
  nothing: string;
  problem: string;
  backToDayList: string;
  appointment: string;
  returnVisit: string;
  nextSteps: string;
  noNextSteps: string;
  otherActions: string;
  readOnly: string;
  closed: string;
  steps: string;
  deadlines: string;
  due: string;
  results: string;
  noResults: string;
  bsnHidden: string;
  audit: string;
  at: string;
  who: string;
  what: string;
  reason: string;
  note: string;
  household: string;
  noHousehold: string;
  submit: string;
  optional: string;
  onePerLine: string;
  reasonHint: string;
  done: (action: string) => string;
  notNow: string;
  invalid: string;
  unprocessable: string;
  unavailable: string;
  errorTitle: string;
  requestId: string;
  roles: Record<Role, string>;
  turns: Labels;
  waits: Labels;
  stepNames: Labels;
  stepStates: Labels;
  /** A step's outcome, as the workflow finishes it (`handed-over`, `registered`, ...). */
  outcomes: Labels;
  statuses: Labels;
  deadlineNames: Labels;
  deadlineStates: Labels;
  visitStates: Labels;
  /** What the audit trail records besides the officers' actions: agencies' answers and the case's own events. */
  events: Labels;
  actions: Record<ActionName, string>;
  fields: Labels;
  values: Labels;
  resultNames: Labels;
}

/** `operator:<step>`: an agency call of the step kept failing, or the agency refused it, and an operator acts. */
export const operatorWaits = (steps: Record<StepName, string>, prefix: string): Labels =>
  Object.fromEntries(Object.entries(steps).map(([step, name]) => [`operator:${step}`, `${prefix}${name}`]));
