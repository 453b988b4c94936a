import assert from 'node:assert/strict';
import { apiStackOfSuite } from './harness/api-stack';
import fc from 'fast-check';
import { type Response } from 'supertest';
import { actionNames as actions, type ActionName as Action } from '../workflows/actions';
import { callbackSchemas, type CallbackKind } from '../api/schemas';
import type { Booking } from '../domain/booking';
import { vvrBooking } from './fixtures/bookings';
import { tokens } from './harness/api';
import { eventually } from './harness/eventually';
import { uniqueTaskQueue } from './harness/temporal';

/** Runs per endpoint: 23 endpoints, the whole file well under a minute. */
const numRuns = 100;

type Path = (string | number)[];
type Json = unknown;

/** Every path into a JSON value, containers included: the places a mutation can hit. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  }
  return [];
}

function valueAt(value: Json, path: Path): Json {
  return path.reduce<Json>(
    (node, key) =>
      typeof node === 'object' && node !== null ? (node as Record<string | number, Json>)[key] : undefined,
    value,
  );
}

interface Mutation {
  path: Path;
  drop: boolean;
  value: Json;
}

function mutate(base: Json, mutations: Mutation[]): Json {
  const root = structuredClone(base) as Record<string | number, Json>;
  for (const { path, drop, value } of mutations) {
    const node = valueAt(root, path.slice(0, -1));
    const last = path[path.length - 1];
    if (last === undefined || typeof node !== 'object' || node === null) continue;
    if (drop && Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
    else if (drop) delete (node as Record<string | number, Json>)[last];
    else (node as Record<string | number, Json>)[last] = value;
  }
  return root;
}

/** Values that are almost right as often as plainly wrong, so mutations get past the first check. */
const nearValid = fc.constantFrom(
  '',
  ' ',
  '0363',
  '0935',
  '1883',
  'NLD',
  'DEU',
  'IND',
  'tev',
  'vvr',
  'none',
  'verified',
  'in-doubt',
  'granted',
  'accept',
  'given',
  'eu-citizen',
  'student',
  'residence-permit',
  'return-visa',
  '2031-01-01T09:00:00+01:00',
  '2001-02-29T09:00:00Z',
  '1999-12-31',
  '6211AX',
  'brp',
  'advice',
  'check-in',
  'CAP-FUZZ-1',
  'IND-0000000001',
  'RS-UNKNOWN',
  'case-BK-nope-0001',
  '__proto__',
  'x'.repeat(3000),
);
const anyValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: nearValid },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
);

/** A valid body with one to three fields dropped, replaced or added at random, or changed as a hint says. */
function mutated(base: Json, hints: Mutation[] = []): fc.Arbitrary<Json> {
  const existing = pathsOf(base);
  const containers: Path[] = [[], ...existing.filter((p) => typeof valueAt(base, p) === 'object')];
  const path = fc.oneof(...(existing.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...existing) }] : []), {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...containers), fc.string({ maxLength: 12 })).map(([p, k]): Path => [...p, k]),
  });
  const random = fc.record({ path, drop: fc.boolean(), value: anyValue });
  const mutation = hints.length > 0 ? fc.oneof(random, fc.constantFrom(...hints)) : random;
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => mutate(base, mutations));
}

/** A raw request body: mostly JSON near the valid one, sometimes any JSON, any text or none. */
function body(valid: Json, hints: Mutation[] = []): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 5, arbitrary: mutated(valid, hints).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.constant(JSON.stringify(valid)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 120 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const contentType = fc.oneof(
  { weight: 16, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset=utf-nope',
      'APPLICATION/JSON',
      'application/problem+json',
      'application/merge-patch+json',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/xml',
      '*/*',
      ';;;',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

/** The right role's token most of the time, so validation is reached; otherwise any role, or junk. */
function bearer(right: string): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 14, arbitrary: fc.constant(right) },
    { weight: 2, arbitrary: fc.constantFrom(...Object.values(tokens)) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constant(undefined),
        fc.string({ maxLength: 60 }).map((t) => `Bearer ${t}`),
        fc.string({ maxLength: 60 }),
        fc.base64String({ maxLength: 40 }).map((t) => `Bearer ${t}.${t}.${t}`),
      ),
    },
  );
}

/** A path segment: a known one, anything percent-encoded, or raw URL characters including stray `%`. */
function segment(known: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...known) },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9%._~!$&'()*+,;=:@-]{1,70}$/) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '.',
        '..',
        '%',
        '%00',
        '%zz',
        '%E0%A4%A',
        'case-',
        'case-ab',
        `case-${'A'.repeat(70)}`,
      ),
    },
  );
}

const queryPair = fc.tuple(
  fc.oneof(
    fc.constantFrom('status', 'waitingOn', 'municipality', 'location', 'slaBreached', 'agencyRetrying', 'pageSize'),
    fc.constantFrom('__proto__', 'status[]', 'constructor', 'pageSize'),
    fc.string({ maxLength: 12 }),
  ),
  fc.oneof(
    fc.constantFrom('open', 'withdrawn', 'desk:check-in', '0935', 'MIC-Maastricht', 'true', 'brp', '5', '0'),
    fc.constantFrom('101', '-1', '1e1', '0x10', '', 'a:b', "x' OR 'a'='a", 'AAAA', 'CgQIARAB'),
    fc.string({ maxLength: 40 }),
    fc.base64String({ maxLength: 60 }),
  ),
);
/**
 * Filters the schema accepts, so the search itself runs, plus random pairs and raw query text. Page tokens are
 * none or a real one: a made-up token keeps the API busy for ~20 s (see api-errors.test.ts), which would only
 * slow this property down without telling more.
 */
const queryString = (pageTokens: string[]) => {
  const validFilters = fc
    .record(
      {
        status: fc.constantFrom('open', 'completed', 'rejected', 'withdrawn', 'closed-no-show'),
        waitingOn: fc.constantFrom('desk:check-in', 'ind:decision', 'operator:brp'),
        municipality: fc.constantFrom('0935', '0917', '1883'),
        location: fc.constantFrom('MIC-Maastricht', 'MIC Heerlen', 'a.b_c-d'),
        slaBreached: fc.constantFrom('true', 'false'),
        agencyRetrying: fc.constantFrom('brp', 'ind', 'notify'),
        pageSize: fc.integer({ min: 1, max: 100 }).map(String),
        pageToken: fc.constantFrom('', ...pageTokens),
      },
      { requiredKeys: [] },
    )
    .map((filters) => Object.entries(filters));
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(validFilters, fc.array(queryPair, { maxLength: 2 }))
        .map(([valid, extra]) => new URLSearchParams([...valid, ...extra]).toString()),
    },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9%&=[\]._~!$'()*+,;:@-]{0,60}$/) },
  );
};

interface Call {
  method: 'get' | 'post';
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string | undefined;
  requestId?: string;
}

describe('api: fuzzing every endpoint never gets a 5xx, and always answers JSON', function () {
  this.timeout(120_000);
  const taskQueue = uniqueTaskQueue('api-fuzz');
  const suite = apiStackOfSuite(taskQueue);
  let booking: Booking;
  let bookingCase: string;
  const actionCases = new Map<Action, string>();
  let callbackCase: { caseId: string; applicationNumber: string };
  /** A page token the API handed out. */
  let pageToken: string;

  /** What the runs of one property reached: a fuzz that never gets past the door must fail, not pass. */
  let seen: { statuses: Map<number, number>; invalidParams: number; details: Set<string> };
  beforeEach(() => {
    seen = { statuses: new Map(), invalidParams: 0, details: new Set() };
  });
  function assertReached(past: number[], validation = true, pastDetail?: RegExp): void {
    const summary = JSON.stringify(Object.fromEntries(seen.statuses));
    if (validation) assert.ok(seen.invalidParams > 0, `no run reached the schema validation: ${summary}`);
    assert.ok(
      past.some((status) => seen.statuses.has(status)) || [...seen.details].some((d) => pastDetail?.test(d)),
      `no run got as far as ${past.join('/')}: ${summary}`,
    );
  }

  async function send(call: Call): Promise<Response> {
    let req = suite.api[call.method](call.path);
    if (call.authorization !== undefined) req = req.set('authorization', call.authorization);
    if (call.requestId !== undefined) req = req.set('x-request-id', call.requestId);
    if (call.body !== undefined) {
      req = req.set('content-type', call.contentType ?? 'application/json');
      req = req.send(call.body);
    }
    const what = `${call.method.toUpperCase()} ${call.path} (${call.contentType ?? '-'}) ${call.body?.slice(0, 300) ?? ''}`;
    // A hang is a failure too, naming the request that caused it, rather than a mocha timeout.
    const res = await req.timeout({ deadline: 15_000 }).catch((err: unknown) => {
      throw new Error(`${what}: no answer: ${(err as Error).message}`);
    });
    assert.ok(res.status < 500, `${what} answered ${res.status}: ${res.text}`);
    assert.match(String(res.headers['content-type']), /^application\/(problem\+)?json/, `${what}: not JSON`);
    assert.doesNotThrow(() => JSON.parse(res.text) as unknown, `${what}: the body is not JSON: ${res.text}`);
    if (res.status >= 400) {
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/, what);
      assert.equal(res.body.status, res.status, what);
      assert.equal(res.body.requestId, res.headers['x-request-id'], what);
    }
    seen.statuses.set(res.status, (seen.statuses.get(res.status) ?? 0) + 1);
    if (res.status === 400 && Array.isArray(res.body.invalidParams)) seen.invalidParams += 1;
    if (typeof res.body.detail === 'string') seen.details.add(String(res.body.detail));
    return res;
  }

  const createCase = async (b: Booking = vvrBooking()): Promise<string> => {
    const res = await suite.api.post('/v1/cases').set('authorization', tokens.bookingSite).send(b);
    assert.equal(res.status, 201, res.text);
    return String(res.body.caseId);
  };

  before(async function () {
    this.timeout(180_000);
    booking = vvrBooking();
    const [ids, forCallbacks] = await Promise.all([
      Promise.all([createCase(booking), ...actions.map(() => createCase())]),
      createCase(),
    ]);
    bookingCase = ids[0]!;
    actions.forEach((action, i) => actionCases.set(action, ids[i + 1]!));
    const applicationNumber = await eventually(async () => {
      const res = await suite.api.get(`/v1/cases/${forCallbacks}`).set('authorization', tokens.operator).expect(200);
      return (res.body as { results: Record<string, string> }).results.indApplicationNumber;
    }, 30_000);
    callbackCase = { caseId: forCallbacks, applicationNumber };
    pageToken = await eventually(async () => {
      const res = await suite.api.get('/v1/cases?pageSize=1').set('authorization', tokens.operator).expect(200);
      return (res.body as { nextPageToken?: string }).nextPageToken;
    });
  });

  it('POST /v1/cases: random JSON, mutated bookings, random content types and tokens', async () => {
    const hints: Mutation[] = [
      { path: ['residence', 'municipalityCode'], drop: false, value: '0363' },
      { path: ['person', 'nationality'], drop: false, value: 'DEU' },
      { path: ['stay', 'purpose'], drop: false, value: 'eu-citizen' },
      { path: ['permit', 'route'], drop: false, value: 'none' },
      { path: ['permit'], drop: false, value: { route: 'tev' } },
      { path: ['permit'], drop: true, value: null },
      { path: ['sponsor'], drop: true, value: null },
      { path: ['services'], drop: false, value: ['brp-registration', 'return-visa'] },
      { path: ['services'], drop: false, value: ['brp-registration'] },
      { path: ['stay', 'expectedMonths'], drop: false, value: 3 },
      { path: ['householdReference'], drop: false, value: 'HH-FUZZ-1' },
      { path: ['appointment', 'startsAt'], drop: false, value: '2020-01-01T09:00:00Z' },
    ];
    const bookings = fc.oneof(
      { weight: 3, arbitrary: body(booking, hints) },
      // A fresh reference: a mutation that stays valid starts a case, or breaks an intake rule (422).
      { weight: 2, arbitrary: fc.constant(null).chain(() => body(vvrBooking(), hints)) },
    );
    await fc.assert(
      fc.asyncProperty(bookings, contentType, bearer(tokens.bookingSite), async (b, type, authorization) => {
        await send({ method: 'post', path: '/v1/cases', authorization, contentType: type, body: b });
      }),
      { numRuns },
    );
    assertReached([200, 201, 409, 422]);
  });

  it('GET /v1/cases/{caseId}: random ids, tokens and stray bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        segment([bookingCase, callbackCase.caseId, 'case-BK-nope-0001']),
        bearer(tokens.desk),
        fc.option(
          fc.tuple(
            contentType,
            fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)),
          ),
          {
            freq: 5,
          },
        ),
        async (id, authorization, stray) => {
          await send({
            method: 'get',
            path: `/v1/cases/${id}`,
            authorization,
            contentType: stray?.[0],
            body: stray?.[1],
          });
        },
      ),
      { numRuns },
    );
    assertReached([200], false);
  });

  it('GET /v1/cases?…: random filters, page sizes and page tokens', async () => {
    await fc.assert(
      fc.asyncProperty(queryString([pageToken]), bearer(tokens.operator), async (query, authorization) => {
        const res = await send({
          method: 'get',
          path: `/v1/cases?${query}`,
          authorization,
          contentType: undefined,
          body: undefined,
        });
        if (res.status === 200) assert.ok(Array.isArray(res.body.cases), `GET /v1/cases?${query}: no cases array`);
      }),
      { numRuns },
    );
    assertReached([200]);
  });

  // Within a year: a date out of bounds is refused (422) before the case could answer its own 409.
  const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const validActionBodies: Record<Action, Json> = {
    'check-in': { identity: 'verified', note: 'fuzz' },
    'resolve-identity': { identity: 'not-verified', reason: 'fuzz' },
    'resolve-address': { decision: 'refuse', reason: 'fuzz' },
    'capture-biometrics': { captureReference: 'CAP-FUZZ-1' },
    'record-biometrics-quality': { captureReference: 'CAP-FUZZ-1', result: 'retake-needed' },
    'record-embassy-prints': { quality: 'unusable', note: 'fuzz' },
    'record-permit-decision': { decision: 'refused', reason: 'fuzz', note: 'fuzz' },
    'extend-decision-term': { days: 30, reason: 'fuzz' },
    'request-documents': { documents: ['passport', 'contract'], dueAt: inAMonth },
    'documents-supplied': {},
    'decide-return-visa': { decision: 'refuse', reason: 'fuzz' },
    'hand-over-card': {},
    'record-advice': { outcome: 'declined' },
    reschedule: { startsAt: inAMonth, location: 'MIC-Heerlen' },
    'schedule-visit': { purpose: 'card-collection', startsAt: inAMonth },
    withdraw: { reason: 'fuzz' },
    'correct-application-number': { applicationNumber: 'IND-FUZZ-1', reason: 'fuzz' },
    'retry-step': { step: 'permit' },
    'skip-step': { step: 'brp', reason: 'fuzz' },
  };
  const actionTokens: Record<Action, string> = {
    'check-in': tokens.desk,
    'resolve-identity': tokens.desk,
    'resolve-address': tokens.desk,
    'capture-biometrics': tokens.ind,
    'record-biometrics-quality': tokens.ind,
    'record-embassy-prints': tokens.ind,
    'record-permit-decision': tokens.ind,
    'extend-decision-term': tokens.ind,
    'request-documents': tokens.ind,
    'documents-supplied': tokens.desk,
    'decide-return-visa': tokens.ind,
    'hand-over-card': tokens.desk,
    'record-advice': tokens.expat,
    reschedule: tokens.bookingSite,
    'schedule-visit': tokens.desk,
    withdraw: tokens.operator,
    'correct-application-number': tokens.operator,
    'retry-step': tokens.operator,
    'skip-step': tokens.operator,
  };

  for (const action of actions) {
    it(`POST /v1/cases/{caseId}/actions/${action}: mutated bodies, random ids, tokens and request ids`, async () => {
      await fc.assert(
        fc.asyncProperty(
          segment([actionCases.get(action)!]),
          fc.oneof({ weight: 12, arbitrary: fc.constant(action) }, { weight: 1, arbitrary: segment(['check']) }),
          body(validActionBodies[action]),
          contentType,
          bearer(actionTokens[action]),
          fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('same-request-id', 'x'.repeat(129)))),
          async (caseId, name, b, type, authorization, requestId) => {
            await send({
              method: 'post',
              path: `/v1/cases/${caseId}/actions/${name}`,
              authorization,
              contentType: type,
              body: b,
              ...(requestId === null ? {} : { requestId }),
            });
          },
        ),
        { numRuns },
      );
      assertReached([200, 409]);
    });
  }

  const callbackKinds = Object.keys(callbackSchemas) as CallbackKind[];
  for (const kind of callbackKinds) {
    it(`POST /v1/agency-callbacks/${kind}: mutated events, random kinds and tokens`, async () => {
      const valid: Record<CallbackKind, Json> = {
        'ind/decision': {
          caseRef: callbackCase.caseId,
          applicationNumber: callbackCase.applicationNumber,
          decision: 'granted',
          decidedAt: '2030-01-01T09:00:00Z',
        },
        'ind/card-ready': { caseRef: callbackCase.caseId, orderId: 'ORD-FUZZ', readyAt: '2030-01-01T09:00:00Z' },
        'ind/biometrics-quality': { caseRef: callbackCase.caseId, captureReference: 'CAP-FUZZ-9', result: 'accepted' },
      };
      const hints: Mutation[] = [
        { path: ['caseRef'], drop: false, value: bookingCase },
        { path: ['caseRef'], drop: false, value: 'case-BK-nope-0001' },
        { path: ['applicationNumber'], drop: false, value: 'IND-0000000001' },
        { path: ['event'], drop: false, value: kind.split('/')[1] },
      ];
      const [agency, event] = kind.split('/') as [string, string];
      await fc.assert(
        fc.asyncProperty(
          segment([agency]),
          segment([event]),
          body(valid[kind], hints),
          contentType,
          bearer(tokens.agency),
          async (a, e, b, type, authorization) => {
            await send({
              method: 'post',
              path: `/v1/agency-callbacks/${a}/${e}`,
              authorization,
              contentType: type,
              body: b,
            });
          },
        ),
        { numRuns },
      );
      // An unknown case, application, card order or capture is only found out after the event passed validation
      // and the case was read: as far as a call-back for a case that has ordered no card can get.
      assertReached([202, 409], true, /^Unknown (case|application|card order|biometrics capture) /);
    });
  }

  for (const path of ['/healthz', '/readyz']) {
    it(`GET ${path}: random query strings, tokens and stray bodies`, async () => {
      await fc.assert(
        fc.asyncProperty(
          queryString([pageToken]),
          bearer(tokens.operator),
          fc.option(fc.tuple(contentType, fc.string({ maxLength: 40 })), { freq: 4 }),
          async (query, authorization, stray) => {
            await send({
              method: 'get',
              path: `${path}?${query}`,
              authorization,
              contentType: stray?.[0],
              body: stray?.[1],
            });
          },
        ),
        { numRuns },
      );
      assertReached([200], false);
    });
  }
});
