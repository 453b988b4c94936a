import assert from 'node:assert/strict';
import { apiStackOfSuite } from './harness/api-stack';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import request, { type Response } from 'supertest';
import type { Booking } from '../domain/booking';
import { startSandbox } from '../sandbox/app';
import { cardReadySignal } from '../workflows/definitions';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { apiTokensWithOtherSite, otherSiteToken, testApp, tokens } from './harness/api';
import { eventually } from './harness/eventually';
import { freePort } from './harness/ports';
import { startCase, waitingOn } from './harness/case-driver';
import { caseWorkers, temporal, testDataConverter, uniqueTaskQueue } from './harness/temporal';

/** RFC 7807 problem details carrying the HTTP status and the request id of the response header. */
function assertProblem(res: Response, status: number): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.body.status, status);
  assert.ok(typeof res.body.title === 'string' && res.body.title.length > 0, 'a problem has a title');
  assert.ok(typeof res.headers['x-request-id'] === 'string' && res.headers['x-request-id'].length > 0);
  assert.equal(res.body.requestId, res.headers['x-request-id']);
}

const invalidNames = (res: Response): string[] =>
  ((res.body.invalidParams ?? []) as { name: string }[]).map((p) => p.name);

interface Snapshot {
  status: string;
  auditLength: number;
  waitingOn: string[];
}

describe('api: every error is problem details', function () {
  this.timeout(180_000);
  const taskQueue = uniqueTaskQueue('api-errors');
  const suite = apiStackOfSuite(taskQueue);
  /** An open VVR case, settled on desk:check-in and ind:decision: nothing changes it but the tests. */
  let subject: { caseId: string; booking: Booking; applicationNumber: string };

  const snapshot = async (caseId: string): Promise<Snapshot> => {
    const res = await suite.api.get(`/v1/cases/${caseId}`).set('authorization', tokens.operator).expect(200);
    const view = res.body as { status: string; audit: unknown[]; waitingOn: string[] };
    return { status: view.status, auditLength: view.audit.length, waitingOn: view.waitingOn };
  };
  /** Runs a request that must be refused, and checks the case is as it was before. */
  const leavesUnchanged = async (caseId: string, send: () => Promise<Response>): Promise<Response> => {
    const before = await snapshot(caseId);
    const res = await send();
    assert.deepEqual(await snapshot(caseId), before, `the refused request changed ${caseId}`);
    return res;
  };
  /** Books through the booking site's door and expects a new case (201): its id. */
  const booked = async (booking: Booking): Promise<string> => {
    const res = await suite.api.post('/v1/cases').set('authorization', tokens.bookingSite).send(booking).expect(201);
    return String(res.body.caseId);
  };
  const act = (caseId: string, action: string, token: string = tokens.desk) =>
    suite.api.post(`/v1/cases/${caseId}/actions/${action}`).set('authorization', token);

  before(async function () {
    this.timeout(180_000);
    const booking = vvrBooking();
    const caseId = await booked(booking);
    const settled = await eventually(async () => {
      const res = await suite.api.get(`/v1/cases/${caseId}`).set('authorization', tokens.operator).expect(200);
      const view = res.body as { waitingOn: string[]; results: Record<string, string> };
      const ready = view.waitingOn.includes('desk:check-in') && view.waitingOn.includes('ind:decision');
      return ready ? view.results.indApplicationNumber : undefined;
    }, 30_000);
    subject = { caseId, booking, applicationNumber: settled };
  });

  describe('400 Bad Request', () => {
    it('answers malformed JSON with 400, for a booking and for an action (which leaves the case as it was)', async () => {
      const booking = await suite.api
        .post('/v1/cases')
        .set('authorization', tokens.bookingSite)
        .set('content-type', 'application/json')
        .send('{"bookingReference": "BK-1",');
      assertProblem(booking, 400);

      const action = await leavesUnchanged(subject.caseId, () =>
        act(subject.caseId, 'check-in').set('content-type', 'application/json').send('{identity: verified}'),
      );
      assertProblem(action, 400);
    });

    it('names every failing field of an invalid booking in invalidParams, and starts no case', async () => {
      const booking = vvrBooking();
      const res = await suite.api
        .post('/v1/cases')
        .set('authorization', tokens.bookingSite)
        .send({
          ...booking,
          person: { ...booking.person, nationality: 'India' },
          residence: { ...booking.residence, address: { ...booking.residence.address, postcode: '6211 AX' } },
        });
      assertProblem(res, 400);
      const names = invalidNames(res);
      assert.ok(names.includes('person.nationality'), `invalidParams ${names.join(', ')} lack person.nationality`);
      assert.ok(
        names.includes('residence.address.postcode'),
        `invalidParams ${names.join(', ')} lack residence.address.postcode`,
      );
      assert.equal(names.length, 2, `only the two broken fields are named: ${names.join(', ')}`);
      for (const p of res.body.invalidParams as { reason: unknown }[]) {
        assert.ok(typeof p.reason === 'string' && p.reason.length > 0, 'every invalid param has a reason');
      }
      await suite.api
        .get(`/v1/cases/case-${booking.bookingReference}`)
        .set('authorization', tokens.operator)
        .expect(404);
    });

    it('refuses an invalid repeat of an existing booking with 400 and leaves its case as it was', async () => {
      const res = await leavesUnchanged(subject.caseId, () =>
        suite.api
          .post('/v1/cases')
          .set('authorization', tokens.bookingSite)
          .send({ ...subject.booking, stay: { purpose: 'tourism', expectedMonths: 36 } }),
      );
      assertProblem(res, 400);
      assert.deepEqual(invalidNames(res), ['stay.purpose']);
    });

    it('refuses an invalid action body with 400 naming the field, and leaves the case as it was', async () => {
      const wrongValue = await leavesUnchanged(subject.caseId, () =>
        act(subject.caseId, 'check-in').send({ identity: 'probably' }),
      );
      assertProblem(wrongValue, 400);
      assert.deepEqual(invalidNames(wrongValue), ['identity']);

      const actorInBody = await leavesUnchanged(subject.caseId, () =>
        act(subject.caseId, 'check-in').send({ identity: 'verified', actor: { id: 'x', role: 'operator' } }),
      );
      assertProblem(actorInBody, 400);

      const noBody = await leavesUnchanged(subject.caseId, () =>
        act(subject.caseId, 'withdraw', tokens.operator).send(),
      );
      assertProblem(noBody, 400);
      assert.deepEqual(invalidNames(noBody), ['reason']);
    });

    it('refuses a page token it never handed out with 400', async () => {
      const res = await suite.api
        .get('/v1/cases?pageSize=5&pageToken=bm90LWEtdG9rZW4')
        .set('authorization', tokens.desk);
      assertProblem(res, 400);
      assert.match(String(res.body.detail), /pageToken/);
    });

    it('refuses an invalid list query and an invalid call-back body with 400', async () => {
      const list = await suite.api.get('/v1/cases?status=lost&pageSize=1000').set('authorization', tokens.desk);
      assertProblem(list, 400);
      assert.deepEqual(invalidNames(list).sort(), ['pageSize', 'status']);

      const callback = await suite.api
        .post('/v1/agency-callbacks/ind/decision')
        .set('authorization', tokens.agency)
        .send({ caseRef: subject.caseId, applicationNumber: subject.applicationNumber, decision: 'maybe' });
      assertProblem(callback, 400);
      assert.deepEqual(invalidNames(callback), ['decision']);
    });
  });

  describe('401 Unauthorized', () => {
    for (const [what, authorization] of [
      ['no token', undefined],
      ['an unknown token', 'Bearer not-a-known-token'],
      ['a token of another scheme', 'Basic ZGV2LWRlc2stb2ZmaWNlcjo='],
      ['a JWT-shaped token nobody signed', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6Im9wZXJhdG9yIn0.'],
    ] as const) {
      it(`answers ${what} with 401 on every endpoint`, async () => {
        const calls = [
          suite.api.post('/v1/cases').send(vvrBooking()),
          suite.api.get(`/v1/cases/${subject.caseId}`),
          suite.api.get('/v1/cases'),
          suite.api.post(`/v1/cases/${subject.caseId}/actions/check-in`).send({ identity: 'verified' }),
          suite.api.post('/v1/agency-callbacks/ind/card-ready').send({ caseRef: subject.caseId, orderId: 'ORD-1' }),
        ];
        const before = await snapshot(subject.caseId);
        for (const call of calls) {
          const res = await (authorization === undefined ? call : call.set('authorization', authorization));
          assertProblem(res, 401);
        }
        assert.deepEqual(await snapshot(subject.caseId), before);
      });
    }

    it('says how to authenticate: a 401 carries WWW-Authenticate: Bearer (RFC 9110 section 11.6.1)', async () => {
      const res = await suite.api.get('/v1/cases');
      assertProblem(res, 401);
      assert.match(String(res.headers['www-authenticate']), /^Bearer\b/i, 'a 401 must carry WWW-Authenticate');
    });
  });

  describe('403 Forbidden', () => {
    it('refuses a role the matrix does not allow, naming the role, and leaves the case as it was', async () => {
      const res = await leavesUnchanged(subject.caseId, () =>
        act(subject.caseId, 'record-permit-decision', tokens.desk).send({ decision: 'granted' }),
      );
      assertProblem(res, 403);
      assert.match(String(res.body.detail), /desk-officer/);
      assert.match(String(res.body.detail), /record-permit-decision/);
    });
  });

  describe('404 Not Found', () => {
    it('answers an unknown case: read, action, and an id that cannot be a case', async () => {
      assertProblem(await suite.api.get('/v1/cases/case-NO-SUCH-BOOKING-1').set('authorization', tokens.desk), 404);
      assertProblem(await act('case-NO-SUCH-BOOKING-1', 'check-in').send({ identity: 'verified' }), 404);
      assertProblem(await suite.api.get('/v1/cases/not-a-case-id').set('authorization', tokens.desk), 404);
      assertProblem(await act('case-$$$', 'check-in').send({ identity: 'verified' }), 404);
    });

    it('answers an unknown action and an unknown route', async () => {
      const action = await leavesUnchanged(subject.caseId, () => act(subject.caseId, 'teleport').send({}));
      assertProblem(action, 404);
      assert.match(String(action.body.detail), /teleport/);
      const route = await suite.api.get('/v2/cases').set('authorization', tokens.desk);
      assertProblem(route, 404);
      assert.equal(route.body.instance, '/v2/cases');
      assertProblem(await suite.api.delete(`/v1/cases/${subject.caseId}`).set('authorization', tokens.operator), 404);
      assertProblem(
        await suite.api.post('/v1/agency-callbacks/ind/teleported').set('authorization', tokens.agency),
        404,
      );
    });

    it('answers a call-back for an application the case does not have, and leaves the case as it was', async () => {
      const res = await leavesUnchanged(subject.caseId, () =>
        suite.api
          .post('/v1/agency-callbacks/ind/decision')
          .set('authorization', tokens.agency)
          .send({ caseRef: subject.caseId, applicationNumber: 'IND-0000000000', decision: 'refused' }),
      );
      assertProblem(res, 404);
      assert.match(String(res.body.detail), /IND-0000000000/);
    });

    it('answers a card-ready or quality call-back for a card order or capture the case does not have', async () => {
      const card = await leavesUnchanged(subject.caseId, () =>
        suite.api
          .post('/v1/agency-callbacks/ind/card-ready')
          .set('authorization', tokens.agency)
          .send({ caseRef: subject.caseId, orderId: 'ORD-NOT-OURS' }),
      );
      assertProblem(card, 404);
      assert.match(String(card.body.detail), /card order ORD-NOT-OURS/);
      const quality = await leavesUnchanged(subject.caseId, () =>
        suite.api
          .post('/v1/agency-callbacks/ind/biometrics-quality')
          .set('authorization', tokens.agency)
          .send({ caseRef: subject.caseId, captureReference: 'CAP-NOT-OURS', result: 'accepted' }),
      );
      assertProblem(quality, 404);
      assert.match(String(quality.body.detail), /biometrics capture CAP-NOT-OURS/);
    });

    it('answers a call-back for an unknown case', async () => {
      for (const caseRef of ['case-NO-SUCH-BOOKING-2', 'no case at all']) {
        const res = await suite.api
          .post('/v1/agency-callbacks/ind/decision')
          .set('authorization', tokens.agency)
          .send({ caseRef, applicationNumber: subject.applicationNumber, decision: 'granted' });
        assertProblem(res, 404);
        assert.match(String(res.body.detail), /case/);
      }
    });
  });

  describe('409 Conflict', () => {
    it('answers IND decisions that contradict each other, sent at once or later, with one 202 and 409s naming it', async () => {
      const caseId = await booked(vvrBooking());
      const applicationNumber = await eventually(async () => {
        const res = await suite.api.get(`/v1/cases/${caseId}`).set('authorization', tokens.operator).expect(200);
        return (res.body as { results: Record<string, string> }).results.indApplicationNumber;
      }, 30_000);
      const decide = (decision: string) =>
        suite.api
          .post('/v1/agency-callbacks/ind/decision')
          .set('authorization', tokens.agency)
          .send({ caseRef: caseId, applicationNumber, decision, decidedAt: new Date().toISOString() });
      const decisions = ['granted', 'refused', 'granted', 'inadmissible'] as const;
      const answers = await Promise.all(decisions.map(decide));
      const accepted = decisions.filter((_, i) => answers[i]!.status === 202);
      assert.ok(accepted.length >= 1 && new Set(accepted).size === 1, `accepted: ${accepted.join(', ')}`);
      const kept = accepted[0]!;
      for (const [i, res] of answers.entries()) {
        if (decisions[i] === kept) continue;
        assertProblem(res, 409);
        assert.match(
          String(res.body.detail),
          new RegExp(
            `is recorded already: ${kept} on \\d{4}-\\d\\d-\\d\\d\\. A case keeps its first decision; ${decisions[i]} is not applied`,
          ),
        );
      }
      assert.equal((await decide(kept)).status, 202, 'a replayed call-back is accepted');
      assertProblem(await decide(kept === 'granted' ? 'refused' : 'granted'), 409);
      const view = (await suite.api.get(`/v1/cases/${caseId}`).set('authorization', tokens.operator).expect(200))
        .body as { audit: { action: string; detail?: string }[] };
      assert.deepEqual(
        view.audit.filter((e) => e.action === 'permit-decision').map((e) => e.detail),
        [`${kept} (call-back)`],
      );
    });

    it("answers an action at the wrong moment with the workflow validator's reason, and changes nothing", async () => {
      const res = await leavesUnchanged(subject.caseId, () => act(subject.caseId, 'hand-over-card').send({}));
      assertProblem(res, 409);
      assert.equal(res.body.detail, 'the card is not ready for pick-up yet');

      const advice = await leavesUnchanged(subject.caseId, () =>
        act(subject.caseId, 'record-advice', tokens.expat).send({ outcome: 'given' }),
      );
      assertProblem(advice, 409);
      assert.match(String(advice.body.detail), /recording advice is not possible now/);
    });

    it('answers an action and a call-back on a closed case, and the closed case stays as it was', async () => {
      const caseId = await booked(vvrBooking());
      await act(caseId, 'withdraw', tokens.operator).send({ reason: 'closing it for the test' }).expect(200);
      const result = await temporal().client.workflow.getHandle(caseId).result();
      assert.equal((result as { status: string }).status, 'withdrawn');

      const action = await leavesUnchanged(caseId, () => act(caseId, 'check-in').send({ identity: 'verified' }));
      assertProblem(action, 409);
      assert.equal(action.body.detail, `Case ${caseId} is withdrawn; it takes no more actions.`);
      const again = await leavesUnchanged(caseId, () =>
        act(caseId, 'withdraw', tokens.bookingSite).send({ reason: 'twice' }),
      );
      assertProblem(again, 409);
      const callback = await leavesUnchanged(caseId, () =>
        suite.api
          .post('/v1/agency-callbacks/ind/card-ready')
          .set('authorization', tokens.agency)
          .send({ caseRef: caseId, orderId: 'ORD-LATE' }),
      );
      assertProblem(callback, 409);
    });
  });

  describe('413, 415', () => {
    it('refuses a body over 64 kB with 413, before any case is touched', async () => {
      const booking = vvrBooking();
      const huge = { ...booking, person: { ...booking.person, familyName: 'x'.repeat(70 * 1024) } };
      assertProblem(await suite.api.post('/v1/cases').set('authorization', tokens.bookingSite).send(huge), 413);
      await suite.api
        .get(`/v1/cases/case-${booking.bookingReference}`)
        .set('authorization', tokens.operator)
        .expect(404);
      const action = await leavesUnchanged(subject.caseId, () =>
        act(subject.caseId, 'check-in').send({ identity: 'verified', note: 'n'.repeat(65 * 1024) }),
      );
      assertProblem(action, 413);
    });

    it('refuses a text/plain body with 415', async () => {
      const booking = await suite.api
        .post('/v1/cases')
        .set('authorization', tokens.bookingSite)
        .set('content-type', 'text/plain')
        .send(JSON.stringify(vvrBooking()));
      assertProblem(booking, 415);
      const action = await leavesUnchanged(subject.caseId, () =>
        act(subject.caseId, 'check-in').set('content-type', 'text/plain').send('identity=verified'),
      );
      assertProblem(action, 415);
    });
  });

  describe('422 Unprocessable Content', () => {
    const intakeCases: [string, () => Booking, string, RegExp][] = [
      [
        'a municipality the desk does not serve (0363 Amsterdam)',
        () => {
          const b = vvrBooking();
          return { ...b, residence: { ...b.residence, municipalityCode: '0363' } };
        },
        'residence.municipalityCode',
        /0363.*not served/,
      ],
      [
        'an EU citizen asking for a residence permit',
        () => euBooking({ permit: { route: 'vvr' }, services: ['brp-registration', 'residence-permit', 'advice'] }),
        'services',
        /EU\/EEA\/Swiss citizens need no residence-permit/,
      ],
      [
        'a highly skilled migrant without a sponsor',
        () => vvrBooking({ sponsor: undefined }),
        'sponsor',
        /a highly-skilled-migrant needs a recognised sponsor/,
      ],
    ];
    for (const [what, makeBooking, field, reason] of intakeCases) {
      it(`refuses ${what} with the reason, and starts no case`, async () => {
        const booking = makeBooking();
        const res = await suite.api.post('/v1/cases').set('authorization', tokens.bookingSite).send(booking);
        assertProblem(res, 422);
        assert.match(String(res.body.detail), reason);
        const params = res.body.invalidParams as { name: string; reason: string }[];
        assert.ok(
          params.some((p) => p.name === field && reason.test(p.reason)),
          `invalidParams ${JSON.stringify(params)} lack ${field}`,
        );
        await suite.api
          .get(`/v1/cases/case-${booking.bookingReference}`)
          .set('authorization', tokens.operator)
          .expect(404);
        const runs = temporal().client.workflow.list({ query: `WorkflowId = 'case-${booking.bookingReference}'` });
        for await (const run of runs) assert.fail(`a case was started: ${run.workflowId}`);
      });
    }

    it('refuses an intake-breaking repeat of an existing booking with 422 and leaves its case as it was', async () => {
      const res = await leavesUnchanged(subject.caseId, () =>
        suite.api
          .post('/v1/cases')
          .set('authorization', tokens.bookingSite)
          .send({ ...subject.booking, residence: { ...subject.booking.residence, municipalityCode: '0363' } }),
      );
      assertProblem(res, 422);
    });
  });

  describe('request ids', () => {
    it("echoes the caller's x-request-id in the header and in the problem, and replaces one it cannot use", async () => {
      const echoed = await suite.api
        .get('/v1/cases/case-NO-SUCH-3')
        .set('authorization', tokens.desk)
        .set('x-request-id', 'desk-42');
      assertProblem(echoed, 404);
      assert.equal(echoed.body.requestId, 'desk-42');
      const replaced = await suite.api
        .get('/v1/cases/case-NO-SUCH-3')
        .set('authorization', tokens.desk)
        .set('x-request-id', 'a b"c');
      assertProblem(replaced, 404);
      assert.notEqual(replaced.body.requestId, 'a b"c');
    });
  });
});

describe('api: 503 with Retry-After when Temporal cannot answer', function () {
  this.timeout(180_000);

  it('accepts a booking with 202 while no worker runs, and its retry too; reads and actions are 503; a worker then runs it', async () => {
    const taskQueue = uniqueTaskQueue('noworker');
    const app = testApp({ taskQueue, actionTimeoutMs: 1500, env: { API_TOKENS: apiTokensWithOtherSite } });
    const booking = vvrBooking();
    const caseId = `case-${booking.bookingReference}`;
    // Not a speed check: a request that hangs past every timeout of the API fails here instead of at mocha's.
    const answered = (req: request.Test): Promise<Response> => req.timeout({ deadline: 30_000 });
    const assertUnavailable = (res: Response): void => {
      assertProblem(res, 503);
      assert.match(String(res.headers['retry-after']), /^\d+$/, 'a 503 carries Retry-After in seconds');
    };
    const assertAccepted = (res: Response): void => {
      assert.equal(res.status, 202, res.text);
      assert.deepEqual(res.body, { accepted: true, caseId });
      assert.equal(res.headers.location, `/v1/cases/${caseId}`);
      assert.match(String(res.headers['retry-after']), /^\d+$/);
    };

    assertAccepted(
      await answered(request(app).post('/v1/cases').set('authorization', tokens.bookingSite).send(booking)),
    );
    const description = await temporal().client.workflow.getHandle(caseId).describe();
    assert.equal(description.status.name, 'RUNNING', 'the case is started even though no worker has run it');

    assertUnavailable(await answered(request(app).get(`/v1/cases/${caseId}`).set('authorization', tokens.desk)));
    assertUnavailable(await answered(request(app).get(`/v1/cases/${caseId}`).set('authorization', tokens.bookingSite)));
    // Another booking site is not told, by a 503 where it would get a 404, that the case exists.
    const byOther = await answered(request(app).get(`/v1/cases/${caseId}`).set('authorization', otherSiteToken));
    assertProblem(byOther, 404);
    assertProblem(
      await answered(
        request(app)
          .post(`/v1/cases/${caseId}/actions/withdraw`)
          .set('authorization', otherSiteToken)
          .send({ reason: 'not ours' }),
      ),
      404,
    );
    assertUnavailable(
      await answered(
        request(app)
          .post(`/v1/cases/${caseId}/actions/check-in`)
          .set('authorization', tokens.desk)
          .send({ identity: 'verified' }),
      ),
    );
    assertAccepted(
      await answered(request(app).post('/v1/cases').set('authorization', tokens.bookingSite).send(booking)),
    );
    const other = await answered(
      request(app)
        .post('/v1/cases')
        .set('authorization', tokens.bookingSite)
        .send({ ...booking, services: ['advice'] }),
    );
    assertProblem(other, 409); // other content under the same reference, told apart with no worker

    const sandbox = await startSandbox({ callbackToken: 'dev-agency' });
    try {
      const workers = await caseWorkers(taskQueue, { sandboxUrl: sandbox.url });
      await workers.runUntil(async () => {
        // The booking site retries after Retry-After: 202 until the worker has run the case's first task (seconds
        // on a busy machine, longer than the API's 1.5 s here), then 200 with the case.
        const retry = await eventually(async () => {
          const res = await request(app).post('/v1/cases').set('authorization', tokens.bookingSite).send(booking);
          if (res.status !== 202) return res;
          assertAccepted(res);
          return undefined;
        }, 120_000);
        assert.equal(retry.status, 200, retry.text);
        assert.equal(retry.body.caseId, caseId);
        assert.equal(retry.body.case.bookingReference, booking.bookingReference);
      });
    } finally {
      await sandbox.close();
    }
  });

  it('answers 503, not 500, while the workflow task of a case keeps failing, and applies nothing', async () => {
    // A worker without the case's workflow fails each of its workflow tasks, as killed workers time them out:
    // from the third attempt until a task completes again, Temporal refuses queries and updates at once with
    // FAILED_PRECONDITION ("Workflow Task in failed state").
    const taskQueue = uniqueTaskQueue('failing-task');
    const app = testApp({ taskQueue, actionTimeoutMs: 1500 });
    const handle = await startCase(taskQueue, euBooking());
    await (await caseWorkers(taskQueue)).runUntil(() => waitingOn(handle, 'desk:check-in'));
    const unfit = await Worker.create({
      connection: temporal().nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../workflows/stuck-cases-report'),
      dataConverter: testDataConverter,
    });
    try {
      await unfit.runUntil(async () => {
        await handle.signal(cardReadySignal, { orderId: 'none' });
        await eventually(
          async () => ((await handle.describe()).raw.pendingWorkflowTask?.attempt ?? 0) >= 3 || undefined,
          60_000,
        );
        const read = await request(app).get(`/v1/cases/${handle.workflowId}`).set('authorization', tokens.desk);
        assert.equal(read.status, 200, `a read answers with what Temporal knows: ${read.text}`);
        assert.equal(read.body.needsOperator?.problem, 'workflow-task-failing');
        const action = await request(app)
          .post(`/v1/cases/${handle.workflowId}/actions/check-in`)
          .set('authorization', tokens.desk)
          .send({ identity: 'verified' });
        assertProblem(action, 503);
        assert.match(String(action.headers['retry-after']), /^\d+$/);
        const { events } = await handle.fetchHistory();
        assert.ok(!events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes), 'no update was accepted');
      });
    } finally {
      await handle.terminate('test over');
    }
  });

  it('answers a case list with 503 and Retry-After, not a 400, while Temporal is unreachable', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    try {
      const app = testApp({
        taskQueue: 'unused',
        client: new Client({ connection }),
        connection,
        actionTimeoutMs: 1500,
      });
      const res = await request(app).get('/v1/cases').set('authorization', tokens.desk).timeout({ deadline: 30_000 });
      assertProblem(res, 503);
      assert.match(String(res.headers['retry-after']), /^\d+$/);
    } finally {
      await connection.close();
    }
  });
});
