import assert from 'node:assert/strict';
import request from 'supertest';
import { vvrBooking } from '../fixtures/bookings';
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

describe('api: text that would act on a screen instead of showing on it', () => {
  it('refuses control characters and direction marks in a booking, naming each field, and starts no case', async () => {
    const booking = vvrBooking();
    const res = await request(offlineTestApp())
      .post('/v1/cases')
      .set('authorization', tokens.bookingSite)
      .send({
        ...booking,
        person: { ...booking.person, givenNames: 'Priya\u001b[2J', familyName: '\u202eNAHTANUHGAR' },
        residence: { ...booking.residence, address: { ...booking.residence.address, street: 'Bosch\nstraat' } },
      })
      .expect(400);
    const names = (res.body as { invalidParams: { name: string; reason: string }[] }).invalidParams;
    assert.deepEqual(names.map((p) => p.name).sort(), [
      'person.familyName',
      'person.givenNames',
      'residence.address.street',
    ]);
    assert.match(names[0]!.reason, /control characters or text-direction marks/);
    assert.ok(!res.text.includes('NAHTANUHGAR'), 'the value is not echoed');
  });

  it("refuses them in an officer's documents and reasons, but takes line breaks in a reason", async () => {
    const app = offlineTestApp();
    const documents = await request(app)
      .post('/v1/cases/case-BK-1/actions/request-documents')
      .set('authorization', tokens.ind)
      .send({ documents: ['passport copy\u0007'] });
    assert.equal(documents.status, 400, documents.text);
    assert.deepEqual(
      (documents.body as { invalidParams: { name: string }[] }).invalidParams.map((p) => p.name),
      ['documents.0'],
    );
    const withdraw = await request(app)
      .post('/v1/cases/case-BK-1/actions/withdraw')
      .set('authorization', tokens.bookingSite)
      .send({ reason: 'moved\u202e abroad' });
    assert.equal(withdraw.status, 400, withdraw.text);
    const multiline = await request(app)
      .post('/v1/cases/case-BK-1/actions/withdraw')
      .set('authorization', tokens.bookingSite)
      .send({ reason: 'moved abroad;\r\nsee the e-mail of today' });
    assert.notEqual(multiline.status, 400, multiline.text);
  });
});
