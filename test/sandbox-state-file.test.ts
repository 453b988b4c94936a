import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startSandbox, type SandboxOptions, type StartedSandbox } from '../sandbox/app';
import { eventually } from './harness/eventually';
import { freePort } from './harness/ports';

const bearer = 'Bearer sandbox-dev-token';
const sandboxMain = path.resolve(__dirname, '..', 'sandbox', 'main.js');

/** The real sandbox process, as `make dev` runs it; resolves once it answers. */
async function startSandboxProcess(stateFile: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [sandboxMain], {
    env: { PATH: process.env.PATH ?? '', SANDBOX_PORT: String(port), SANDBOX_STATE_FILE: stateFile, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`the sandbox exited with code ${child.exitCode}`);
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok || undefined;
  }, 30_000);
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** An agency call the way the worker's adapters make it. */
function client(baseUrl: string) {
  const call = async (method: string, route: string, body?: unknown, key?: string) => {
    const res = await fetch(`${baseUrl}${route}`, {
      method,
      headers: {
        authorization: bearer,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      replayed: res.headers.get('idempotent-replayed') === 'true',
      body: (text ? JSON.parse(text) : undefined) as Record<string, unknown>,
    };
  };
  return {
    get: (route: string) => call('GET', route),
    post: (route: string, body: unknown, key?: string) => call('POST', route, body, key),
    put: (route: string, body: unknown) => call('PUT', route, body),
  };
}

function registrationBody(caseRef: string) {
  return {
    caseRef,
    person: { givenNames: 'Asha', familyName: 'Rao', dateOfBirth: '1990-04-01', nationality: 'IND' },
    address: { street: 'Markt', houseNumber: 12, postcode: '6211AB', city: 'Maastricht' },
    expectedMonths: 24,
  };
}

function applicationBody(caseRef: string, callbackUrl?: string) {
  return { caseRef, purpose: 'highly-skilled-migrant', route: 'vvr', sponsorNumber: 'RS-100', callbackUrl };
}

describe('agency sandbox with SANDBOX_STATE_FILE', () => {
  let dir: string;
  let stateFile: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-state-'));
    stateFile = path.join(dir, 'nested', 'sandbox-state.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('killed with SIGKILL right after answering, comes back knowing every call, replay and ledger entry', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const agency = client(url);
    let sandbox = await startSandboxProcess(stateFile, port);
    try {
      const registration = await agency.post('/brp/0935/registrations', registrationBody('case-p'), 'case-p:brp');
      assert.equal(registration.status, 201);
      const filed = await agency.post('/ind/applications', applicationBody('case-p'), 'case-p:permit');
      const applicationNumber = String(filed.body.applicationNumber);
      assert.equal((await agency.post('/_admin/ind/decide', { applicationNumber, decision: 'granted' })).status, 200);
      const card = await agency.post('/ind/cards', { caseRef: 'case-p', applicationNumber }, 'case-p:card');
      assert.equal(card.status, 201);
      const email = await agency.post(
        '/notify/v2/notifications/email',
        {
          email_address: 'asha@example.org',
          template_id: 'newcomer-case-opened-en',
          personalisation: { given_name: 'Asha', location: 'MIC', startsAt: '2027-03-01T09:30:00+01:00' },
          reference: 'case-p:o',
        },
        'case-p:o',
      );
      assert.equal(email.status, 201);
      assert.equal((await agency.put('/_admin/faults', { agency: 'notify', latencyMs: 1 })).status, 200);
      const faults = (await agency.get('/_admin/faults')).body;
      const before = (await agency.get('/_admin/ledger')).body.entries as { caseRef: string }[];
      // Killed the moment the last change was answered: an answer is only sent once its change is in the file.
      const last = await agency.post('/brp/0935/registrations', registrationBody('case-last'), 'case-last:brp');
      await kill(sandbox);
      assert.equal(last.status, 201);
      sandbox = await startSandboxProcess(stateFile, port);

      const ledger = (await agency.get('/_admin/ledger')).body.entries as { caseRef: string }[];
      assert.deepEqual(ledger.slice(0, -1), before);
      assert.deepEqual(
        ledger.slice(-1).map((e) => e.caseRef),
        ['case-last'],
      );
      const lastId = String(last.body.registrationId);
      assert.deepEqual((await agency.get(`/brp/0935/registrations/${lastId}`)).body, last.body);
      assert.deepEqual((await agency.get('/_admin/faults')).body, faults);
      const registrationId = String(registration.body.registrationId);
      assert.deepEqual((await agency.get(`/brp/0935/registrations/${registrationId}`)).body, registration.body);
      const replay = await agency.post('/brp/0935/registrations', registrationBody('case-p'), 'case-p:brp');
      assert.equal(replay.status, 201);
      assert.equal(replay.replayed, true, 'the idempotency record survived');
      assert.deepEqual(replay.body, registration.body);
      const reused = await agency.post('/brp/0935/registrations', registrationBody('case-q'), 'case-p:brp');
      assert.equal(reused.body.type, 'idempotency-key-reused');
      assert.equal((await agency.get(`/ind/applications/${applicationNumber}`)).body.status, 'granted');
      assert.equal((await agency.get(`/ind/cards/${String(card.body.orderId)}`)).body.status, 'in-production');
      const emails = (await agency.get('/_admin/notify/emails')).body.emails as { id: string }[];
      assert.deepEqual(
        emails.map((e) => e.id),
        [email.body.id],
      );
      assert.deepEqual((await agency.get('/_admin/ledger')).body.entries, ledger, 'the replays added nothing');

      const another = await agency.post('/brp/0935/registrations', registrationBody('case-r'), 'case-r:brp');
      assert.notEqual(another.body.registrationId, registration.body.registrationId);
      assert.notEqual(another.body.burgerservicenummer, registration.body.burgerservicenummer);
      const anotherFiled = await agency.post('/ind/applications', applicationBody('case-r'), 'case-r:permit');
      assert.notEqual(anotherFiled.body.applicationNumber, applicationNumber);
    } finally {
      await kill(sandbox);
    }
  });

  it('refuses to start on a torn or foreign file, with one line naming the file and the fix', () => {
    const start = () =>
      spawnSync(process.execPath, [sandboxMain], {
        env: { PATH: process.env.PATH ?? '', SANDBOX_PORT: '0', SANDBOX_STATE_FILE: stateFile },
        encoding: 'utf8',
        timeout: 20_000,
      });
    const whole = JSON.stringify({ version: 1, ids: { serial: 1, issuedBsns: [] }, state: { ledger: [] } });
    rmSync(path.dirname(stateFile), { recursive: true, force: true });
    for (const content of [whole.slice(0, 40), '{"version": 1, "ids": {"serial": 1, "issuedBsns": []}}', '']) {
      writeFileSync(path.join(dir, 'torn.json'), content);
      stateFile = path.join(dir, 'torn.json');
      const result = start();
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.ok(result.stderr.includes(`SANDBOX_STATE_FILE="${stateFile}" is not a sandbox state file`), result.stderr);
      assert.match(result.stderr, /delete it to start the sandbox empty/);
      assert.equal(readFileSync(stateFile, 'utf8'), content, 'the sandbox left the file as it found it');
    }
  });

  describe('in-process (startSandbox)', () => {
    let sandbox: StartedSandbox | undefined;
    const open = async (options: SandboxOptions = {}): Promise<ReturnType<typeof client>> => {
      sandbox = await startSandbox({ stateFile, ...options });
      return client(sandbox.url);
    };
    const reopen = async (options: SandboxOptions = {}): Promise<ReturnType<typeof client>> => {
      await sandbox?.close();
      return open(options);
    };
    afterEach(async () => {
      await sandbox?.close();
      sandbox = undefined;
    });

    let receiver: http.Server;
    let receiverUrl: string;
    let received: Record<string, unknown>[];
    /** The state file as it was when each call-back arrived. */
    let fileOnArrival: string[];
    let failing: boolean;
    beforeEach(async () => {
      received = [];
      fileOnArrival = [];
      failing = false;
      receiver = http.createServer((req, res) => {
        let data = '';
        req.on('data', (chunk: Buffer) => (data += chunk.toString()));
        req.on('end', () => {
          fileOnArrival.push(existsSync(stateFile) ? readFileSync(stateFile, 'utf8') : '(no file)');
          if (failing) return void res.writeHead(500).end();
          received.push(JSON.parse(data) as Record<string, unknown>);
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callbacks`;
    });
    afterEach(async () => {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    });

    it('throws the same error from startSandbox for a torn file', async () => {
      writeFileSync(path.join(dir, 'torn.json'), '{"version": 1, "ids": {"ser');
      stateFile = path.join(dir, 'torn.json');
      await assert.rejects(open(), (err: Error) => {
        assert.equal(err.name, 'ConfigError');
        assert.match(err.message, /torn\.json" is not a sandbox state file .*delete it/);
        return true;
      });
    });

    it('calls back only once the change it reports is in the file', async () => {
      const agency = await open({ callbackUrl: receiverUrl });
      const filed = await agency.post('/ind/applications', applicationBody('case-f'), 'case-f:permit');
      const applicationNumber = String(filed.body.applicationNumber);
      await agency.post('/_admin/ind/decide', { applicationNumber, decision: 'granted' });
      await eventually(async () => Promise.resolve(fileOnArrival[0]), 10_000, 20);
      const saved = JSON.parse(fileOnArrival[0]!) as { state: { applications: Record<string, { status: string }> } };
      assert.equal(saved.state.applications[applicationNumber]?.status, 'granted');
    });

    it('decides and finishes cards that fell due while it was down, and calls back', async () => {
      const slow = { decisionDelayMs: 600_000, cardReadyDelayMs: 600_000, callbackUrl: receiverUrl };
      let agency = await open(slow);
      const pending = await agency.post('/ind/applications', applicationBody('case-t1'), 'case-t1:permit');
      const granted = await agency.post('/ind/applications', applicationBody('case-t2'), 'case-t2:permit');
      const grantedNumber = String(granted.body.applicationNumber);
      await agency.post('/_admin/ind/decide', { applicationNumber: grantedNumber, decision: 'granted' });
      const card = await agency.post('/ind/cards', { caseRef: 'case-t2', applicationNumber: grantedNumber }, 'k');
      await eventually(async () => Promise.resolve(received.length === 1 || undefined), 10_000, 20);

      agency = await reopen({ decisionDelayMs: 1, cardReadyDelayMs: 1, callbackUrl: receiverUrl });
      await eventually(async () => Promise.resolve(received.length === 3 || undefined), 10_000, 20);
      assert.deepEqual(
        received.map((event) => [event.event, event.applicationNumber]).sort(),
        [
          ['card-ready', grantedNumber],
          ['decision', grantedNumber],
          ['decision', pending.body.applicationNumber],
        ].sort(),
      );
      assert.equal(
        (await agency.get(`/ind/applications/${String(pending.body.applicationNumber)}`)).body.status,
        'granted',
      );
      assert.equal((await agency.get(`/ind/cards/${String(card.body.orderId)}`)).body.status, 'ready');

      // What the timers did after the restart is itself saved.
      agency = await reopen();
      assert.equal((await agency.get(`/ind/cards/${String(card.body.orderId)}`)).body.status, 'ready');
      assert.equal(received.length, 3, 'nothing was called back twice');
    });

    it('takes up a call-back that was still being retried, and forgets everything after a reset', async () => {
      failing = true;
      let agency = await open({ callbackUrl: receiverUrl, callbackRetryDelayMs: 600_000 });
      const filed = await agency.post('/ind/applications', applicationBody('case-cb'), 'case-cb:permit');
      const applicationNumber = String(filed.body.applicationNumber);
      await agency.post('/_admin/ind/decide', { applicationNumber, decision: 'refused' });
      await eventually(async () => {
        const [delivery] = (await agency.get('/_admin/callbacks')).body.callbacks as { status: number | null }[];
        return delivery?.status === 500 || undefined;
      });

      failing = false;
      agency = await reopen({ callbackUrl: receiverUrl, callbackRetryDelayMs: 1 });
      await eventually(async () => Promise.resolve(received[0]), 10_000, 20);
      assert.equal(received[0]!.decision, 'refused');
      const deliveries = await eventually(async () => {
        const all = (await agency.get('/_admin/callbacks')).body.callbacks as { delivered: boolean }[];
        return all[0]?.delivered ? all : undefined;
      });
      assert.deepEqual(deliveries, [
        { url: `${receiverUrl}/decision`, body: received[0], status: 204, attempts: 2, delivered: true },
      ]);

      assert.equal((await agency.post('/_admin/reset', {})).status, 204);
      agency = await reopen();
      assert.deepEqual((await agency.get('/_admin/ledger')).body.entries, []);
      assert.equal((await agency.get(`/ind/applications/${applicationNumber}`)).status, 404);
    });
  });
});
