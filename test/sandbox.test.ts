import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { createSandbox, startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/app';
import { eventually } from './harness/eventually';

const token = 'test-agency-token';
const bearer = `Bearer ${token}`;

/** The 11-test, written here independently of the sandbox's own. */
function passesElevenTest(bsn: string): boolean {
  if (!/^[1-9]\d{8}$/.test(bsn)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(bsn[i]);
  sum -= Number(bsn[8]);
  return sum % 11 === 0;
}

function registrationBody(caseRef: string, postcode = '6211AB') {
  return {
    caseRef,
    person: { givenNames: 'Asha', familyName: 'Rao', dateOfBirth: '1990-04-01', nationality: 'IND' },
    address: { street: 'Markt', houseNumber: 12, postcode, city: 'Maastricht' },
    expectedMonths: 24,
  };
}

function paramNames(problem: unknown): string[] {
  return ((problem as { invalidParams?: { name: string }[] }).invalidParams ?? []).map((p) => p.name);
}

function emailBody(reference: string) {
  return {
    email_address: 'asha@example.org',
    template_id: 'newcomer-case-opened-en',
    personalisation: { given_name: 'Asha', location: 'MIC-Maastricht', startsAt: '2027-03-01T09:30:00+01:00' },
    reference,
  };
}

describe('agency sandbox', () => {
  let sandbox: Sandbox;
  const open = (options: SandboxOptions = {}): void => {
    sandbox = createSandbox({ token, seed: 42, ...options });
  };
  afterEach(() => sandbox.close());

  const register = (caseRef: string, key: string, postcode?: string) =>
    request(sandbox.app)
      .post('/brp/0935/registrations')
      .set('Authorization', bearer)
      .set('Idempotency-Key', key)
      .send(registrationBody(caseRef, postcode));

  const ledger = async (caseRef: string) =>
    (await request(sandbox.app).get('/_admin/ledger').query({ caseRef }).expect(200)).body.entries as {
      agency: string;
      operation: string;
      idempotencyKey: string;
    }[];

  it('refuses agency calls without the right bearer token, with 401 problem details; /_admin needs none', async () => {
    open();
    for (const authorization of [undefined, 'Bearer wrong', token]) {
      const call = request(sandbox.app).get('/ind/sponsors/RS-12345');
      const res = await (authorization ? call.set('Authorization', authorization) : call)
        .expect(401)
        .expect('content-type', /application\/problem\+json/);
      assert.equal(res.body.type, 'unauthorized');
      assert.equal(res.body.status, 401);
      assert.equal(res.body.instance, '/ind/sponsors/RS-12345');
    }
    await request(sandbox.app).get('/ind/sponsors/RS-12345').set('Authorization', bearer).expect(200);
    await request(sandbox.app).get('/_admin/ledger').expect(200, { entries: [] });
  });

  it('answers bad input with 4xx problem details naming each invalid field, never a 500', async () => {
    open();
    const body = registrationBody('case-v');
    const invalid = {
      ...body,
      person: { ...body.person, familyName: '' },
      address: { ...body.address, postcode: 'X' },
    };
    const res = await request(sandbox.app)
      .post('/brp/0935/registrations')
      .set('Authorization', bearer)
      .set('Idempotency-Key', 'case-v:brp')
      .send(invalid)
      .expect(400)
      .expect('content-type', /application\/problem\+json/);
    assert.equal(res.body.type, 'validation-error');
    const names = paramNames(res.body).sort();
    assert.deepEqual(names, ['address.postcode', 'person.familyName']);

    const missingKey = await request(sandbox.app)
      .post('/brp/0935/registrations')
      .set('Authorization', bearer)
      .send(body);
    assert.equal(missingKey.status, 400);
    assert.equal(missingKey.body.type, 'idempotency-key-missing');

    const notJson = await request(sandbox.app)
      .post('/ind/applications')
      .set('Authorization', bearer)
      .set('Idempotency-Key', 'k')
      .set('content-type', 'application/json')
      .send('{"caseRef":');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.type, 'validation-error');

    const unknownMunicipality = await request(sandbox.app)
      .post('/brp/0363/registrations')
      .set('Authorization', bearer)
      .set('Idempotency-Key', 'k')
      .send(body);
    assert.equal(unknownMunicipality.status, 404);
    assert.equal(unknownMunicipality.body.type, 'municipality-unknown');

    const badFault = await request(sandbox.app).put('/_admin/faults').send({ agency: 'brp', errorRate: 2 }).expect(400);
    assert.deepEqual(paramNames(badFault.body), ['errorRate']);
    await request(sandbox.app)
      .get('/nowhere')
      .expect(404)
      .expect('content-type', /application\/problem\+json/);
    assert.deepEqual(await ledger('case-v'), []);
  });

  it('hands out burgerservicenummers that pass the 11-test and never repeat', async () => {
    open();
    const bsns = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const res = await register(`case-bsn-${i}`, `case-bsn-${i}:brp`).expect(201);
      const bsn = String(res.body.burgerservicenummer);
      assert.ok(passesElevenTest(bsn), bsn);
      assert.equal(res.body.gemeenteVanInschrijving, '0935');
      bsns.add(bsn);
      const fetched = await request(sandbox.app)
        .get(`/brp/0935/registrations/${res.body.registrationId}`)
        .set('Authorization', bearer)
        .expect(200);
      assert.deepEqual(fetched.body, res.body);
    }
    assert.equal(bsns.size, 50);
  });

  it('replays the same key and body with the original answer and no second side effect', async () => {
    open();
    const first = await register('case-i', 'case-i:brp').expect(201);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const second = await register('case-i', 'case-i:brp').expect(201);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.deepEqual(second.body, first.body);
    assert.equal((await ledger('case-i')).length, 1);
  });

  it('refuses the same key with another body with 422 idempotency-key-reused', async () => {
    open();
    await register('case-r', 'case-r:brp').expect(201);
    const res = await register('case-r', 'case-r:brp', '6221BC').expect(422);
    assert.equal(res.body.type, 'idempotency-key-reused');
    assert.equal((await ledger('case-r')).length, 1);
  });

  it('rejects an address on the rejected list with 422 address-rejected and records nothing', async () => {
    open();
    const res = await register('case-a', 'case-a:brp', '9999ZZ').expect(422);
    assert.equal(res.body.type, 'address-rejected');
    assert.deepEqual(paramNames(res.body), ['address.postcode']);
    assert.deepEqual(await ledger('case-a'), []);
    assert.equal(sandbox.state.registrations.size, 0);
  });

  it('answers 503 agency-unavailable during an outage, and works again once the fault is cleared', async () => {
    open();
    await request(sandbox.app).put('/_admin/faults').send({ agency: 'brp', outage: true }).expect(200);
    const down = await register('case-o', 'case-o:brp').expect(503);
    assert.equal(down.body.type, 'agency-unavailable');
    await request(sandbox.app).get('/brp/0935/registrations/REG-1').set('Authorization', bearer).expect(503);
    await request(sandbox.app).get('/ind/sponsors/RS-1').set('Authorization', bearer).expect(200);
    assert.deepEqual(await ledger('case-o'), []);

    await request(sandbox.app).delete('/_admin/faults').expect(204);
    await register('case-o', 'case-o:brp').expect(201);
    assert.equal((await ledger('case-o')).length, 1);
  });

  it('under errorRate 1 fails in all three ways, and a lost response is replayed on retry', async () => {
    open({ seed: 1234 });
    await request(sandbox.app).put('/_admin/faults').send({ agency: 'notify', errorRate: 1 }).expect(200);
    const send = (i: number) =>
      request(sandbox.app)
        .post('/notify/v2/notifications/email')
        .set('Authorization', bearer)
        .set('Idempotency-Key', `case-e${i}:case-opened`)
        .send(emailBody(`case-e${i}:case-opened`));

    const kinds = new Map<string, number[]>([
      ['unavailable', []],
      ['lost', []],
      ['throttled', []],
    ]);
    for (let i = 0; i < 30; i++) {
      const res = await send(i);
      const recorded = (await ledger(`case-e${i}`)).length;
      if (res.status === 429) {
        assert.equal(res.headers['retry-after'], '1');
        assert.equal(recorded, 0);
        kinds.get('throttled')?.push(i);
      } else {
        assert.equal(res.status, 503);
        assert.equal(res.body.type, 'agency-unavailable');
        kinds.get(recorded === 1 ? 'lost' : 'unavailable')?.push(i);
      }
    }
    for (const [kind, calls] of kinds) assert.ok(calls.length > 0, `no ${kind} failure in 30 calls`);

    const lost = kinds.get('lost')?.[0] ?? -1;
    const stored = sandbox.state.emails.find((e) => e.reference === `case-e${lost}:case-opened`);
    assert.ok(stored, 'the lost call sent its e-mail');
    await request(sandbox.app).delete('/_admin/faults').expect(204);
    const retry = await send(lost).expect(201);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal(retry.body.id, stored.id);
    assert.deepEqual(
      (await ledger(`case-e${lost}`)).map((e) => [e.operation, e.idempotencyKey]),
      [['send-email', `case-e${lost}:case-opened`]],
    );
  });

  it('repeats the same failures for the same seed', async () => {
    const statuses = async (): Promise<number[]> => {
      open({ seed: 99 });
      await request(sandbox.app).put('/_admin/faults').send({ agency: 'ind', errorRate: 0.5 }).expect(200);
      const seen: number[] = [];
      for (let i = 0; i < 20; i++) {
        seen.push((await request(sandbox.app).get('/ind/sponsors/RS-1').set('Authorization', bearer)).status);
      }
      sandbox.close();
      return seen;
    };
    const first = await statuses();
    assert.deepEqual(await statuses(), first);
    assert.ok(first.some((s) => s !== 200) && first.some((s) => s === 200), first.join());
  });

  describe('IND', () => {
    const fileApplication = (caseRef: string, callbackUrl?: string) =>
      request(sandbox.app)
        .post('/ind/applications')
        .set('Authorization', bearer)
        .set('Idempotency-Key', `${caseRef}:permit-application`)
        .send({ caseRef, purpose: 'highly-skilled-migrant', route: 'vvr', sponsorNumber: 'RS-100', callbackUrl })
        .expect(201);

    let receiver: http.Server;
    let receiverUrl: string;
    let received: { authorization?: string; contentType?: string; body: Record<string, unknown> }[];
    let failuresToServe: number;
    beforeEach(async () => {
      received = [];
      failuresToServe = 0;
      receiver = http.createServer((req, res) => {
        let data = '';
        req.on('data', (chunk: Buffer) => (data += chunk.toString()));
        req.on('end', () => {
          if (failuresToServe > 0) {
            failuresToServe -= 1;
            res.writeHead(500).end();
            return;
          }
          const body = JSON.parse(data) as Record<string, unknown>;
          received.push({ authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callbacks/ind`;
    });
    afterEach(async () => {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    });

    it('calls back with the bearer token when an officer decides, retrying a failing receiver', async () => {
      open({ callbackToken: 'callback-token', callbackRetryDelayMs: 20 });
      failuresToServe = 1;
      const filed = await fileApplication('case-d', receiverUrl);
      assert.match(String(filed.body.applicationNumber), /^IND-\d+$/);
      assert.equal(filed.body.status, 'pending');
      const { applicationNumber } = filed.body;

      await request(sandbox.app)
        .post('/_admin/ind/decide')
        .send({ applicationNumber, decision: 'granted' })
        .expect(200);
      const callback = await eventually(async () => Promise.resolve(received[0]), 5000, 20);
      assert.equal(callback.authorization, 'Bearer callback-token');
      assert.match(callback.contentType ?? '', /^application\/json/);
      assert.deepEqual(
        { ...callback.body, decidedAt: typeof callback.body.decidedAt },
        { event: 'decision', caseRef: 'case-d', applicationNumber, decision: 'granted', decidedAt: 'string' },
      );
      const deliveries = (await request(sandbox.app).get('/_admin/callbacks').expect(200)).body.callbacks;
      assert.equal(deliveries.length, 1);
      assert.equal(deliveries[0].url, `${receiverUrl}/decision`);
      assert.equal(deliveries[0].status, 204);
      assert.equal(deliveries[0].attempts, 2);

      const application = await request(sandbox.app)
        .get(`/ind/applications/${applicationNumber}`)
        .set('Authorization', bearer)
        .expect(200);
      assert.equal(application.body.status, 'granted');
      assert.equal(application.body.decidedAt, callback.body.decidedAt);
      await request(sandbox.app)
        .post('/_admin/ind/decide')
        .send({ applicationNumber, decision: 'refused' })
        .expect(409);
      await request(sandbox.app)
        .post('/_admin/ind/decide')
        .send({ applicationNumber: 'IND-404', decision: 'granted' })
        .expect(404);
    });

    it('decides by itself after the decision delay, calling back the default URL', async () => {
      open({ decisionDelayMs: 30, callbackUrl: receiverUrl });
      const { applicationNumber } = (await fileApplication('case-auto')).body;
      const callback = await eventually(async () => Promise.resolve(received[0]), 5000, 20);
      assert.equal(callback.body.applicationNumber, applicationNumber);
      assert.equal(callback.body.decision, 'granted');
    });

    it('refuses a card order before the grant with 409 permit-not-granted, and takes it after', async () => {
      open();
      const { applicationNumber } = (await fileApplication('case-c', receiverUrl)).body;
      const order = () =>
        request(sandbox.app)
          .post('/ind/cards')
          .set('Authorization', bearer)
          .set('Idempotency-Key', 'case-c:card-order')
          .send({ caseRef: 'case-c', applicationNumber, callbackUrl: receiverUrl });
      const early = await order().expect(409);
      assert.equal(early.body.type, 'permit-not-granted');
      assert.deepEqual(
        (await ledger('case-c')).map((e) => e.operation),
        ['file-application'],
      );

      await request(sandbox.app)
        .post('/_admin/ind/decide')
        .send({ applicationNumber, decision: 'granted' })
        .expect(200);
      const card = await order().expect(201);
      assert.equal(card.body.status, 'in-production');
      await request(sandbox.app).post('/_admin/ind/card-ready').send({ orderId: card.body.orderId }).expect(200);
      await eventually(async () => Promise.resolve(received.find((r) => r.body.event === 'card-ready')), 5000, 20);
      const ready = await request(sandbox.app)
        .get(`/ind/cards/${card.body.orderId}`)
        .set('Authorization', bearer)
        .expect(200);
      assert.equal(ready.body.status, 'ready');
    });

    it('withdraws a pending application once, and refuses to withdraw a decided one', async () => {
      open();
      const withdraw = (applicationNumber: string, key: string) =>
        request(sandbox.app)
          .post(`/ind/applications/${applicationNumber}/withdrawal`)
          .set('Authorization', bearer)
          .set('Idempotency-Key', key)
          .send({ caseRef: 'case-w' });
      const applicationNumber = String((await fileApplication('case-w')).body.applicationNumber);
      const first = await withdraw(applicationNumber, 'w-1').expect(200);
      const again = await withdraw(applicationNumber, 'w-2').expect(200);
      assert.deepEqual(again.body, first.body);
      assert.deepEqual(
        { ...first.body, receivedAt: undefined },
        { applicationNumber, status: 'withdrawn', receivedAt: undefined },
      );
      assert.deepEqual(
        (await ledger('case-w')).map((e) => e.operation),
        ['file-application', 'withdraw-application'],
      );

      const decided = (await fileApplication('case-w2')).body.applicationNumber as string;
      await request(sandbox.app)
        .post('/_admin/ind/decide')
        .send({ applicationNumber: decided, decision: 'refused' })
        .expect(200);
      const late = await withdraw(decided, 'w-3').expect(409);
      assert.equal(late.body.type, 'already-decided');
    });

    it("refuses to link another case's application with 409, changing nothing; its own case links it again", async () => {
      open({ callbackUrl: receiverUrl });
      const link = (caseRef: string, key: string, applicationNumber: string, mvvIssued?: true) =>
        request(sandbox.app)
          .post('/ind/applications')
          .set('Authorization', bearer)
          .set('Idempotency-Key', key)
          .send({
            caseRef,
            purpose: 'researcher',
            route: 'tev',
            applicationNumber,
            ...(mvvIssued ? { mvvIssued } : {}),
          });
      await request(sandbox.app)
        .post('/_admin/ind/applications')
        .send({ applicationNumber: 'IND-SPONSOR-7', purpose: 'researcher', sponsorNumber: 'RS-100' })
        .expect(201);
      const linked = await link('case-first', 'case-first:permit-application', 'IND-SPONSOR-7').expect(201);
      assert.equal(linked.body.status, 'pending');
      const relinked = await link('case-first', 'case-first:again', 'IND-SPONSOR-7').expect(201);
      assert.deepEqual(relinked.body, linked.body);

      const refused = await link('case-second', 'case-second:permit-application', 'IND-SPONSOR-7', true).expect(409);
      assert.match(String(refused.headers['content-type']), /^application\/problem\+json/);
      assert.equal(refused.body.type, 'application-of-another-case');
      assert.equal(refused.body.detail, 'Application IND-SPONSOR-7 is linked to another case.');
      assert.doesNotMatch(refused.text, /case-first/, "the other case's reference is not given away");
      await link('case-second', 'case-second:permit-application', 'IND-SPONSOR-7', true).expect(409);

      const kept = sandbox.state.applications.get('IND-SPONSOR-7');
      assert.equal(kept?.caseRef, 'case-first');
      assert.equal(kept?.status, 'pending', 'the MVV of another case grants nothing');
      assert.deepEqual(await ledger('case-second'), []);
      assert.deepEqual(
        (await ledger('case-first')).map((e) => e.operation),
        ['link-application'],
      );
      await request(sandbox.app)
        .post('/_admin/ind/decide')
        .send({ applicationNumber: 'IND-SPONSOR-7', decision: 'granted' })
        .expect(200);
      const callback = await eventually(async () => Promise.resolve(received[0]), 5000, 20);
      assert.equal(callback.body.caseRef, 'case-first', 'the decision goes to the case that linked it');

      const filed = String((await fileApplication('case-filer')).body.applicationNumber);
      const taken = await link('case-other', 'case-other:permit-application', filed).expect(409);
      assert.equal(taken.body.type, 'application-of-another-case');
      assert.equal(sandbox.state.applications.get(filed)?.caseRef, 'case-filer');
    });

    it('caps a return visa at three months after issue and asks for a retake of a blurry capture', async () => {
      open();
      const { applicationNumber } = (await fileApplication('case-rv')).body;
      const visa = await request(sandbox.app)
        .post('/ind/return-visas')
        .set('Authorization', bearer)
        .set('Idempotency-Key', 'case-rv:return-visa')
        .send({
          caseRef: 'case-rv',
          applicationNumber,
          reason: 'funeral',
          departureDate: '2020-01-01',
          returnDate: '2999-01-01',
        })
        .expect(201);
      assert.match(String(visa.body.visaNumber), /^RV-/);
      const validUntil = String(visa.body.validUntil);
      const limit = new Date();
      limit.setUTCMonth(limit.getUTCMonth() + 3);
      assert.ok(validUntil <= limit.toISOString().slice(0, 10), validUntil);
      assert.ok(validUntil > new Date().toISOString().slice(0, 10), validUntil);

      const capture = await request(sandbox.app)
        .post('/ind/biometrics')
        .set('Authorization', bearer)
        .set('Idempotency-Key', 'case-rv:biometrics:CAP-BLURRY-1')
        .send({ caseRef: 'case-rv', applicationNumber, captureReference: 'CAP-BLURRY-1' })
        .expect(200);
      assert.equal(capture.body.result, 'retake-needed');
    });
  });

  it('sends Notify e-mails and lists them for tests, refusing personal data in the personalisation', async () => {
    open();
    const sent = await request(sandbox.app)
      .post('/notify/v2/notifications/email')
      .set('Authorization', bearer)
      .set('Idempotency-Key', 'case-n:case-opened')
      .send(emailBody('case-n:case-opened'))
      .expect(201);
    assert.deepEqual(sent.body.template, { id: 'newcomer-case-opened-en' });
    const emails = (await request(sandbox.app).get('/_admin/notify/emails').expect(200)).body.emails;
    assert.equal(emails[0].id, sent.body.id);
    assert.deepEqual(
      (await ledger('case-n')).map((e) => e.operation),
      ['send-email'],
    );
    const body = emailBody('case-n:x');
    const leaky = { ...body, personalisation: { ...body.personalisation, bsn: '123456782' } };
    const send = (email: object, key: string) =>
      request(sandbox.app)
        .post('/notify/v2/notifications/email')
        .set('Authorization', bearer)
        .set('Idempotency-Key', key)
        .send(email);
    await send(leaky, 'case-n:x').expect(400);
    // Like Notify: only the account's templates, with every placeholder filled in.
    const unknown = await send({ ...body, template_id: 'newcomer-case-opened-fr' }, 'case-n:y').expect(400);
    assert.match(String(unknown.body.detail), /Template newcomer-case-opened-fr not found/);
    const partial = { ...body, personalisation: { given_name: 'Asha' } };
    const missing = await send(partial, 'case-n:z').expect(400);
    assert.match(String(missing.body.detail), /Missing personalisation: location, startsAt/);
    await send({ ...body, template_id: 'newcomer-case-opened-nl', reference: 'case-n:nl' }, 'case-n:nl').expect(201);
    const all = (await request(sandbox.app).get('/_admin/notify/emails').expect(200)).body.emails as Array<{
      reference: string;
      subject: string;
      body: string;
    }>;
    const dutch = all.find((e) => e.reference === 'case-n:nl');
    assert.equal(dutch?.subject, 'Uw afspraak bij het loket');
    assert.equal(dutch?.body, 'Beste Asha, wij verwachten u bij MIC-Maastricht op 2027-03-01T09:30:00+01:00.');
  });
});

describe('agency sandbox process', () => {
  it('starts on a free port for in-process use, and stops', async () => {
    const started = await startSandbox({ token });
    const res = await fetch(`${started.url}/ind/sponsors/RS-UNKNOWN`, { headers: { authorization: bearer } });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { type: string }).type, 'sponsor-not-recognised');
    await started.close();
    await assert.rejects(fetch(`${started.url}/healthz`));
  });

  it('stops with one line naming a bad SANDBOX_ variable', () => {
    const result = spawnSync(process.execPath, [path.resolve(__dirname, '../sandbox/main.js')], {
      env: { PATH: process.env.PATH ?? '', SANDBOX_PORT: 'abc' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(result.status, 2);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /^Invalid configuration: SANDBOX_PORT="abc": /);
  });
});
