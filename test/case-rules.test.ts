import assert from 'node:assert/strict';
import request from 'supertest';
import type { Booking } from '../domain/booking';
import type { CaseView } from '../workflows/definitions';
import type { CaseSettings } from '../workflows/settings';
import { objectionLastDay } from '../domain/objection';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { startSandbox } from '../sandbox/app';
import { testApp, tokens } from './harness/api';
import { startCase, waitForCase } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';
import { eventually } from './harness/eventually';
import { testSandboxAdminToken } from './harness/sandbox-admin';
import { testSettings } from './harness/temporal';

/**
 * The desk's rules of issue 12 (items 1 to 5), each as the people at the desk meet them: over the API, with the
 * real server, workers and agency sandbox.
 */
describe('case rules: biometrics, reasons, TEV, IND terms and inadmissibility', () => {
  const stack = useCaseStack({ name: 'rules' });

  /** The API and workers of the current test; `fn` drives the desk through `desk`. */
  async function atTheDesk<T>(fn: (desk: Desk) => Promise<T>, settings?: CaseSettings): Promise<T> {
    const api = request(testApp({ taskQueue: stack.taskQueue }));
    return stack.runWorkers(() => fn(new Desk(api, stack)), settings ? { settings } : {});
  }

  describe('1. biometrics before a card', () => {
    it('refuses a VVR booking without the biometrics service at intake, and starts no case', async () => {
      await atTheDesk(async (desk) => {
        const booking = vvrBooking({ services: ['brp-registration', 'residence-permit'] });
        const res = await desk.book(booking);
        assert.equal(res.status, 422, res.text);
        assert.match(String(res.body.detail), /without an MVV needs the biometrics service/);
        await desk.api.get(`/v1/cases/case-${booking.bookingReference}`).set('authorization', tokens.desk).expect(404);
        const tevWithoutMvv = vvrBooking({
          permit: { route: 'tev', mvvIssued: false },
          services: ['residence-permit'],
        });
        assert.equal((await desk.book(tevWithoutMvv)).status, 422);
      });
    });

    it('an MVV holder whose embassy prints are unusable gets the card only after accepted biometrics', async () => {
      await atTheDesk(async (desk) => {
        const booking = tevWithMvv('IND-TEV-2001');
        const caseId = await desk.bookOk(booking);
        await desk.checkIn(caseId);
        await desk.until(caseId, (v) => v.waitingOn.includes('ind:embassy-prints'));
        await desk.act(caseId, 'record-embassy-prints', tokens.desk, { quality: 'unusable' }).expect(403);
        await desk.act(caseId, 'capture-biometrics', tokens.ind, { captureReference: 'CAP-EARLY' }).expect(409);
        const judged = await desk.act(caseId, 'record-embassy-prints', tokens.ind, {
          quality: 'unusable',
          note: 'fingerprints smudged',
        });
        assert.equal(judged.status, 200, judged.text);
        await desk.grantIfPending(caseId);
        const retake = await desk.until(caseId, (v) => v.waitingOn.includes('ind:biometrics'));
        assert.equal(stepOf(retake, 'biometrics').detail, 'the embassy prints are unusable');
        // Granted, but no card is ordered without biometrics: IND could not make it.
        await new Promise((r) => setTimeout(r, 1_500));
        const waiting = await desk.view(caseId);
        assert.equal(waiting.references.cardOrder, undefined);
        assert.ok(!cardsOf(stack, caseId).length, 'no card order reached IND');
        await desk.act(caseId, 'hand-over-card', tokens.desk).expect(409);

        assert.equal(entry(waiting, 'record-embassy-prints').note, 'fingerprints smudged');
        await desk.act(caseId, 'capture-biometrics', tokens.ind, { captureReference: 'CAP-RETAKE-1' }).expect(200);
        await desk.until(caseId, (v) => v.waitingOn.includes('ind:card'));
        assert.equal(stepOf(await desk.view(caseId), 'biometrics').outcome, 'accepted');
        await desk.cardReadyAndHandOver(caseId);
        const done = await desk.until(caseId, (v) => v.status === 'completed');
        assert.equal(stepOf(done, 'card').outcome, 'handed-over');
      });
    });

    it('an MVV holder whose embassy prints are usable gets the card without a capture', async () => {
      await atTheDesk(async (desk) => {
        const caseId = await desk.bookOk(tevWithMvv('IND-TEV-2002'));
        await desk.grantIfPending(caseId);
        await desk.checkIn(caseId);
        await desk.until(caseId, (v) => v.waitingOn.includes('ind:embassy-prints'));
        assert.ok(!cardsOf(stack, caseId).length, 'no card before the prints are judged');
        await desk.act(caseId, 'record-embassy-prints', tokens.ind, { quality: 'usable' }).expect(200);
        const ordered = await desk.until(caseId, (v) => v.waitingOn.includes('ind:card'));
        assert.equal(stepOf(ordered, 'biometrics').outcome, 'embassy-prints');
        await desk.act(caseId, 'record-embassy-prints', tokens.ind, { quality: 'unusable' }).expect(409);
        await desk.cardReadyAndHandOver(caseId);
        await desk.until(caseId, (v) => v.status === 'completed');
      });
    });

    it('a permit case started by hand without biometrics gets no card', async () => {
      await atTheDesk(async (desk) => {
        const booking = vvrBooking({ services: ['residence-permit'] });
        const handle = await startCase(stack.taskQueue, booking);
        const caseId = handle.workflowId;
        await desk.checkIn(caseId);
        await desk.grantIfPending(caseId);
        const done = await desk.until(caseId, (v) => v.status === 'completed');
        assert.equal(stepOf(done, 'permit').outcome, 'granted');
        assert.equal(stepOf(done, 'card').outcome, 'not-issued');
        assert.match(stepOf(done, 'card').detail ?? '', /no accepted biometrics/);
        assert.ok(!cardsOf(stack, caseId).length, 'no card order reached IND');
      });
    });
  });

  describe("2. inadmissibility is IND's decision", () => {
    const requestDocuments = async (desk: Desk, caseId: string) => {
      await desk.until(caseId, (v) => v.waitingOn.includes('ind:decision'));
      const dueAt = new Date(Date.now() + 1_500).toISOString();
      const res = await desk.act(caseId, 'request-documents', tokens.ind, { documents: ['diploma'], dueAt });
      assert.equal(res.status, 200, res.text);
      const overdue = await desk.until(caseId, (v) => stepOf(v, 'permit').detail === 'documents overdue');
      assert.ok(overdue.waitingOn.includes('ind:decision'));
      assert.equal(stepOf(overdue, 'permit').state, 'waiting');
      assert.ok(!overdue.audit.some((a) => a.action === 'permit-decision'), 'the case decided nothing itself');
      assert.equal(overdue.deadlines.find((x) => x.name === 'ind-decision-legal-term')?.state, 'running');
      const operations = (await desk.stack.admin.ledger(caseId)).map((e) => e.operation);
      assert.ok(operations.includes('report-documents-overdue'), `IND was not told: ${operations.join(', ')}`);
      await desk.act(caseId, 'documents-supplied', tokens.desk).expect(409);
      return overdue;
    };

    it("a passed due date goes to IND; IND's later grant is taken, not overruled", async () => {
      await atTheDesk(async (desk) => {
        const caseId = await desk.bookOk(vvrBooking({ services: ['residence-permit', 'biometrics'] }));
        const overdue = await requestDocuments(desk, caseId);
        await desk.stack.admin.decide(overdue.results.indApplicationNumber!, 'granted');
        const granted = await desk.until(caseId, (v) => stepOf(v, 'permit').state === 'done');
        assert.equal(stepOf(granted, 'permit').outcome, 'granted');
        assert.equal(entry(granted, 'permit-decision').actor.role, 'agency');
        await desk.act(caseId, 'withdraw', tokens.operator, { reason: 'test done' }).expect(200);
      });
    });

    it('an IND officer declares it inadmissible, with a reason; the e-mail gives the objection term', async () => {
      await atTheDesk(async (desk) => {
        const caseId = await desk.bookOk(vvrBooking({ services: ['residence-permit', 'biometrics'] }));
        await requestDocuments(desk, caseId);
        await unprocessable(desk.act(caseId, 'record-permit-decision', tokens.ind, { decision: 'inadmissible' }));
        const reason = 'documents overdue: no diploma by the due date';
        await desk.act(caseId, 'record-permit-decision', tokens.ind, { decision: 'inadmissible', reason }).expect(200);
        const decided = await desk.until(caseId, (v) => stepOf(v, 'permit').state === 'done');
        assert.equal(stepOf(decided, 'permit').outcome, 'inadmissible');
        assert.equal(entry(decided, 'permit-decision').actor.role, 'ind-officer');
        const mail = await desk.email(caseId, 'permit-decided');
        assert.equal(mail.decision, 'inadmissible');
        assert.equal(mail.reason, reason);
        assert.equal(mail.objectionTerm, '4 weeks (Aliens Act 2000, art. 69)');
        await desk.act(caseId, 'withdraw', tokens.operator, { reason: 'test done' }).expect(200);
      });
    });

    it("the sandbox's IND, told of overdue documents, declares the application inadmissible after its delay", async () => {
      const sandbox = await startSandbox({ decisionDelayMs: 1_000 });
      try {
        const ind = (path: string, body: object) =>
          fetch(`${sandbox.url}/ind${path}`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: 'Bearer sandbox-dev-token',
              'idempotency-key': `${path}:${Date.now()}`,
            },
            body: JSON.stringify(body),
          });
        const caseRef = 'case-BK-OVERDUE';
        const filed = await ind('/applications', { caseRef, purpose: 'student', route: 'vvr' });
        const { applicationNumber } = (await filed.json()) as { applicationNumber: string };
        const dueAt = new Date().toISOString();
        const told = await ind(`/applications/${applicationNumber}/documents-overdue`, { caseRef, dueAt });
        assert.equal(told.status, 200, await told.text());
        const decided = await eventually(async () => {
          const application = sandbox.state.applications.get(applicationNumber);
          return Promise.resolve(application?.status === 'pending' ? undefined : application);
        }, 10_000);
        assert.equal(decided.status, 'inadmissible', 'not granted by the delay: the documents came first');
        assert.match(decided.reason ?? '', /documents did not arrive/);
      } finally {
        await sandbox.close();
      }
    });
  });

  describe("3. the legal term and the sponsor target run from IND's receipt date", () => {
    const day = 86_400_000;
    const sponsorFiled = async (number: string, purpose: Booking['stay']['purpose'], receivedAt: string) => {
      const res = await fetch(`${stack.sandbox.url}/_admin/ind/applications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${testSandboxAdminToken}` },
        body: JSON.stringify({ applicationNumber: number, purpose, sponsorNumber: 'RS-100234', receivedAt }),
      });
      assert.equal(res.status, 201, await res.text());
      return vvrBooking({
        stay: { purpose, expectedMonths: 24 },
        permit: { route: 'vvr', indApplicationNumber: number },
        services: ['residence-permit', 'biometrics'],
      });
    };
    const dueOf = (view: CaseView, name: string) => {
      const deadline = view.deadlines.find((x) => x.name === name);
      assert.ok(deadline, `no deadline ${name}: ${JSON.stringify(view.deadlines)}`);
      return deadline;
    };
    const near = (iso: string, expected: number, what: string) =>
      assert.ok(
        Math.abs(Date.parse(iso) - expected) < 120_000,
        `${what}: ${iso}, expected ${new Date(expected).toISOString()}`,
      );

    it("a researcher's 60-day term from the sponsor's filing; IND extends it once, with a reason", async () => {
      await atTheDesk(async (desk) => {
        const receivedAt = Date.now() - 50 * day;
        const booking = await sponsorFiled('IND-SPONSOR-3001', 'researcher', new Date(receivedAt).toISOString());
        const caseId = await desk.bookOk(booking);
        const linked = await desk.until(caseId, (v) => dueOf(v, 'ind-decision-sponsor-target').state === 'breached');
        near(dueOf(linked, 'ind-decision-legal-term').dueAt, receivedAt + 60 * day, 'the 60-day term');
        assert.equal(dueOf(linked, 'ind-decision-legal-term').state, 'running');
        near(dueOf(linked, 'ind-decision-sponsor-target').dueAt, receivedAt + 14 * day, 'the sponsor target');
        assert.equal(linked.slaBreached, true);

        const extend = (token: string, body: object) => desk.act(caseId, 'extend-decision-term', token, body);
        await extend(tokens.desk, { days: 30, reason: 'medical advice needed' }).expect(403);
        await extend(tokens.ind, { days: 91, reason: 'medical advice needed' }).expect(400);
        await extend(tokens.ind, { days: 0, reason: 'medical advice needed' }).expect(400);
        await extend(tokens.ind, { days: 30 }).expect(400);
        await unprocessable(extend(tokens.ind, { days: 30, reason: '   ' }), /extending the legal term/);
        const extended = await extend(tokens.ind, { days: 30, reason: 'medical advice needed' });
        assert.equal(extended.status, 200, extended.text);
        const view = extended.body as CaseView;
        near(dueOf(view, 'ind-decision-legal-term').dueAt, receivedAt + 90 * day, 'the extended term');
        assert.equal(entry(view, 'extend-decision-term').reason, 'medical advice needed');
        const again = await extend(tokens.ind, { days: 10, reason: 'more time' });
        assert.equal(again.status, 409, again.text);
        assert.match(String(again.body.detail), /already extended once, by 30 days/);
        await desk.act(caseId, 'withdraw', tokens.operator, { reason: 'test done' }).expect(200);
      });
    });

    /** A sponsor's application received `receivedDaysAgo`, refused by IND's call-back dated `decidedAt`. */
    const refusedByCallBack = async (desk: Desk, number: string, receivedDaysAgo: number, decidedAt: string) => {
      const receivedAt = new Date(Date.now() - receivedDaysAgo * day).toISOString();
      const caseId = await desk.bookOk(await sponsorFiled(number, 'highly-skilled-migrant', receivedAt));
      await desk.until(caseId, (v) => v.results.indApplicationNumber === number);
      await desk.api
        .post('/v1/agency-callbacks/ind/decision')
        .set('authorization', tokens.agency)
        .send({ caseRef: caseId, applicationNumber: number, decision: 'refused', decidedAt, reason: 'no salary' })
        .expect(202);
      const view = await desk.until(caseId, (v) => stepOf(v, 'permit').outcome === 'refused');
      return { heardAt: new Date(entry(view, 'permit-decision').at), mail: await desk.email(caseId, 'permit-decided') };
    };

    it("IND's refusal of 20 days ago, called back today: the last day to object counts from IND's date", async () => {
      await atTheDesk(async (desk) => {
        const decidedAt = new Date(Date.now() - 20 * day).toISOString();
        const { heardAt, mail } = await refusedByCallBack(desk, 'IND-SPONSOR-3005', 50, decidedAt);
        assert.equal(mail.objectionLastDay, objectionLastDay(new Date(decidedAt)));
        assert.notEqual(mail.objectionLastDay, objectionLastDay(heardAt), 'counted from the call-back, not from IND');
      });
    });

    it('a decision date IND cannot mean (before it received the application, or ahead) counts as the day the case heard it', async () => {
      await atTheDesk(async (desk) => {
        for (const [number, decidedAt] of [
          ['IND-SPONSOR-3006', new Date(Date.now() - 30 * day).toISOString()],
          ['IND-SPONSOR-3007', new Date(Date.now() + 40 * day).toISOString()],
        ] as const) {
          const { heardAt, mail } = await refusedByCallBack(desk, number, 5, decidedAt);
          assert.equal(mail.objectionLastDay, objectionLastDay(heardAt), decidedAt);
        }
      });
    });

    it('a decision that comes in before the case links the application is kept; a contradicting one is refused', async () => {
      await atTheDesk(async (desk) => {
        const booking = await sponsorFiled('IND-SPONSOR-3008', 'highly-skilled-migrant', new Date().toISOString());
        await stack.admin.faults({ agency: 'ind', outage: true });
        try {
          const caseId = await desk.bookOk(booking);
          const decide = (decision: string) =>
            desk.api
              .post('/v1/agency-callbacks/ind/decision')
              .set('authorization', tokens.agency)
              .send({ caseRef: caseId, applicationNumber: 'IND-SPONSOR-3008', decision, reason: 'no salary' });
          await decide('granted').expect(202);
          await decide('granted').expect(202);
          const refused = await decide('refused').expect(409);
          assert.match(String(refused.body.detail), /came in already: granted, held until the case links/);
          // Decisions on numbers the case may yet link are held, a few at most: an agency cannot fill the case.
          for (const n of [1, 2, 3, 4]) {
            await desk.api
              .post('/v1/agency-callbacks/ind/decision')
              .set('authorization', tokens.agency)
              .send({ caseRef: caseId, applicationNumber: `IND-OTHER-${n}`, decision: 'granted' })
              .expect(202);
          }
          const full = await desk.api
            .post('/v1/agency-callbacks/ind/decision')
            .set('authorization', tokens.agency)
            .send({ caseRef: caseId, applicationNumber: 'IND-OTHER-5', decision: 'granted' })
            .expect(409);
          assert.match(String(full.body.detail), /holds 5 decisions for applications it has not linked yet/);
          await stack.admin.clearFaults();
          const linked = await desk.until(caseId, (v) => stepOf(v, 'permit').state === 'done');
          assert.equal(stepOf(linked, 'permit').outcome, 'granted');
          await desk.act(caseId, 'withdraw', tokens.operator, { reason: 'test done' }).expect(200);
        } finally {
          await stack.admin.clearFaults();
        }
      });
    });

    it('a receipt date in the year 9999 counts as today, one in the year 1 as long past: no extension then', async () => {
      await atTheDesk(async (desk) => {
        const future = await sponsorFiled('IND-SPONSOR-3002', 'highly-skilled-migrant', '9999-12-31T00:00:00Z');
        const futureCase = await desk.bookOk(future);
        const now = Date.now();
        const running = await desk.until(futureCase, (v) => v.deadlines.length >= 2);
        near(dueOf(running, 'ind-decision-legal-term').dueAt, now + 90 * day, 'a term from today');
        assert.equal(running.slaBreached, false);

        const ancient = await sponsorFiled('IND-SPONSOR-3003', 'highly-skilled-migrant', '0001-01-01T00:00:00Z');
        const ancientCase = await desk.bookOk(ancient);
        const breached = await desk.until(
          ancientCase,
          (v) => v.deadlines.find((x) => x.name === 'ind-decision-legal-term')?.state === 'breached',
        );
        assert.ok(breached.audit.some((a) => a.action === 'escalated'));
        assert.ok(Date.parse(dueOf(breached, 'ind-decision-legal-term').dueAt) > Date.parse('2020-01-01'));
        const late = await desk.act(ancientCase, 'extend-decision-term', tokens.ind, { days: 90, reason: 'late' });
        assert.equal(late.status, 409, late.text);
        assert.match(String(late.body.detail), /can extend it only before it ends/);
        for (const caseId of [futureCase, ancientCase]) {
          await desk.act(caseId, 'withdraw', tokens.operator, { reason: 'test done' }).expect(200);
        }
      });
    });
  });

  describe('4. TEV with an MVV', () => {
    it('needs the TEV application number at intake', async () => {
      await atTheDesk(async (desk) => {
        const booking = vvrBooking({ permit: { route: 'tev', mvvIssued: true }, services: ['residence-permit'] });
        const res = await desk.book(booking);
        assert.equal(res.status, 422, res.text);
        assert.match(String(res.body.detail), /an issued MVV needs the TEV application number/);
        const params = res.body.invalidParams as { name: string }[];
        assert.ok(
          params.some((p) => p.name === 'permit.indApplicationNumber'),
          JSON.stringify(params),
        );
      });
    });

    it('links the TEV application as granted, files nothing, runs no decision term, and goes on to the card', async () => {
      await atTheDesk(async (desk) => {
        const booking = tevWithMvv('IND-TEV-4001');
        const caseId = await desk.bookOk(booking);
        const linked = await desk.until(caseId, (v) => stepOf(v, 'permit').state === 'done');
        assert.equal(stepOf(linked, 'permit').outcome, 'granted');
        assert.equal(linked.results.indApplicationNumber, 'IND-TEV-4001');
        assert.deepEqual(
          linked.deadlines.filter((x) => x.name.startsWith('ind-decision')),
          [],
          'no legal term, no sponsor target',
        );
        assert.ok(!linked.waitingOn.includes('ind:decision'));
        assert.equal(entry(linked, 'permit-decision').actor.role, 'agency');
        await desk.act(caseId, 'record-permit-decision', tokens.ind, { decision: 'granted' }).expect(409);
        await desk.act(caseId, 'request-documents', tokens.ind, { documents: ['diploma'] }).expect(409);
        assert.equal(desk.stack.sandbox.state.applications.get('IND-TEV-4001')?.status, 'granted');

        await desk.checkIn(caseId);
        await desk.until(caseId, (v) => v.waitingOn.includes('ind:embassy-prints'));
        await desk.act(caseId, 'record-embassy-prints', tokens.ind, { quality: 'usable' }).expect(200);
        await desk.until(caseId, (v) => v.waitingOn.includes('ind:card'));
        await desk.cardReadyAndHandOver(caseId);
        const done = await desk.until(caseId, (v) => v.status === 'completed');
        assert.equal(stepOf(done, 'brp').outcome, 'registered');
        const operations = (await desk.stack.admin.ledger(caseId)).map((e) => e.operation);
        assert.ok(operations.includes('link-application'), String(operations));
        assert.ok(
          !operations.includes('file-application'),
          `a duplicate application was filed: ${operations.join(', ')}`,
        );
      });
    });

    it('a TEV number IND holds as refused is not taken for a grant: no decision recorded, no card, nothing withdrawn', async () => {
      await atTheDesk(async (desk) => {
        const number = `IND-TEV-R${Date.now().toString(36).toUpperCase()}`;
        const res = await fetch(`${stack.sandbox.url}/_admin/ind/applications`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${testSandboxAdminToken}` },
          body: JSON.stringify({
            applicationNumber: number,
            purpose: 'highly-skilled-migrant',
            sponsorNumber: 'RS-100234',
          }),
        });
        assert.equal(res.status, 201, await res.text());
        await desk.stack.admin.decide(number, 'refused', 'an earlier application');
        const booking = tevWithMvv(number);
        booking.services = ['residence-permit'];
        const caseId = await desk.bookOk(booking);
        const linked = await desk.until(caseId, (v) => stepOf(v, 'permit').state === 'done');
        assert.equal(stepOf(linked, 'permit').outcome, 'not-possible');
        assert.match(stepOf(linked, 'permit').detail ?? '', new RegExp(`IND holds ${number} as refused`));
        assert.ok(!linked.audit.some((a) => a.action === 'permit-decision'), 'the case recorded no grant');
        await desk.checkIn(caseId);
        const done = await desk.until(caseId, (v) => v.status === 'completed');
        assert.equal(stepOf(done, 'card').outcome, 'not-issued');
        assert.equal(desk.stack.sandbox.state.applications.get(number)?.status, 'refused');
        assert.ok(!cardsOf(stack, caseId).length, 'no card order reached IND');
      });
    });

    it('a TEV case with an MVV started by hand without the number files nothing and gets no card', async () => {
      await atTheDesk(async (desk) => {
        const booking = vvrBooking({
          permit: { route: 'tev', mvvIssued: true },
          services: ['residence-permit'],
        });
        const handle = await startCase(stack.taskQueue, booking);
        const view = await desk.until(handle.workflowId, (v) => stepOf(v, 'card').state === 'done');
        assert.equal(stepOf(view, 'permit').outcome, 'not-possible');
        assert.equal(stepOf(view, 'card').outcome, 'not-issued');
        const atInd = (await desk.stack.admin.ledger(handle.workflowId)).filter((e) => e.agency === 'ind');
        assert.deepEqual(atInd, [], 'nothing filed or linked at IND');
        await handle.terminate('test done');
      });
    });
  });

  describe('5. reasons', () => {
    it("keeps every note in the audit trail, shown in the officers' case view and never to the booking site", async () => {
      await atTheDesk(async (desk) => {
        const caseId = await desk.bookOk(euBooking());
        await desk.checkIn(caseId, 'verified', 'came with an interpreter');
        await desk.until(caseId, (v) => v.waitingOn.includes('expat:advice'));
        const advised = await desk.act(caseId, 'record-advice', tokens.expat, { outcome: 'given', note: 'tax ruling' });
        assert.equal(advised.status, 200, advised.text);
        const view = await desk.view(caseId);
        assert.equal(entry(view, 'check-in').note, 'came with an interpreter');
        assert.equal(entry(view, 'record-advice').note, 'tax ruling');
        const site = await desk.view(caseId, tokens.bookingSite);
        assert.equal(site.audit, undefined);
        assert.ok(!JSON.stringify(site).includes('interpreter'), 'the booking site sees no note');
      });
    });

    it('refuses an identity, an address, a permit and a return visa only with a reason (422 without)', async () => {
      await atTheDesk(async (desk) => {
        const visa = { reason: 'mother in hospital', departureDate: inDays(10), returnDate: inDays(20) };
        const booking = vvrBooking({
          services: ['brp-registration', 'residence-permit', 'biometrics', 'return-visa'],
          returnVisa: visa,
        });
        booking.residence.address.postcode = '9999ZZ';
        const caseId = await desk.bookOk(booking);
        await desk.checkIn(caseId);

        await desk.until(caseId, (v) => v.waitingOn.includes('desk:address'));
        await unprocessable(desk.act(caseId, 'resolve-address', tokens.desk, { decision: 'refuse' }), /address/);
        await unprocessable(desk.act(caseId, 'resolve-address', tokens.desk, { decision: 'refuse', reason: ' ' }));
        const address = { decision: 'refuse', reason: 'a business address, not a residence', note: 'KvK extract seen' };
        await desk.act(caseId, 'resolve-address', tokens.desk, address).expect(200);

        await desk.until(caseId, (v) => v.waitingOn.includes('ind:return-visa'));
        await unprocessable(desk.act(caseId, 'decide-return-visa', tokens.ind, { decision: 'refuse' }), /return visa/);
        await desk.act(caseId, 'decide-return-visa', tokens.desk, { decision: 'refuse', reason: 'x' }).expect(403);
        const visaRefusal = { decision: 'refuse', reason: 'no compelling reason shown', note: 'no hospital letter' };
        await desk.act(caseId, 'decide-return-visa', tokens.ind, visaRefusal).expect(200);

        for (const decision of ['refused', 'inadmissible']) {
          await unprocessable(desk.act(caseId, 'record-permit-decision', tokens.ind, { decision }), /permit decision/);
        }
        const refusal = { decision: 'refused', reason: 'the salary is below the criterion', note: 'payslips checked' };
        await desk.act(caseId, 'record-permit-decision', tokens.desk, refusal).expect(403);
        await desk.act(caseId, 'record-permit-decision', tokens.ind, refusal).expect(200);

        const view = await desk.until(caseId, (v) => stepOf(v, 'return-visa').state === 'done');
        assert.equal(stepOf(view, 'brp').outcome, 'refused');
        assert.equal(entry(view, 'resolve-address').reason, address.reason);
        assert.equal(stepOf(view, 'return-visa').outcome, 'refused');
        assert.equal(entry(view, 'decide-return-visa').reason, visaRefusal.reason);
        assert.equal(entry(view, 'permit-decision').reason, refusal.reason);
        assert.equal(entry(view, 'permit-decision').actor.role, 'ind-officer');
        // Every officer's note is kept beside the reason, as written (issue 12, item 5).
        assert.deepEqual(
          [
            entry(view, 'resolve-address').note,
            entry(view, 'decide-return-visa').note,
            entry(view, 'permit-decision').note,
          ],
          [address.note, visaRefusal.note, refusal.note],
        );
        const site = await desk.view(caseId, tokens.bookingSite);
        assert.ok(!/KvK|hospital letter|payslips/.test(JSON.stringify(site)), 'the booking site sees no note');

        const mail = await desk.email(caseId, 'permit-decided');
        assert.deepEqual(
          { ...mail, given_name: undefined },
          {
            decision: 'refused',
            reason: refusal.reason,
            objectionTerm: '4 weeks (Aliens Act 2000, art. 69)',
            objectionLastDay: objectionLastDay(new Date(entry(view, 'permit-decision').at)),
            given_name: undefined,
          },
        );
        const visaMail = await desk.email(caseId, 'return-visa-decided');
        assert.equal(visaMail.reason, visaRefusal.reason);
        assert.match(visaMail.objectionLastDay ?? '', /^\d{4}-\d{2}-\d{2}$/);
      });
    });

    it('an identity not verified needs a reason; nothing that needs it goes on', async () => {
      await atTheDesk(async (desk) => {
        const caseId = await desk.bookOk(euBooking());
        await desk.checkIn(caseId, 'in-doubt');
        await desk.until(caseId, (v) => v.waitingOn.includes('desk:identity'));
        await unprocessable(
          desk.act(caseId, 'resolve-identity', tokens.desk, { identity: 'not-verified' }),
          /identity/,
        );
        const notVerified = {
          identity: 'not-verified',
          reason: 'the passport does not match the person',
          note: 'second officer consulted',
        };
        await desk.act(caseId, 'resolve-identity', tokens.desk, notVerified).expect(200);
        const done = await desk.until(caseId, (v) => v.status === 'completed');
        assert.equal(stepOf(done, 'check-in').outcome, 'not-verified');
        assert.equal(stepOf(done, 'brp').outcome, 'not-possible');
        assert.equal(stepOf(done, 'advice').outcome, 'not-possible');
        assert.equal(entry(done, 'resolve-identity').reason, notVerified.reason);
        assert.equal(entry(done, 'resolve-identity').note, notVerified.note);
      });
    });

    it('a permit refused by IND after the BRP registration: the registration stays, the e-mail gives the reason', async () => {
      await atTheDesk(async (desk) => {
        const caseId = await desk.bookOk(
          vvrBooking({ services: ['brp-registration', 'residence-permit', 'biometrics'] }),
        );
        await desk.checkIn(caseId);
        const registered = await desk.until(caseId, (v) => stepOf(v, 'brp').outcome === 'registered');
        const reason = 'the employer withdrew the job offer';
        await desk.stack.admin.decide(registered.results.indApplicationNumber!, 'refused', reason);
        const refused = await desk.until(caseId, (v) => stepOf(v, 'permit').outcome === 'refused');
        assert.equal(entry(refused, 'permit-decision').actor.role, 'agency');
        assert.equal(entry(refused, 'permit-decision').reason, reason);
        const mail = await desk.email(caseId, 'permit-decided');
        assert.equal(mail.reason, reason);
        assert.equal(mail.objectionTerm, '4 weeks (Aliens Act 2000, art. 69)');
        // Item 9: the municipality is told and the newcomer hears what it means; nobody waits for a capture.
        const done = await desk.until(caseId, (v) => v.status === 'completed');
        assert.equal(stepOf(done, 'brp').outcome, 'registered');
        assert.equal(stepOf(done, 'brp').detail, 'municipality 0935 told of the permit refused');
        assert.equal(stepOf(done, 'biometrics').outcome, 'not-needed');
        assert.equal(stepOf(done, 'card').outcome, 'not-issued');
        await municipalityTold(desk, caseId, 'refused');
        const told = await desk.email(caseId, 'municipality-informed');
        assert.deepEqual(
          { ...told, given_name: undefined },
          {
            decision: 'refused',
            municipality: '0935',
            given_name: undefined,
          },
        );
        assert.equal(
          emailOf(desk, caseId, 'municipality-informed')?.templateId,
          'newcomer-municipality-informed-refused-en',
        );
      });
    });
  });

  describe('9. loose ends: the municipality told of a refusal, a no-show undone, no capture for a refused permit', () => {
    it('an IND officer finds the application inadmissible after the registration: the municipality is told, in Dutch to the newcomer', async () => {
      await atTheDesk(async (desk) => {
        const caseId = await desk.bookOk(
          vvrBooking({ language: 'nl', services: ['brp-registration', 'residence-permit', 'biometrics'] }),
        );
        await desk.checkIn(caseId);
        await desk.until(caseId, (v) => stepOf(v, 'brp').outcome === 'registered');
        const inadmissible = { decision: 'inadmissible', reason: 'the fee was not paid' };
        await desk.act(caseId, 'record-permit-decision', tokens.ind, inadmissible).expect(200);
        const done = await desk.until(caseId, (v) => v.status === 'completed');
        assert.equal(stepOf(done, 'brp').detail, 'municipality 0935 told of the permit inadmissible');
        await municipalityTold(desk, caseId, 'inadmissible');
        await desk.email(caseId, 'municipality-informed');
        const mail = emailOf(desk, caseId, 'municipality-informed');
        assert.equal(mail?.templateId, 'newcomer-municipality-informed-inadmissible-nl');
        assert.match(mail?.body ?? '', /wij hebben gemeente 0935 ingelicht/);
      });
    });

    it('BRP down when the municipality must be told: the case shows it retrying, then tells it once', async () => {
      const brpReportDown = {
        agency: 'brp' as const,
        answer: { status: 500 as const, call: '^POST /brp/\\d{4}/registrations/[^/]+/residence-decisions' },
      };
      await atTheDesk(
        async (desk) => {
          const caseId = await desk.bookOk(
            vvrBooking({ services: ['brp-registration', 'residence-permit', 'biometrics'] }),
          );
          await desk.checkIn(caseId);
          const registered = await desk.until(caseId, (v) => stepOf(v, 'brp').outcome === 'registered');
          await desk.stack.admin.faults(brpReportDown);
          await desk.stack.admin.decide(registered.results.indApplicationNumber!, 'refused', 'no salary criterion met');
          const retrying = await desk.until(caseId, (v) => v.agencyRetrying.includes('brp'));
          assert.ok(retrying.waitingOn.includes('agency:brp'), 'the BRP step waits on the municipality');
          assert.equal(retrying.status, 'open', 'the case does not end before the municipality knows');
          await desk.stack.admin.clearFaults();
          const done = await desk.until(caseId, (v) => v.status === 'completed');
          assert.deepEqual(done.agencyRetrying, []);
          await municipalityTold(desk, caseId, 'refused');
        },
        testSettings({ agencyRetryVisibleAfterMs: 500 }),
      );
    });

    it('a permit granted after the registration, or refused without one, tells the municipality nothing', async () => {
      await atTheDesk(async (desk) => {
        const granted = await desk.bookOk(
          vvrBooking({ services: ['brp-registration', 'residence-permit', 'biometrics'] }),
        );
        const unregistered = await desk.bookOk(vvrBooking({ services: ['residence-permit', 'biometrics'] }));
        await desk.checkIn(granted);
        await desk.checkIn(unregistered);
        await desk.until(granted, (v) => stepOf(v, 'brp').outcome === 'registered');
        await desk.until(granted, (v) => v.waitingOn.includes('ind:biometrics'));
        await desk.act(granted, 'capture-biometrics', tokens.ind, { captureReference: 'CAP-GRANTED-1' }).expect(200);
        await desk.grantIfPending(granted);
        await desk.until(granted, (v) => v.waitingOn.includes('ind:card'));
        await desk.cardReadyAndHandOver(granted);
        const refusal = { decision: 'refused', reason: 'the sponsor withdrew' };
        await desk.until(unregistered, (v) => v.waitingOn.includes('ind:decision'));
        await desk.act(unregistered, 'record-permit-decision', tokens.ind, refusal).expect(200);
        await desk.until(unregistered, (v) => v.status === 'completed');
        const completed = await desk.until(granted, (v) => v.status === 'completed');
        assert.deepEqual(
          { outcome: stepOf(completed, 'brp').outcome, detail: stepOf(completed, 'brp').detail },
          { outcome: 'registered', detail: undefined },
        );
        for (const caseId of [granted, unregistered]) {
          const operations = (await desk.stack.admin.ledger(caseId)).map((e) => e.operation);
          assert.ok(!operations.includes('report-residence-decision'), `${caseId}: ${operations.join(', ')}`);
          assert.equal(emailOf(desk, caseId, 'municipality-informed'), undefined);
        }
      });
    });

    it('a permit refused while a retake is booked: no capture, the visit cancelled, no card, and the case completes', async () => {
      await atTheDesk(async (desk) => {
        const caseId = await desk.bookOk(vvrBooking({ services: ['residence-permit', 'biometrics'] }));
        await desk.checkIn(caseId);
        await desk.until(caseId, (v) => v.waitingOn.includes('ind:biometrics'));
        await desk.act(caseId, 'capture-biometrics', tokens.ind, { captureReference: 'CAP-BLURRY-9' }).expect(200);
        await desk.until(caseId, (v) => stepOf(v, 'biometrics').detail === 'retake needed');
        const visit = { purpose: 'biometrics-retake', startsAt: new Date(Date.now() + 3_600_000).toISOString() };
        await desk.act(caseId, 'schedule-visit', tokens.desk, visit).expect(200);
        const refusal = { decision: 'refused', reason: 'a criminal record' };
        await desk.act(caseId, 'record-permit-decision', tokens.ind, refusal).expect(200);
        const done = await desk.until(caseId, (v) => v.status === 'completed');
        assert.equal(stepOf(done, 'biometrics').outcome, 'not-needed');
        assert.match(stepOf(done, 'biometrics').detail ?? '', /the permit was refused/);
        assert.equal(stepOf(done, 'card').outcome, 'not-issued');
        assert.equal(done.returnVisit?.state, 'cancelled');
        assert.ok(done.audit.some((a) => a.action === 'return-visit-cancelled'));
        assert.deepEqual(done.waitingOn, []);
        // Refused either way: a case that has just completed may answer 404, not 409 (the API's mapping of a closing workflow).
        const late = await desk.act(caseId, 'capture-biometrics', tokens.ind, { captureReference: 'CAP-LATE-1' });
        assert.ok([404, 409].includes(late.status), late.text);
        assert.ok(
          !(await desk.view(caseId)).audit.some((a) => a.detail === 'CAP-LATE-1'),
          'the late capture changed nothing',
        );
      });
    });

    it("a no-show not rebooked in time: the application the desk filed is withdrawn, the sponsor's stays", async () => {
      const settings = testSettings({ checkInGraceMs: 1_000, rescheduleWindowMs: 3_000 });
      const sponsorNumber = `IND-SPONSOR-NS-${Date.now().toString(36).toUpperCase()}`;
      await atTheDesk(async (desk) => {
        const res = await fetch(`${stack.sandbox.url}/_admin/ind/applications`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${testSandboxAdminToken}` },
          body: JSON.stringify({
            applicationNumber: sponsorNumber,
            purpose: 'highly-skilled-migrant',
            sponsorNumber: 'RS-100234',
          }),
        });
        assert.equal(res.status, 201, await res.text());
        const now = { location: 'MIC-Maastricht', startsAt: new Date().toISOString() };
        const filedByDesk = await desk.bookOk(vvrBooking({ appointment: now }));
        const filedBySponsor = await desk.bookOk(
          vvrBooking({ appointment: now, permit: { route: 'vvr', indApplicationNumber: sponsorNumber } }),
        );
        const closed = await desk.until(filedByDesk, (v) => v.status === 'closed-no-show');
        assert.equal(stepOf(closed, 'permit').outcome, 'withdrawn');
        assert.match(closed.outcome ?? '', /^closed: no-show, not rescheduled in time; IND application withdrawn$/);
        const application = applicationsOf(stack, filedByDesk)[0];
        assert.equal(application?.status, 'withdrawn');
        const operations = (await desk.stack.admin.ledger(filedByDesk)).map((e) => e.operation);
        assert.deepEqual(
          operations.filter((o) => o !== 'send-email'),
          ['file-application', 'withdraw-application'],
        );

        const kept = await desk.until(filedBySponsor, (v) => v.status === 'closed-no-show');
        assert.equal(kept.outcome, 'closed: no-show, not rescheduled in time');
        assert.equal(stack.sandbox.state.applications.get(sponsorNumber)?.status, 'pending');
      }, settings);
    });
  });
  describe('11. what was untested in this area', () => {
    it('a late card breaks the ready norm; an uncollected card gets a reminder, then goes to an operator', async () => {
      const settings = testSettings({
        cardReadyNormMs: 1_000,
        cardCollectionReminderMs: 1_500,
        cardCollectionEscalationMs: 4_000,
      });
      await atTheDesk(async (desk) => {
        const caseId = await desk.bookOk(vvrBooking({ services: ['residence-permit', 'biometrics'] }));
        await desk.checkIn(caseId);
        await desk.until(caseId, (v) => v.waitingOn.includes('ind:biometrics'));
        await desk.act(caseId, 'capture-biometrics', tokens.ind, { captureReference: 'CAP-NORM-1' }).expect(200);
        await desk.grantIfPending(caseId);
        const late = await desk.until(
          caseId,
          (v) => v.deadlines.find((x) => x.name === 'card-ready-service-norm')?.state === 'breached',
        );
        assert.equal(late.slaBreached, true);
        assert.ok(late.waitingOn.includes('ind:card'));

        const [card] = cardsOf(desk.stack, caseId);
        await desk.stack.admin.cardReady(card!.orderId);
        const reminder = await desk.email(caseId, 'card-collection-reminder');
        assert.ok(reminder.location, 'the reminder says where to collect the card');
        const escalated = await desk.until(caseId, (v) => v.waitingOn.includes('operator:card'));
        assert.equal(escalated.deadlines.find((x) => x.name === 'card-collection')?.state, 'breached');
        await desk.act(caseId, 'skip-step', tokens.desk, { step: 'card', reason: 'x' }).expect(403);
        await desk
          .act(caseId, 'skip-step', tokens.operator, { step: 'card', reason: 'not collected; card returned to IND' })
          .expect(200);
        const done = await desk.until(caseId, (v) => v.status === 'completed');
        assert.equal(stepOf(done, 'card').outcome, 'not-collected');
      }, settings);
    });

    it('an address the municipality rejects, referred to the RNI by a desk officer (no reason needed)', async () => {
      await atTheDesk(async (desk) => {
        const booking = euBooking({ services: ['brp-registration'] });
        booking.residence.address.postcode = '9999ZZ';
        const caseId = await desk.bookOk(booking);
        await desk.checkIn(caseId);
        await desk.until(caseId, (v) => v.waitingOn.includes('desk:address'));
        await desk.act(caseId, 'resolve-address', tokens.ind, { decision: 'refer-to-rni' }).expect(403);
        await desk.act(caseId, 'resolve-address', tokens.desk, { decision: 'refer-to-rni' }).expect(200);
        const done = await desk.until(caseId, (v) => v.status === 'completed');
        assert.equal(stepOf(done, 'brp').outcome, 'referred-to-rni');
        assert.equal(done.results.bsn, undefined);
      });
    });

    it('a return visa without a permit is refused at intake', async () => {
      await atTheDesk(async (desk) => {
        const visa = { reason: 'a funeral', departureDate: inDays(10), returnDate: inDays(20) };
        const res = await desk.book(euBooking({ services: ['brp-registration', 'return-visa'], returnVisa: visa }));
        assert.equal(res.status, 422, res.text);
        assert.match(String(res.body.detail), /a return visa can only be asked while a first permit is pending/);
      });
    });
  });
});

type Api = ReturnType<typeof request>;
type Stack = ReturnType<typeof useCaseStack>;

const tevWithMvv = (applicationNumber: string): Booking =>
  vvrBooking({
    permit: { route: 'tev', mvvIssued: true, indApplicationNumber: applicationNumber },
    services: ['brp-registration', 'residence-permit'],
  });

const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** The case's audit entry of an action; fails when there is none. */
const entry = (view: CaseView, action: string) => {
  const found = view.audit.find((a) => a.action === action);
  assert.ok(found, `no ${action} in the audit trail: ${JSON.stringify(view.audit.map((a) => a.action))}`);
  return found;
};

/** A 422 whose detail says what needs a reason; the case stays as it was (the validator changed nothing). */
async function unprocessable(response: PromiseLike<request.Response>, what?: RegExp): Promise<void> {
  const res = await response;
  assert.equal(res.status, 422, res.text);
  assert.match(String(res.body.detail), /needs a reason/);
  if (what) assert.match(String(res.body.detail), what);
}

const stepOf = (view: CaseView, name: string) => {
  const step = view.steps.find((s) => s.name === name);
  assert.ok(step, `the case has no ${name} step`);
  return step;
};

const applicationsOf = (stack: Stack, caseId: string) =>
  [...stack.sandbox.state.applications.values()].filter((a) => a.caseRef === caseId);

/** The e-mail of a milestone Notify sent for the case, template and text included. */
const emailOf = (desk: Desk, caseId: string, milestone: string) =>
  desk.stack.sandbox.state.emails.find((e) => e.reference === `${caseId}:${milestone}`);

/** The municipality holds IND's decision on the case's registration, reported once. */
async function municipalityTold(desk: Desk, caseId: string, decision: 'refused' | 'inadmissible'): Promise<void> {
  const reports = (await desk.stack.admin.ledger(caseId)).filter((e) => e.operation === 'report-residence-decision');
  assert.equal(reports.length, 1, 'the municipality is told once');
  assert.equal(reports[0]?.agency, 'brp');
  const [registration] = [...desk.stack.sandbox.state.registrations.values()].filter((r) => r.caseRef === caseId);
  assert.equal(registration?.residenceDecision?.decision, decision);
}

const cardsOf = (stack: Stack, caseId: string) =>
  [...stack.sandbox.state.cards.values()].filter((c) => c.caseRef === caseId);

/** The booking site, the officers and IND, as the API and the sandbox let them act on a case. */
class Desk {
  constructor(
    readonly api: Api,
    readonly stack: Stack,
  ) {}

  /** The personalisation of the case's e-mail of a milestone, once Notify has it. */
  email(caseId: string, milestone: string): Promise<Record<string, string | undefined>> {
    return eventually(async () => {
      const sent = this.stack.sandbox.state.emails.find((e) => e.reference === `${caseId}:${milestone}`);
      return Promise.resolve(sent?.personalisation);
    });
  }

  book(booking: Booking) {
    return this.api.post('/v1/cases').set('authorization', tokens.bookingSite).send(booking);
  }
  async bookOk(booking: Booking): Promise<string> {
    const res = await this.book(booking);
    assert.equal(res.status, 201, res.text);
    return String(res.body.caseId);
  }
  act(caseId: string, action: string, token: string, body: object = {}) {
    return this.api.post(`/v1/cases/${caseId}/actions/${action}`).set('authorization', token).send(body);
  }
  async view(caseId: string, token: string = tokens.desk): Promise<CaseView> {
    const res = await this.api.get(`/v1/cases/${caseId}`).set('authorization', token);
    assert.equal(res.status, 200, res.text);
    return res.body as CaseView;
  }
  /** Reads the case over the API until `predicate` holds; a failure names the predicate and what the case did. */
  until(caseId: string, predicate: (view: CaseView) => boolean, timeoutMs = 30_000): Promise<CaseView> {
    return waitForCase(() => this.view(caseId), predicate, `${caseId}: ${String(predicate)}`, timeoutMs);
  }
  async checkIn(caseId: string, identity: 'verified' | 'in-doubt' = 'verified', note?: string): Promise<CaseView> {
    await this.until(caseId, (v) => v.waitingOn.includes('desk:check-in'));
    const res = await this.act(caseId, 'check-in', tokens.desk, { identity, ...(note ? { note } : {}) });
    assert.equal(res.status, 200, res.text);
    return res.body as CaseView;
  }
  /** IND grants the case's application, once the case knows its number and it is still pending. */
  async grantIfPending(caseId: string): Promise<void> {
    const view = await this.until(caseId, (v) => v.results.indApplicationNumber !== undefined);
    const number = view.results.indApplicationNumber!;
    const res = await fetch(`${this.stack.sandbox.url}/_admin/ind/decide`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testSandboxAdminToken}` },
      body: JSON.stringify({ applicationNumber: number, decision: 'granted' }),
    });
    assert.ok(res.ok || res.status === 409, `deciding ${number} answered ${res.status}`);
  }
  async cardReadyAndHandOver(caseId: string): Promise<void> {
    const [card] = cardsOf(this.stack, caseId);
    assert.ok(card, 'a card was ordered');
    await this.stack.admin.cardReady(card.orderId);
    await this.until(caseId, (v) => v.waitingOn.includes('desk:card-hand-over'));
    await this.act(caseId, 'hand-over-card', tokens.desk).expect(200);
  }
}
