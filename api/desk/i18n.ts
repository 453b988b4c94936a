import type { ActionName } from '../../workflows/actions';
import type { Role, StepName } from '../../workflows/definitions';

export const languages = ['nl', 'en'] as const;
export type Lang = (typeof languages)[number];

export const isLang = (value: unknown): value is Lang => value === 'nl' || value === 'en';

/** The language of a request without a chosen one: the first of ours the browser names, else Dutch. */
export function langOf(acceptLanguage: string | undefined): Lang {
  for (const tag of (acceptLanguage ?? '').split(',')) {
    const primary = tag.trim().slice(0, 2).toLowerCase();
    if (isLang(primary)) return primary;
  }
  return 'nl';
}

type Labels = Record<string, string>;

interface Messages {
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

const enStepNames: Record<StepName, string> = {
  eligibility: 'Eligibility',
  permit: 'Residence permit',
  'check-in': 'Check-in',
  brp: 'BRP registration',
  biometrics: 'Biometrics',
  card: 'Residence card',
  'return-visa': 'Return visa',
  advice: 'Advice',
};

const nlStepNames: Record<StepName, string> = {
  eligibility: 'Toelaatbaarheid',
  permit: 'Verblijfsvergunning',
  'check-in': 'Aanmelding',
  brp: 'Inschrijving BRP',
  biometrics: 'Biometrie',
  card: 'Verblijfsdocument',
  'return-visa': 'Terugkeervisum',
  advice: 'Advies',
};

/** `operator:<step>`: an agency call of the step kept failing, or the agency refused it, and an operator acts. */
const operatorWaits = (steps: Record<StepName, string>, prefix: string): Labels =>
  Object.fromEntries(Object.entries(steps).map(([step, name]) => [`operator:${step}`, `${prefix}${name}`]));

const en: Messages = {
  appName: 'One-stop desk',
  skipToContent: 'Skip to content',
  signIn: 'Sign in',
  signInTitle: 'Sign in to the desk console',
  signInDev: 'Development sign-in',
  signInDevHint: 'Only in development: pick the role to work in.',
  signInOidc: 'Sign in with your organisation account',
  signInNone: 'No sign-in is configured for this console.',
  signOut: 'Sign out',
  sessionEnded: 'Your session has ended, so this form was not sent. Sign in again, then repeat the step.',
  signedInAs: (actor, role) => `Signed in as ${actor} (${role})`,
  otherLanguage: 'Nederlands',
  dayList: 'Day list',
  date: 'Date',
  location: 'Desk',
  show: 'Show',
  filter: 'Show cases',
  filters: { all: 'All appointments', mine: 'Waiting on me', problems: 'Problem cases' },
  lastUpdated: (time) => `Updated at ${time}; refreshes by itself.`,
  noAppointments: 'No appointments match.',
  time: 'Time',
  newcomer: 'Newcomer',
  caseCol: 'Case',
  waitsOn: 'Waits on',
  turn: 'Whose turn',
  status: 'Status',
  nothing: 'nothing',
  problem: 'Problem',
  backToDayList: 'Back to the day list',
  appointment: 'Appointment',
  returnVisit: 'Return visit',
  nextSteps: 'Your next step',
  noNextSteps: 'The case waits on nobody in your role right now.',
  otherActions: 'Other actions of your role',
  readOnly: 'Operators read cases here; they repair them with the operator command.',
  closed: 'The case is closed; it takes no more actions.',
  steps: 'Steps',
  deadlines: 'Running deadlines',
  due: 'Due',
  results: 'Results',
  noResults: 'No results yet.',
  bsnHidden: 'The newcomer has a BSN; desk and IND officers see it.',
  audit: 'Audit trail',
  at: 'When',
  who: 'Who',
  what: 'What',
  reason: 'Reason',
  note: 'Note',
  household: 'Household',
  noHousehold: 'No other members.',
  submit: 'Submit',
  optional: 'optional',
  onePerLine: 'one per line',
  reasonHint: 'Required when you refuse.',
  done: (action) => `Done: ${action}. The case as it is now:`,
  notNow: 'Not possible now',
  invalid: 'Check the fields',
  unprocessable: 'Not accepted',
  unavailable: 'The service does not answer right now; try again shortly. Nothing was lost.',
  errorTitle: 'Something went wrong',
  requestId: 'Request id',
  roles: {
    'booking-site': 'booking site',
    'desk-officer': 'desk officer',
    'ind-officer': 'IND officer',
    'expat-advisor': 'expat advisor',
    agency: 'agency',
    operator: 'operator',
  },
  turns: {
    desk: 'desk officer',
    ind: 'IND',
    expat: 'expat advisor',
    newcomer: 'newcomer',
    operator: 'operator',
    agency: 'agency',
    'booking-site': 'booking site',
  },
  waits: {
    'desk:check-in': 'check-in',
    'desk:identity': 'identity check',
    'desk:address': 'address decision',
    'desk:card-hand-over': 'card hand-over',
    'ind:biometrics': 'biometrics',
    'ind:embassy-prints': 'embassy prints',
    'ind:decision': 'permit decision',
    'ind:card': 'residence card',
    'ind:return-visa': 'return visa',
    'expat:advice': 'advice session',
    'newcomer:documents': 'documents',
    'booking-site:reschedule': 'a new appointment',
    'agency:brp': 'the municipality (BRP)',
    'agency:ind': 'IND',
    'agency:notify': 'the e-mail service',

    ...operatorWaits(
      {
        eligibility: 'eligibility',
        permit: 'permit application',
        'check-in': 'check-in',
        brp: 'BRP registration',
        biometrics: 'biometrics',
        card: 'residence card',
        'return-visa': 'return visa',
        advice: 'advice',
      },
      'operator: ',
    ),
  },
  stepNames: enStepNames,
  stepStates: { 'not-wanted': 'not wanted', blocked: 'blocked', waiting: 'waiting', running: 'running', done: 'done' },
  actions: {
    'check-in': 'Check in',
    'resolve-identity': 'Resolve identity',
    'resolve-address': 'Decide on the address',
    'capture-biometrics': 'Record biometrics capture',
    'record-biometrics-quality': 'Record biometrics quality',
    'record-embassy-prints': 'Judge embassy prints',
    'record-permit-decision': 'Record permit decision',
    'extend-decision-term': 'Extend decision term',
    'request-documents': 'Request documents',
    'documents-supplied': 'Documents supplied',
    'decide-return-visa': 'Decide on the return visa',
    'hand-over-card': 'Hand over the card',
    'record-advice': 'Record advice',
    reschedule: 'Reschedule',
    'schedule-visit': 'Schedule a return visit',
    withdraw: 'Withdraw',
    'retry-step': 'Retry step',
    'skip-step': 'Skip step',
  },
  fields: {
    identity: 'Identity',
    note: 'Note',
    reason: 'Reason',
    decision: 'Decision',
    captureReference: 'Capture reference',
    result: 'Result',
    quality: 'Quality',
    days: 'Days',
    documents: 'Documents',
    dueAt: 'Due at',
    outcome: 'Outcome',
    purpose: 'Purpose',
    startsAt: 'Starts at',
    location: 'Desk',
    step: 'Step',
  },
  outcomes: {
    verified: 'identity verified',
    'in-doubt': 'identity in doubt',
    'not-verified': 'identity not verified',
    'no-show': 'no-show',
    'appointment-released': 'appointment released',
    accepted: 'accepted',
    'embassy-prints': "embassy's prints used",
    granted: 'granted',
    refused: 'refused',
    inadmissible: 'inadmissible',
    withdrawn: 'withdrawn',
    registered: 'registered',
    'referred-to-rni': 'referred to the RNI',
    'handed-over': 'handed over',
    'not-collected': 'not collected',
    'not-issued': 'not issued',
    issued: 'issued',
    'not-needed': 'not needed',
    'not-possible': 'not possible',
    'not-wanted': 'not wanted',
    cancelled: 'cancelled',
    skipped: 'skipped by an operator',
    given: 'given',
    declined: 'declined',
  },
  statuses: {
    open: 'open',
    completed: 'completed',
    rejected: 'rejected',
    withdrawn: 'withdrawn',
    'closed-no-show': 'closed: no-show',
  },
  deadlineNames: {
    'ind-decision-legal-term': 'IND legal decision term',
    'ind-decision-sponsor-target': "IND's target for recognised sponsors",
    'bsn-service-norm': 'BSN service norm',
    'card-ready-service-norm': 'card ready service norm',
    'card-collection-reminder': 'card collection reminder',
    'card-collection': 'card collection escalation',
    'check-in': 'check-in by the appointment plus grace',
    'reschedule-after-no-show': 'rescheduling window after the no-show',
    'return-visit': 'return visit by its start plus grace',
  },
  deadlineStates: { running: 'running', paused: 'paused', met: 'met', breached: 'breached' },
  visitStates: { scheduled: 'scheduled', done: 'done', missed: 'missed', cancelled: 'cancelled' },
  events: {
    'card-ready': 'card ready',
    'biometrics-quality': 'biometrics quality',
    'permit-decision': 'permit decision',
    'documents-overdue': 'documents overdue',
    'case-closed': 'case closed',
    'notification-failed': 'e-mail not sent',
    escalated: 'escalated',
    'return-visit-missed': 'return visit missed',
    'return-visit-cancelled': 'return visit cancelled',
  },
  values: {
    verified: 'verified',
    'in-doubt': 'in doubt',
    'not-verified': 'not verified',
    accept: 'accept',
    'refer-to-rni': 'refer to the RNI',
    refuse: 'refuse',
    accepted: 'accepted',
    'retake-needed': 'retake needed',
    usable: 'usable',
    unusable: 'unusable',
    granted: 'granted',
    refused: 'refused',
    inadmissible: 'inadmissible',
    issue: 'issue',
    given: 'given',
    declined: 'declined',
    'biometrics-retake': 'biometrics retake',
    'card-collection': 'card collection',
    ...enStepNames,
  },
  resultNames: { bsn: 'BSN', indApplicationNumber: 'IND application number', returnVisa: 'Return visa' },
};

const nl: Messages = {
  ...en,
  appName: 'Eén-loketbalie',
  skipToContent: 'Naar de inhoud',
  signIn: 'Inloggen',
  signInTitle: 'Inloggen op de baliecomputer',
  signInDev: 'Inloggen voor ontwikkeling',
  signInDevHint: 'Alleen tijdens ontwikkeling: kies de rol waarin u werkt.',
  signInOidc: 'Inloggen met uw organisatieaccount',
  signInNone: 'Voor deze console is geen inlogmethode ingesteld.',
  signOut: 'Uitloggen',
  sessionEnded: 'Uw sessie is afgelopen; dit formulier is daarom niet verstuurd. Log opnieuw in en herhaal de stap.',
  signedInAs: (actor, role) => `Ingelogd als ${actor} (${role})`,
  otherLanguage: 'English',
  dayList: 'Daglijst',
  date: 'Datum',
  location: 'Balie',
  show: 'Tonen',
  filter: 'Zaken tonen',
  filters: { all: 'Alle afspraken', mine: 'Wachten op mij', problems: 'Probleemzaken' },
  lastUpdated: (time) => `Bijgewerkt om ${time}; ververst vanzelf.`,
  noAppointments: 'Geen afspraken gevonden.',
  time: 'Tijd',
  newcomer: 'Nieuwkomer',
  caseCol: 'Zaak',
  waitsOn: 'Wacht op',
  turn: 'Aan de beurt',
  status: 'Status',
  nothing: 'niets',
  problem: 'Probleem',
  backToDayList: 'Terug naar de daglijst',
  appointment: 'Afspraak',
  returnVisit: 'Vervolgafspraak',
  nextSteps: 'Uw volgende stap',
  noNextSteps: 'De zaak wacht nu op niemand in uw rol.',
  otherActions: 'Andere handelingen van uw rol',
  readOnly: 'Beheerders lezen zaken hier; herstellen doen zij met het beheercommando.',
  closed: 'De zaak is gesloten; er zijn geen handelingen meer mogelijk.',
  steps: 'Stappen',
  deadlines: 'Lopende termijnen',
  due: 'Uiterlijk',
  results: 'Resultaten',
  noResults: 'Nog geen resultaten.',
  bsnHidden: 'De nieuwkomer heeft een BSN; baliemedewerkers en IND-medewerkers zien het.',
  audit: 'Logboek',
  at: 'Wanneer',
  who: 'Wie',
  what: 'Wat',
  reason: 'Reden',
  note: 'Notitie',
  household: 'Huishouden',
  noHousehold: 'Geen andere leden.',
  submit: 'Versturen',
  optional: 'optioneel',
  onePerLine: 'één per regel',
  reasonHint: 'Verplicht bij een weigering.',
  done: (action) => `Gedaan: ${action}. De zaak zoals die nu is:`,
  notNow: 'Nu niet mogelijk',
  invalid: 'Controleer de velden',
  unprocessable: 'Niet aanvaard',
  unavailable: 'De dienst antwoordt nu niet; probeer het zo opnieuw. Er is niets verloren.',
  errorTitle: 'Er ging iets mis',
  requestId: 'Verzoeknummer',
  roles: {
    'booking-site': 'boekingssite',
    'desk-officer': 'baliemedewerker',
    'ind-officer': 'IND-medewerker',
    'expat-advisor': 'expat-adviseur',
    agency: 'instantie',
    operator: 'beheerder',
  },
  turns: {
    desk: 'baliemedewerker',
    ind: 'IND',
    expat: 'expat-adviseur',
    newcomer: 'nieuwkomer',
    operator: 'beheerder',
    agency: 'instantie',
    'booking-site': 'boekingssite',
  },
  waits: {
    'desk:check-in': 'aanmelding',
    'desk:identity': 'identiteitscontrole',
    'desk:address': 'besluit over het adres',
    'desk:card-hand-over': 'uitreiking van de pas',
    'ind:biometrics': 'biometrie',
    'ind:embassy-prints': 'vingerafdrukken van de ambassade',
    'ind:decision': 'besluit op de aanvraag',
    'ind:card': 'verblijfsdocument',
    'ind:return-visa': 'terugkeervisum',
    'expat:advice': 'adviesgesprek',
    'newcomer:documents': 'documenten',
    'booking-site:reschedule': 'een nieuwe afspraak',
    'agency:brp': 'de gemeente (BRP)',
    'agency:ind': 'IND',
    'agency:notify': 'de e-maildienst',
    ...operatorWaits(
      {
        eligibility: 'toelaatbaarheid',
        permit: 'vergunningaanvraag',
        'check-in': 'aanmelding',
        brp: 'inschrijving BRP',
        biometrics: 'biometrie',
        card: 'verblijfsdocument',
        'return-visa': 'terugkeervisum',
        advice: 'advies',
      },
      'beheerder: ',
    ),
  },
  stepNames: nlStepNames,
  stepStates: {
    'not-wanted': 'niet gevraagd',
    blocked: 'geblokkeerd',
    waiting: 'wacht',
    running: 'loopt',
    done: 'klaar',
  },
  actions: {
    'check-in': 'Aanmelden',
    'resolve-identity': 'Identiteit vaststellen',
    'resolve-address': 'Besluiten over het adres',
    'capture-biometrics': 'Biometrie vastleggen',
    'record-biometrics-quality': 'Kwaliteit biometrie vastleggen',
    'record-embassy-prints': 'Vingerafdrukken ambassade beoordelen',
    'record-permit-decision': 'Besluit op de aanvraag vastleggen',
    'extend-decision-term': 'Beslistermijn verlengen',
    'request-documents': 'Documenten opvragen',
    'documents-supplied': 'Documenten ontvangen',
    'decide-return-visa': 'Besluiten over het terugkeervisum',
    'hand-over-card': 'Pas uitreiken',
    'record-advice': 'Advies vastleggen',
    reschedule: 'Verzetten',
    'schedule-visit': 'Vervolgafspraak maken',
    withdraw: 'Intrekken',
    'retry-step': 'Stap opnieuw proberen',
    'skip-step': 'Stap overslaan',
  },
  fields: {
    identity: 'Identiteit',
    note: 'Notitie',
    reason: 'Reden',
    decision: 'Besluit',
    captureReference: 'Referentie van de opname',
    result: 'Uitkomst',
    quality: 'Kwaliteit',
    days: 'Dagen',
    documents: 'Documenten',
    dueAt: 'Uiterlijk op',
    outcome: 'Uitkomst',
    purpose: 'Doel',
    startsAt: 'Begint om',
    location: 'Balie',
    step: 'Stap',
  },
  outcomes: {
    verified: 'identiteit vastgesteld',
    'in-doubt': 'identiteit twijfelachtig',
    'not-verified': 'identiteit niet vastgesteld',
    'no-show': 'niet verschenen',
    'appointment-released': 'afspraak vrijgegeven',
    accepted: 'goedgekeurd',
    'embassy-prints': 'vingerafdrukken van de ambassade gebruikt',
    granted: 'verleend',
    refused: 'geweigerd',
    inadmissible: 'niet-ontvankelijk',
    withdrawn: 'ingetrokken',
    registered: 'ingeschreven',
    'referred-to-rni': 'doorverwezen naar de RNI',
    'handed-over': 'uitgereikt',
    'not-collected': 'niet opgehaald',
    'not-issued': 'niet afgegeven',
    issued: 'afgegeven',
    'not-needed': 'niet nodig',
    'not-possible': 'niet mogelijk',
    'not-wanted': 'niet gevraagd',
    cancelled: 'geannuleerd',
    skipped: 'overgeslagen door een beheerder',
    given: 'gegeven',
    declined: 'afgeslagen',
  },
  statuses: {
    open: 'lopend',
    completed: 'afgerond',
    rejected: 'afgewezen',
    withdrawn: 'ingetrokken',
    'closed-no-show': 'gesloten: niet verschenen',
  },
  deadlineNames: {
    'ind-decision-legal-term': 'wettelijke beslistermijn IND',
    'ind-decision-sponsor-target': 'streeftermijn IND voor erkende referenten',
    'bsn-service-norm': 'servicenorm BSN',
    'card-ready-service-norm': 'servicenorm verblijfsdocument gereed',
    'card-collection-reminder': 'herinnering ophalen verblijfsdocument',
    'card-collection': 'escalatie ophalen verblijfsdocument',
    'check-in': 'aanmelding uiterlijk bij de afspraak plus marge',
    'reschedule-after-no-show': 'termijn om te verzetten na niet verschijnen',
    'return-visit': 'vervolgafspraak uiterlijk bij aanvang plus marge',
  },
  deadlineStates: { running: 'loopt', paused: 'opgeschort', met: 'gehaald', breached: 'overschreden' },
  visitStates: { scheduled: 'gepland', done: 'geweest', missed: 'gemist', cancelled: 'geannuleerd' },
  events: {
    'card-ready': 'verblijfsdocument gereed',
    'biometrics-quality': 'kwaliteit biometrie',
    'permit-decision': 'besluit op de aanvraag',
    'documents-overdue': 'documenten te laat',
    'case-closed': 'zaak gesloten',
    'notification-failed': 'e-mail niet verstuurd',
    escalated: 'geëscaleerd',
    'return-visit-missed': 'vervolgafspraak gemist',
    'return-visit-cancelled': 'vervolgafspraak geannuleerd',
  },
  values: {
    ...nlStepNames,
    verified: 'vastgesteld',
    'in-doubt': 'twijfel',
    'not-verified': 'niet vastgesteld',
    accept: 'aanvaarden',
    'refer-to-rni': 'doorverwijzen naar de RNI',
    refuse: 'weigeren',
    accepted: 'goedgekeurd',
    'retake-needed': 'opnieuw nodig',
    usable: 'bruikbaar',
    unusable: 'onbruikbaar',
    granted: 'verleend',
    refused: 'geweigerd',
    inadmissible: 'niet-ontvankelijk',
    issue: 'verlenen',
    given: 'gegeven',
    declined: 'afgeslagen',
    'biometrics-retake': 'biometrie opnieuw',
    'card-collection': 'pas ophalen',
  },
  resultNames: { bsn: 'BSN', indApplicationNumber: 'IND-aanvraagnummer', returnVisa: 'Terugkeervisum' },
};

export const messages: Record<Lang, Messages> = { nl, en };
export type { Messages };

/** A label from a table, or the value itself when the table has none (a new step, wait or value). */
export const label = (table: Labels, key: string): string => table[key] ?? key;
