import assert from 'node:assert/strict';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { parseEnv } from '../../lib/config';
import { adminGuard, isLoopback } from '../../sandbox/admin-guard';
import { createSandbox, type Sandbox } from '../../sandbox/app';
import { SandboxEnvSchema } from '../../sandbox/config';

const adminToken = 'admin-token-of-this-test-0042';

/** What the guard decides for a caller at `remoteAddress`: passed on, or the problem's status. */
function decide(
  token: string | undefined,
  remoteAddress: string,
  headers: Record<string, string> = {},
): number | 'next' {
  const req = { socket: { remoteAddress }, headers } as unknown as Request;
  let outcome: number | 'next' | undefined;
  try {
    adminGuard(token)(req, {} as Response, (() => (outcome = 'next')) as NextFunction);
  } catch (err) {
    outcome = (err as { status: number }).status;
  }
  assert.ok(outcome !== undefined);
  return outcome;
}

describe('sandbox: /_admin behind a token, or on loopback only', () => {
  const sandboxes: Sandbox[] = [];
  const sandbox = (options: { adminToken?: string } = {}): Sandbox => {
    const created = createSandbox(options);
    sandboxes.push(created);
    return created;
  };
  after(() => sandboxes.forEach((s) => s.close()));

  it('with SANDBOX_ADMIN_TOKEN, answers its bearer and nothing else, loopback included', async () => {
    const { app } = sandbox({ adminToken });
    await request(app).get('/_admin/ledger').set('authorization', `Bearer ${adminToken}`).expect(200);
    await request(app)
      .put('/_admin/faults')
      .set('authorization', `Bearer ${adminToken}`)
      .send({ agency: 'brp', outage: true })
      .expect(200);
    for (const authorization of [
      undefined,
      'Bearer',
      'Bearer wrong',
      `Bearer ${adminToken.slice(0, -1)}`,
      `Bearer ${adminToken}x`,
      `Basic ${adminToken}`,
      'Bearer sandbox-dev-token',
      adminToken,
    ]) {
      const req = request(app).post('/_admin/reset');
      const res = await (authorization === undefined ? req : req.set('authorization', authorization));
      assert.equal(res.status, 401, `${authorization}: ${res.status}`);
      assert.equal(res.body.type, 'unauthorized');
    }
    const faults = (await request(app).get('/_admin/faults').set('authorization', `Bearer ${adminToken}`)).body;
    assert.ok(faults.faults.brp, 'no refused reset went through');
  });

  it("the admin token opens no agency, and an agency's token opens no admin", async () => {
    const { app } = sandbox({ adminToken });
    await request(app).get('/ind/sponsors/RS-1').set('authorization', `Bearer ${adminToken}`).expect(401);
    await request(app).get('/_admin/ledger').set('authorization', 'Bearer sandbox-dev-token').expect(401);
  });

  it('without a token, answers a caller on loopback', async () => {
    await request(sandbox().app).get('/_admin/ledger').expect(200, { entries: [] });
  });

  it('without a token, refuses every caller not on loopback, whatever its headers claim', () => {
    for (const address of ['10.0.0.5', '192.168.1.20', '::ffff:10.0.0.5', 'fe80::1', '0.0.0.0', '', '128.0.0.1']) {
      assert.equal(decide(undefined, address, { 'x-forwarded-for': '127.0.0.1', host: 'localhost' }), 403, address);
    }
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      assert.equal(decide(undefined, address), 'next', address);
    }
    assert.equal(decide(adminToken, '127.0.0.1'), 401, 'a token, once set, is needed on loopback too');
    assert.equal(decide(adminToken, '10.0.0.5', { authorization: `Bearer ${adminToken}` }), 'next');
    assert.equal(isLoopback('127.0.0.1.example.org'), false);
  });

  it('SANDBOX_ADMIN_TOKEN: empty is none, a short one is refused by name', () => {
    assert.equal(parseEnv(SandboxEnvSchema, { SANDBOX_ADMIN_TOKEN: '' }).SANDBOX_ADMIN_TOKEN, undefined);
    assert.throws(() => parseEnv(SandboxEnvSchema, { SANDBOX_ADMIN_TOKEN: 'short' }), /SANDBOX_ADMIN_TOKEN/);
  });
});
