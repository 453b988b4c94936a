import assert from 'node:assert/strict';
import request from 'supertest';
import { offlineTestApp, tokens } from '../harness/api';

describe('api: a body that is not JSON', () => {
  it('is answered 400 in general terms, without quoting the body (a malformed booking is personal data)', async () => {
    const body = '{"person": {"familyName": "Hoffmann", "dateOfBirth": "1994-09-03"';
    const res = await request(offlineTestApp())
      .post('/v1/cases')
      .set('authorization', tokens.bookingSite)
      .set('content-type', 'application/json')
      .send(body)
      .expect(400);
    assert.equal(res.type, 'application/problem+json');
    assert.match(String(res.body.detail), /^The request body is not valid JSON/);
    for (const quoted of ['Hoffmann', '1994', 'person'])
      assert.ok(!res.text.includes(quoted), `${quoted} in ${res.text}`);
    assert.ok(res.body.requestId);
  });
});
