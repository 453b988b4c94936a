import assert from 'node:assert/strict';
import { apiStackOfSuite } from './harness/api-stack';
import { type Response } from 'supertest';
import { may, type Permission } from '../api/roles';
import { actionNames as actions, type ActionName as Action } from '../workflows/actions';
import { actionBodies } from '../workflows/action-bodies';
import { expectedAllowed } from './fixtures/role-cells';
import type { Booking } from '../domain/booking';
import { roles, type Role } from '../workflows/definitions';
import { vvrBooking } from './fixtures/bookings';
import { tokenOf, tokens } from './harness/api';
import { eventually } from './harness/eventually';
import { uniqueTaskQueue } from './harness/temporal';

/** A body each action's schema accepts: a refusal can then only come from the role, never from the body. */
const validBodies: Record<Action, object> = {
  'check-in': { identity: 'verified' },
  'resolve-identity': { identity: 'verified' },
  'resolve-address': { decision: 'accept' },
  'capture-biometrics': { captureReference: 'CAP-ROLES-1' },
  'record-biometrics-quality': { captureReference: 'CAP-ROLES-1', result: 'accepted' },
  'record-embassy-prints': { quality: 'usable' },
  'record-permit-decision': { decision: 'granted' },
  'extend-decision-term': { days: 30, reason: 'the medical advice takes longer' },
  'request-documents': { documents: ['a certified copy of the employment contract'] },
  'documents-supplied': {},
  'decide-return-visa': { decision: 'issue' },
  'hand-over-card': {},
  'record-advice': { outcome: 'given' },
  reschedule: { startsAt: new Date(Date.now() + 14 * 86_400_000).toISOString() },
  'schedule-visit': { purpose: 'biometrics-retake', startsAt: new Date(Date.now() + 14 * 86_400_000).toISOString() },
  withdraw: { reason: 'moved to another country' },
  'correct-application-number': { applicationNumber: 'IND-ROLES-1', reason: 'a digit was mistyped' },
  'retry-step': { step: 'brp' },
  'skip-step': { step: 'advice', reason: 'declined by phone' },
};

function assertForbidden(res: Response, role: Role, permission: Permission): void {
  assert.equal(res.status, 403, `${role} ${permission}: expected 403, got ${res.status} ${res.text}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.body.status, 403);
  assert.equal(res.body.requestId, res.headers['x-request-id']);
  assert.ok(String(res.body.detail).includes(role), `403 detail "${res.body.detail}" does not name ${role}`);
  assert.ok(
    String(res.body.detail).includes(permission),
    `403 detail "${res.body.detail}" does not name ${permission}`,
  );
}

/** Roles not allowed first: their cells must not depend on what an allowed role did to the case. */
const deniedFirst = (permission: Permission): Role[] =>
  [...roles].sort((a, b) => Number(may(a, permission)) - Number(may(b, permission)));

describe('api: the role matrix, cell by cell', function () {
  this.timeout(180_000);
  const taskQueue = uniqueTaskQueue('api-roles');
  const suite = apiStackOfSuite(taskQueue);
  /** For each action, one case per allowed role (the first one also serves the refused roles). */
  const actionCases = new Map<string, string>();
  let readCase: string;
  let callbackCase: { caseId: string; applicationNumber: string };

  const createCase = async (booking: Booking = vvrBooking()): Promise<string> => {
    const res = await suite.api.post('/v1/cases').set('authorization', tokens.bookingSite).send(booking);
    assert.equal(res.status, 201, res.text);
    return String(res.body.caseId);
  };
  const viewOf = async (caseId: string) => {
    const res = await suite.api.get(`/v1/cases/${caseId}`).set('authorization', tokens.operator).expect(200);
    return res.body as {
      status: string;
      waitingOn: string[];
      results: Record<string, string>;
      audit: { actor: { role: string } }[];
    };
  };

  before(async function () {
    this.timeout(180_000);
    const wanted = actions.flatMap((action) => {
      const allowed = roles.filter((r) => may(r, action));
      return (allowed.length > 0 ? allowed : ['none']).map((role) => `${action}/${role}`);
    });
    const [ids, read, callback] = await Promise.all([
      Promise.all(wanted.map(() => createCase())),
      createCase(),
      createCase(),
    ]);
    wanted.forEach((key, i) => actionCases.set(key, ids[i]!));
    readCase = read;
    const linked = await eventually(async () => {
      const view = await viewOf(callback);
      return view.results.indApplicationNumber;
    }, 30_000);
    callbackCase = { caseId: callback, applicationNumber: linked };
  });

  for (const action of actions) {
    describe(`POST /v1/cases/{caseId}/actions/${action}`, () => {
      const firstAllowed = roles.find((r) => may(r, action)) ?? 'none';
      for (const role of deniedFirst(action)) {
        const allowed = may(role, action);
        it(`${allowed ? 'lets' : 'refuses'} ${role}`, async () => {
          assert.ok(actionBodies[action].safeParse(validBodies[action]).success, 'the test body must be valid');
          const expected = expectedAllowed(role, action);
          const caseId = actionCases.get(`${action}/${allowed ? role : firstAllowed}`)!;
          assert.equal((await viewOf(caseId)).status, 'open', 'the cell needs an open case');
          const res = await suite.api
            .post(`/v1/cases/${caseId}/actions/${action}`)
            .set('authorization', tokenOf[role])
            .send(validBodies[action]);
          if (!expected) return assertForbidden(res, role, action);
          assert.ok(
            [200, 409].includes(res.status),
            `${role} ${action}: expected 200 or 409, got ${res.status} ${res.text}`,
          );
          if (res.status === 409) {
            assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
            assert.ok(typeof res.body.detail === 'string' && res.body.detail.length > 0, 'a 409 says why');
          } else {
            assert.equal(res.body.caseId, caseId);
            // The booking site is answered without the audit trail (api/case-views.ts): read it as an operator.
            const { audit } = await viewOf(caseId);
            assert.ok(
              audit.some((entry) => entry.actor.role === role),
              `the audit trail does not record ${role}: ${JSON.stringify(audit)}`,
            );
          }
        });
      }
    });
  }

  describe('POST /v1/cases (create-case)', () => {
    for (const role of roles) {
      it(`${may(role, 'create-case') ? 'lets' : 'refuses'} ${role}`, async () => {
        const booking = vvrBooking();
        const res = await suite.api.post('/v1/cases').set('authorization', tokenOf[role]).send(booking);
        if (!expectedAllowed(role, 'create-case')) {
          assertForbidden(res, role, 'create-case');
          await suite.api
            .get(`/v1/cases/case-${booking.bookingReference}`)
            .set('authorization', tokens.operator)
            .expect(404);
          return;
        }
        assert.equal(res.status, 201, res.text);
        assert.equal(res.body.caseId, `case-${booking.bookingReference}`);
      });
    }
  });

  describe('GET /v1/cases/{caseId} (read-case)', () => {
    for (const role of roles) {
      it(`${may(role, 'read-case') ? 'lets' : 'refuses'} ${role}`, async () => {
        const res = await suite.api.get(`/v1/cases/${readCase}`).set('authorization', tokenOf[role]);
        if (!expectedAllowed(role, 'read-case')) return assertForbidden(res, role, 'read-case');
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body.caseId, readCase);
      });
    }
  });

  describe('GET /v1/cases (list-cases)', () => {
    for (const role of roles) {
      it(`${may(role, 'list-cases') ? 'lets' : 'refuses'} ${role}`, async () => {
        const res = await suite.api.get('/v1/cases?pageSize=5').set('authorization', tokenOf[role]);
        if (!expectedAllowed(role, 'list-cases')) return assertForbidden(res, role, 'list-cases');
        assert.equal(res.status, 200, res.text);
        assert.ok(Array.isArray(res.body.cases));
      });
    }
  });

  describe('POST /v1/agency-callbacks/ind/decision (agency-callback)', () => {
    for (const role of deniedFirst('agency-callback')) {
      it(`${may(role, 'agency-callback') ? 'lets' : 'refuses'} ${role}`, async () => {
        const res = await suite.api.post('/v1/agency-callbacks/ind/decision').set('authorization', tokenOf[role]).send({
          caseRef: callbackCase.caseId,
          applicationNumber: callbackCase.applicationNumber,
          decision: 'granted',
        });
        if (!expectedAllowed(role, 'agency-callback')) return assertForbidden(res, role, 'agency-callback');
        assert.equal(res.status, 202, res.text);
        assert.deepEqual(res.body, { accepted: true, caseId: callbackCase.caseId });
      });
    }
  });
});
