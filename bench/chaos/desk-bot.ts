import { setTimeout as sleep } from 'node:timers/promises';
import type { Booking } from '../../domain/booking';
import { euBooking, vvrBooking } from '../../test/fixtures/bookings';
import type { CaseView } from '../../workflows/definitions';
import type { PatientHttp } from './http';

/** The development tokens of the README, one per person at the desk. */
const token = {
  bookingSite: 'dev-booking-site',
  desk: 'dev-desk-officer',
  ind: 'dev-ind-officer',
  expat: 'dev-expat-advisor',
  operator: 'dev-operator',
} as const;

export type CaseKind = 'eu' | 'vvr';

/** One case as the bot knows it. */
export interface BotCase {
  caseId: string;
  kind: CaseKind;
  booking: Booking;
  booked: boolean;
  /** Seen in the open-cases work list at least once. */
  seenOpen: boolean;
  /** What the work list last said the case waits on. */
  waitingOn: string[];
  /** The waits the bot answered or is answering; each is answered once. */
  answered: Set<string>;
  /** The status once the case is no longer open. */
  status?: string;
  /** When the bot sent the booking, and when it saw the case finished (ms since the epoch). */
  bookedAt?: number;
  finishedAt?: number;
  /** Answers the bot did not expect, for the report. */
  surprises: string[];
}

type Step = (botCase: BotCase) => Promise<unknown>;

/** How long after BRP came back the operator looks for cases whose BRP call Temporal still backs off. */
export const operatorLooksAfterMs = 30_000;

/**
 * The people at the desk, as a bot: books `cases` cases through the API (at most `openCases` open at once), reads
 * the open-cases work list every second and answers each human step once, over HTTP. IND's decision and the ready
 * card are the sandbox's to give (`/_admin`); IND then calls the API back, or the case's poll finds out. An
 * operator, once BRP is back from its outage, retries the BRP step of each case still listed under
 * `AgencyRetrying=brp`, once: Temporal's back-off would call BRP again only up to ten minutes later.
 */
export class DeskBot {
  readonly cases: BotCase[] = [];
  /** When BRP answered again after its outage (ms since the epoch); the monkey sets it. */
  brpBackAt?: number;
  /** The operator's retries of a case's BRP step that the case took (200), rather than found moot (409). */
  operatorRetries = 0;
  /** When the bot last saw anything move: a case booked, a step answered, a wait changed, a case finished. */
  lastProgressAt = Date.now();
  private readonly steps: Record<string, Step> = {
    'desk:check-in': (c) => this.act(c, 'check-in', token.desk, { identity: 'verified' }),
    'ind:biometrics': (c) => this.act(c, 'capture-biometrics', token.ind, { captureReference: `CAP-${c.caseId}` }),
    // To a retry, "not pending" (409) and "no card in production" (404) mean the first attempt did it.
    'ind:decision': (c) => this.sandbox(c, '/ind/decide', { decision: 'granted' }, [409]),
    'ind:card': (c) => this.sandbox(c, '/ind/card-ready', {}, [404]),
    'desk:card-hand-over': (c) => this.act(c, 'hand-over-card', token.desk, {}),
    'expat:advice': (c) => this.act(c, 'record-advice', token.expat, { outcome: 'given' }),
  };

  constructor(
    private readonly api: PatientHttp,
    private readonly admin: PatientHttp,
    private readonly options: { cases: number; openCases: number },
    private readonly stopped: AbortSignal,
  ) {}

  get finished(): number {
    return this.cases.filter((c) => c.status !== undefined).length;
  }

  /** Runs until every case is finished, or `stopped` aborts. */
  async run(): Promise<void> {
    while (this.finished < this.options.cases && !this.stopped.aborted) {
      this.bookMore();
      try {
        await this.readWorkList();
        await sleep(1000, undefined, { signal: this.stopped });
      } catch (err) {
        if (!this.stopped.aborted) throw err;
      }
    }
  }

  private bookMore(): void {
    const open = () => this.cases.filter((c) => c.status === undefined).length;
    while (this.cases.length < this.options.cases && open() < this.options.openCases) {
      const kind: CaseKind = this.cases.length % 2 === 1 ? 'vvr' : 'eu';
      const booking = kind === 'vvr' ? vvrBooking() : euBooking();
      const botCase: BotCase = {
        caseId: `case-${booking.bookingReference}`,
        kind,
        booking,
        booked: false,
        seenOpen: false,
        waitingOn: [],
        answered: new Set(),
        surprises: [],
      };
      this.cases.push(botCase);
      botCase.bookedAt = Date.now();
      this.background(botCase, 'booking', async () => {
        // The same booking again is the same case (200): a retry after a 503 cannot book twice. A 202 means Temporal
        // holds the case but no worker has run it yet (the workers are being killed): it is booked all the same.
        const answer = await this.api.request('POST', '/v1/cases', { token: token.bookingSite, body: booking });
        if (![200, 201, 202].includes(answer.status)) throw unexpected('booking', answer);
        botCase.booked = true;
      });
    }
  }

  /** One pass over the work list of open cases: answers what waits on the desk, notices what finished. */
  private async readWorkList(): Promise<void> {
    const open = new Map<string, string[]>();
    let pageToken: string | undefined;
    do {
      const query = `status=open&pageSize=100${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`;
      const page = await this.api.request('GET', `/v1/cases?${query}`, { token: token.desk });
      const body = page.body as { cases: { caseId: string; waitingOn: string[] }[]; nextPageToken?: string };
      for (const listed of body.cases) open.set(listed.caseId, listed.waitingOn);
      pageToken = body.nextPageToken;
    } while (pageToken);

    for (const botCase of this.cases) {
      if (!botCase.booked || botCase.status !== undefined) continue;
      const waits = open.get(botCase.caseId);
      if (waits === undefined) {
        // Not listed as open any more; a case never listed has not run its first workflow task yet.
        if (botCase.seenOpen && !botCase.answered.has('finished')) this.checkFinished(botCase);
        continue;
      }
      botCase.seenOpen = true;
      if (waits.join() !== botCase.waitingOn.join()) this.noteProgress();
      botCase.waitingOn = waits;
      for (const wait of waits) {
        const step = this.steps[wait];
        if (!step || botCase.answered.has(wait)) continue;
        botCase.answered.add(wait);
        this.background(botCase, wait, () => step(botCase));
      }
    }
    if (this.brpBackAt !== undefined && Date.now() - this.brpBackAt > operatorLooksAfterMs) await this.retryBrp();
  }

  /** The operator: the BRP step of each case still listed as failing at BRP, retried once, now. */
  private async retryBrp(): Promise<void> {
    const listed = await this.api.request('GET', '/v1/cases?status=open&agencyRetrying=brp&pageSize=100', {
      token: token.operator,
    });
    if (listed.status !== 200) throw unexpected('the work list of cases failing at BRP', listed);
    const failing = new Set((listed.body as { cases: { caseId: string }[] }).cases.map((c) => c.caseId));
    for (const botCase of this.cases) {
      if (!failing.has(botCase.caseId) || botCase.answered.has('operator:retry-brp')) continue;
      botCase.answered.add('operator:retry-brp');
      this.background(botCase, 'operator:retry-brp', async () => {
        // A 409: Temporal's own retry got through first, and nothing is failing any more.
        if (await this.act(botCase, 'retry-step', token.operator, { step: 'brp' }, [409])) this.operatorRetries++;
      });
    }
  }

  private checkFinished(botCase: BotCase): void {
    botCase.answered.add('finished');
    this.background(botCase, 'status', async () => {
      const view = await this.view(botCase);
      if (view.status === 'open') botCase.answered.delete('finished');
      else {
        botCase.status = view.status;
        botCase.finishedAt = Date.now();
      }
    });
  }

  /**
   * An officer action, once: retried with the same request id, so the API applies it at most once. True when the
   * case took it now; false for an answer in `moot` (the action was not needed), or a 409 to a retry (an earlier
   * attempt was applied and the case has moved on, or ended; the audit trail tells).
   */
  private async act(
    botCase: BotCase,
    action: string,
    bearer: string,
    body: object,
    moot: number[] = [],
  ): Promise<boolean> {
    const answer = await this.api.request('POST', `/v1/cases/${botCase.caseId}/actions/${action}`, {
      token: bearer,
      body,
      requestId: `chaos-${botCase.caseId}-${action}`,
    });
    if (answer.status === 200) return true;
    if (moot.includes(answer.status) || (answer.status === 409 && answer.attempts > 1)) return false;
    throw unexpected(action, answer);
  }

  /** What IND does on its own time, through the sandbox's `/_admin`; `done`: answers to a retry that mean "did it". */
  private async sandbox(botCase: BotCase, path: string, body: object, done: number[]): Promise<void> {
    const applicationNumber = await this.applicationNumber(botCase);
    const answer = await this.admin.request('POST', `/_admin${path}`, { body: { applicationNumber, ...body } });
    if (answer.status === 200 || (done.includes(answer.status) && answer.attempts > 1)) return;
    throw unexpected(path, answer);
  }

  /**
   * The case's IND application number. A case a killed worker left mid-task answers for a moment from what Temporal
   * indexed (no results, `needsOperator` set) until a worker runs it again: read it again, as an officer would.
   */
  private async applicationNumber(botCase: BotCase): Promise<string | undefined> {
    for (;;) {
      const view: Partial<CaseView> = await this.view(botCase);
      if (view.results || this.stopped.aborted) return view.results?.indApplicationNumber;
      await sleep(1000);
    }
  }

  private async view(botCase: BotCase): Promise<CaseView> {
    const answer = await this.api.request('GET', `/v1/cases/${botCase.caseId}`, { token: token.desk });
    if (answer.status !== 200) throw unexpected('reading the case', answer);
    return answer.body as CaseView;
  }

  private background(botCase: BotCase, what: string, work: () => Promise<unknown>): void {
    work().then(
      () => this.noteProgress(),
      (err: unknown) => {
        if (this.stopped.aborted) return;
        botCase.surprises.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  }

  /** Something moved; the run watches for agency retries too, which the bot cannot see. */
  noteProgress(): void {
    this.lastProgressAt = Date.now();
  }
}

function unexpected(what: string, answer: { status: number; body: unknown }): Error {
  const detail = typeof answer.body === 'object' && answer.body !== null ? JSON.stringify(answer.body) : answer.body;
  return new Error(`${what} answered ${answer.status}: ${String(detail).slice(0, 300)}`);
}
