import assert from 'node:assert/strict';
import { idempotencyOf } from '../../api/idempotency';

describe('api: the fingerprint of a request under an idempotency key', () => {
  const desk = { id: 'desk-1', role: 'desk-officer' } as const;

  it('is the same for the same request, whatever the key order of its body', () => {
    const a = idempotencyOf('k', 'check-in', { identity: 'verified', note: 'ok' }, desk);
    const b = idempotencyOf('k', 'check-in', { note: 'ok', identity: 'verified' }, desk);
    assert.deepEqual(a, b);
  });

  it('differs for another body, action or caller', () => {
    const base = idempotencyOf('k', 'check-in', { identity: 'verified' }, desk).fingerprint;
    const others = [
      idempotencyOf('k', 'check-in', { identity: 'in-doubt' }, desk),
      idempotencyOf('k', 'resolve-identity', { identity: 'verified' }, desk),
      idempotencyOf('k', 'check-in', { identity: 'verified' }, { id: 'desk-2', role: 'desk-officer' }),
      idempotencyOf('k', 'check-in', { identity: 'verified', note: '' }, desk),
    ];
    for (const other of others) assert.notEqual(other.fingerprint, base);
  });
});
