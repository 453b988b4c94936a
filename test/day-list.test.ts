import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { deskDayBounds } from '../domain/dates';
import type { Booking } from '../domain/booking';
import { AppointmentAt, DeskLocation, Household } from '../workflows/search-attributes';
import type { CaseView } from '../workflows/definitions';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { startApiStack, type ApiStack } from './harness/api-stack';
import { tokens } from './harness/api';
import { eventually } from './harness/eventually';
import { temporal, uniqueTaskQueue } from './harness/temporal';

/** The development tokens, and a second booking site. */
const apiTokens =
  'dev-booking-site=booking-site:booking-site,other-site=partner-site:booking-site,' +
  'dev-desk-officer=desk-officer-1:desk-officer,dev-ind-officer=ind-officer-1:ind-officer,' +
  'dev-expat-advisor=expat-advisor-1:expat-advisor,dev-agency=ind:agency,dev-operator=operator-1:operator';
const otherSite = 'Bearer other-site';

interface Summary {
  caseId: string;
  location?: string;
  householdReference?: string;
}
interface Page {
  cases: Summary[];
  nextPageToken?: string;
}
const ids = (page: Page): string[] => page.cases.map((c) => c.caseId);

const day = 86_400_000;
const dateIn = (days: number): string => new Date(Date.now() + days * day).toISOString().slice(0, 10);
/** An instant `minutes` after midnight of a desk day (Europe/Amsterdam). */
const at = (date: string, minutes: number): string =>
  new Date(deskDayBounds(date).from.getTime() + minutes * 60_000).toISOString();

describe("day list and households: the desk's appointments in time order, a family's cases together", function () {
  this.timeout(120_000);
  let stack: ApiStack;
  let api: ReturnType<typeof request>;
  before(async () => {
    stack = await startApiStack(uniqueTaskQueue('day-list'), { env: { API_TOKENS: apiTokens } });
    api = stack.api;
  });
  after(async () => stack?.stop());

  const book = async (booking: Booking, token: string = tokens.bookingSite): Promise<string> => {
    const res = await api.post('/v1/cases').set('authorization', token).send(booking);
    assert.equal(res.status, 201, res.text);
    return (res.body as { caseId: string }).caseId;
  };
  const list = (query: string, token: string = tokens.desk) =>
    api.get(`/v1/cases?${query}`).set('authorization', token);
  const listed = async (query: string): Promise<Page> => (await list(query).expect(200)).body as Page;
  /** The day list once visibility shows `expected` cases. */
  const dayList = (query: string, expected: number) =>
    eventually(async () => {
      const page = await listed(query);
      return page.cases.length === expected ? page : undefined;
    }, 20_000);

  it("lists a desk's day in appointment order, on the desk's clock, and follows a reschedule", async () => {
    const desk = `DESK-${randomUUID().slice(0, 8)}`;
    const otherDesk = `${desk}-B`;
    const date = dateIn(10);
    const next = dateIn(11);
    const appointment = (location: string, startsAt: string) => euBooking({ appointment: { location, startsAt } });
    const afternoon = await book(appointment(desk, at(date, 14 * 60)));
    const morning = await book(appointment(desk, at(date, 9 * 60)));
    const lastMinute = await book(appointment(desk, at(date, 24 * 60 - 1)));
    // 00:30 on the desk's clock is the evening before in UTC: a UTC day would miss it.
    const earliest = await book(appointment(desk, at(date, 30)));
    await book(appointment(desk, at(date, -1))); // the evening before
    await book(appointment(desk, at(next, 9 * 60)));
    await book(appointment(otherDesk, at(date, 10 * 60)));

    const page = await dayList(`location=${desk}&appointmentDate=${date}`, 4);
    assert.deepEqual(ids(page), [earliest, morning, afternoon, lastMinute]);
    assert.ok(page.cases.every((c) => c.location === desk));
    const sortedExplicitly = await listed(`location=${desk}&appointmentDate=${date}&sort=appointmentAt`);
    assert.deepEqual(sortedExplicitly.cases, page.cases);

    const first = await listed(`location=${desk}&appointmentDate=${date}&pageSize=3`);
    assert.deepEqual(ids(first), [earliest, morning, afternoon]);
    assert.ok(first.nextPageToken, 'a fourth case is on the next page');
    const second = await listed(
      `location=${desk}&appointmentDate=${date}&pageSize=3&pageToken=${encodeURIComponent(first.nextPageToken)}`,
    );
    assert.deepEqual(ids(second), [lastMinute]);
    assert.equal(second.nextPageToken, undefined);

    await api
      .post(`/v1/cases/${afternoon}/actions/reschedule`)
      .set('authorization', tokens.bookingSite)
      .send({ startsAt: at(next, 8 * 60), location: desk })
      .expect(200);
    const moved = await dayList(`location=${desk}&appointmentDate=${date}`, 3);
    assert.ok(!ids(moved).includes(afternoon));
    const nextDay = await dayList(`location=${desk}&appointmentDate=${next}`, 2);
    assert.equal(ids(nextDay)[0], afternoon, 'the rescheduled case opens the next day');
  });

  it('refuses hostile or meaningless query parameters with 400 problem details, and the booking site with 403', async () => {
    const date = dateIn(3);
    for (const query of [
      'appointmentDate=2026-02-30',
      'appointmentDate=0001-01-01',
      'appointmentDate=9999-12-31',
      'appointmentDate=2026-1-1',
      `appointmentDate=${date}T00:00:00Z`,
      `appointmentDate=${encodeURIComponent(`${date}' OR '1'='1`)}`,
      `location=${encodeURIComponent("X' OR DeskLocation != '")}&appointmentDate=${date}`,
      'sort=appointmentAt',
      `sort=familyName&appointmentDate=${date}`,
      `householdReference=${encodeURIComponent("HH' OR '1'='1")}`,
      `appointmentDate=${date}&appointmentDate=${date}`,
      `appointmentDate=${date}&pageToken=forged.token`,
    ]) {
      const res = await list(query);
      assert.equal(res.status, 400, `${query}: ${res.text}`);
      assert.equal(res.type, 'application/problem+json');
      assert.ok((res.body as { requestId?: string }).requestId);
    }
    const bad = (await list('appointmentDate=2026-02-30')).body as { invalidParams: Array<{ name: string }> };
    assert.equal(bad.invalidParams[0]?.name, 'appointmentDate');

    // A Temporal page token is no cursor of a sorted list, and a cursor is no Temporal page token.
    const unsorted = await listed('pageSize=1');
    if (unsorted.nextPageToken) {
      await list(`appointmentDate=${date}&pageToken=${encodeURIComponent(unsorted.nextPageToken)}`).expect(400);
    }
    const desk = `DESK-${randomUUID().slice(0, 8)}`;
    await book(euBooking({ appointment: { location: desk, startsAt: at(date, 600) } }));
    await book(euBooking({ appointment: { location: desk, startsAt: at(date, 660) } }));
    await dayList(`location=${desk}&appointmentDate=${date}`, 2);
    const firstPage = await listed(`location=${desk}&appointmentDate=${date}&pageSize=1`);
    await list(`pageToken=${encodeURIComponent(firstPage.nextPageToken ?? '')}`).expect(400);

    const forbidden = await list(`appointmentDate=${date}`, tokens.bookingSite);
    assert.equal(forbidden.status, 403);
    await list(`appointmentDate=${date}`, tokens.agency).expect(403);
  });

  it("a household's members come together, each as the caller's role may see it", async () => {
    const household = `HH-${randomUUID().slice(0, 8)}`;
    const date = dateIn(5);
    const member = (minutes: number, overrides: Partial<Booking> = {}) =>
      euBooking({
        householdReference: household,
        appointment: { location: 'MIC-Maastricht', startsAt: at(date, minutes) },
        ...overrides,
      });
    const parent = await book(member(9 * 60));
    const child = await book(member(9 * 60 + 15, { services: ['brp-registration'] }));
    // Booked through another channel: the first booking site does not see this member.
    const partner = await book(vvrBooking({ ...member(8 * 60), householdReference: household }), otherSite);
    await book(euBooking()); // no household

    // The search attribute holds the opaque reference and nothing of the person.
    const description = await temporal().client.workflow.getHandle(parent).describe();
    assert.equal(description.typedSearchAttributes.get(Household), household);

    const filtered = await dayList(`householdReference=${household}`, 3);
    assert.deepEqual(ids(filtered), [partner, parent, child]);
    assert.ok(filtered.cases.every((c) => c.householdReference === household));

    await api
      .post(`/v1/cases/${parent}/actions/check-in`)
      .set('authorization', tokens.desk)
      .send({ identity: 'verified' });
    const read = (token: string) => api.get(`/v1/households/${household}`).set('authorization', token);
    type Household = { householdReference: string; members: CaseView[] };
    const desk = await eventually(async () => {
      const body = (await read(tokens.desk).expect(200)).body as Household;
      return body.members.length === 3 && body.members.find((m) => m.caseId === parent)?.results.bsn ? body : undefined;
    }, 60_000);
    assert.equal(desk.householdReference, household);
    assert.deepEqual(
      desk.members.map((m) => m.caseId),
      [partner, parent, child],
    );
    assert.ok((desk.members[1]?.audit.length ?? 0) > 0, 'officers see the audit trail');

    const expat = (await read(tokens.expat).expect(200)).body.members as CaseView[];
    assert.equal(expat.length, 3);
    assert.ok(
      expat.every((m) => m.results.bsn === undefined),
      'an advisor does not see the BSN',
    );

    const site = (await read(tokens.bookingSite).expect(200)).body.members as Array<Record<string, unknown>>;
    assert.deepEqual(
      site.map((m) => m.caseId),
      [parent, child],
      'a booking site sees only the members it booked',
    );
    for (const m of site) {
      assert.equal(m.results, undefined, 'the booking site sees no results');
      assert.equal(m.audit, undefined, 'the booking site sees no audit trail');
      assert.equal(m.householdReference, household);
    }

    const partnerSite = (await read(otherSite).expect(200)).body.members as Array<Record<string, unknown>>;
    assert.deepEqual(
      partnerSite.map((m) => m.caseId),
      [partner],
    );
    const onlyOurs = `HH-${randomUUID().slice(0, 8)}`;
    await book(member(600, { householdReference: onlyOurs }));
    await eventually(async () =>
      (await list(`householdReference=${onlyOurs}`)).body.cases.length === 1 ? 1 : undefined,
    );
    const foreign = await api.get(`/v1/households/${onlyOurs}`).set('authorization', otherSite);
    assert.equal(foreign.status, 404, 'a household of which it booked nobody reads as unknown');

    await read(tokens.agency).expect(403);
    await api.get('/v1/households/HH-NOBODY-HERE').set('authorization', tokens.desk).expect(404);
    const hostile = await api
      .get(`/v1/households/${encodeURIComponent("x' OR '1'='1")}`)
      .set('authorization', tokens.desk);
    assert.equal(hostile.status, 404);
    assert.equal(hostile.type, 'application/problem+json');
  });

  it('a day with more than 1000 cases at a desk is refused with a clear 422, not sorted in part; 1000 are listed', async function () {
    this.timeout(600_000);
    const desk = `DESK-CROWD-${randomUUID().slice(0, 8)}`;
    const date = dateIn(9);
    const query = `location=${desk}&appointmentDate=${date}`;
    // Bare case workflows on a queue no worker polls: the list reads only their search attributes, so they cost
    // a start each and never run.
    const client = temporal().client;
    const queue = uniqueTaskQueue('day-list-crowd');
    const started: string[] = [];
    const start = async (n: number) => {
      const workflowId = `case-BK-CROWD-${desk}-${n}`;
      await client.workflow.start('newcomerCaseWorkflow', {
        taskQueue: queue,
        workflowId,
        args: [],
        typedSearchAttributes: [
          { key: DeskLocation, value: desk },
          { key: AppointmentAt, value: new Date(at(date, 480 + (n % 540))) },
        ],
      });
      started.push(workflowId);
    };
    const visible = (count: number) =>
      eventually(
        async () => {
          const seen = await client.workflow.count(`DeskLocation = '${desk}'`);
          return seen.count >= count ? seen.count : undefined;
        },
        120_000,
        1_000,
      );
    try {
      for (let n = 0; n < 1000; n += 25) await Promise.all(Array.from({ length: 25 }, (_, i) => start(n + i)));
      await visible(1000);
      const full = await list(`${query}&pageSize=100`);
      assert.equal(full.status, 200, full.text);
      assert.equal((full.body as Page).cases.length, 100);
      assert.ok((full.body as Page).nextPageToken, 'the 1000 are listed page by page');

      await start(1000);
      await visible(1001);
      const crowded = await list(query);
      assert.equal(crowded.status, 422, crowded.text);
      assert.equal(crowded.type, 'application/problem+json');
      const problem = crowded.body as { detail: string; requestId?: string; title: string };
      assert.match(problem.detail, /More than 1000 cases match; narrow the list/);
      assert.ok(problem.requestId, 'the problem carries the request id');
    } finally {
      for (let n = 0; n < started.length; n += 50) {
        await Promise.all(
          started.slice(n, n + 50).map((id) =>
            client.workflow
              .getHandle(id)
              .terminate('test done')
              .catch(() => undefined),
          ),
        );
      }
    }
  });
});
