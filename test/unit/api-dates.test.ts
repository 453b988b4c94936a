import assert from 'node:assert/strict';
import request from 'supertest';
import { vvrBooking } from '../fixtures/bookings';
import { deskDateOf } from '../../domain/dates';
import { offlineTestApp, tokens } from '../harness/api';

describe('api: a booking with a date outside a year from today', () => {
  for (const startsAt of ['9999-12-31T23:59:00Z', '0001-01-01T00:00:00Z']) {
    it(`answers 422 with the reason for an appointment at ${startsAt}, and starts no case`, async () => {
      const booking = vvrBooking({ appointment: { location: 'MIC-Maastricht', startsAt } });
      // The offline app answers 503 for anything that reaches Temporal: a 422 shows no case was started.
      const res = await request(offlineTestApp())
        .post('/v1/cases')
        .set('authorization', tokens.bookingSite)
        .send(booking)
        .expect(422);
      const problem = res.body as { detail: string; invalidParams: { name: string }[]; requestId?: string };
      assert.equal(res.type, 'application/problem+json');
      assert.match(
        problem.detail,
        new RegExp(`the appointment \\(${startsAt}\\) is (more than a year ahead|in the past)`),
      );
      assert.deepEqual(
        problem.invalidParams.map((p) => p.name),
        ['appointment.startsAt'],
      );
      assert.ok(problem.requestId);
    });
  }
});

describe("api: a booking for a day already past on the desk's clock", () => {
  const app = offlineTestApp();
  const book = (startsAt: string) =>
    request(app)
      .post('/v1/cases')
      .set('authorization', tokens.bookingSite)
      .send(vvrBooking({ appointment: { location: 'MIC-Maastricht', startsAt } }));

  it('refuses yesterday (a no-show the moment it is booked) with 422, and lets earlier today through', async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const refused = await book(yesterday).expect(422);
    assert.match((refused.body as { detail: string }).detail, /the appointment \(.+\) is in the past/);
    // Earlier today passes the intake (the offline app then answers 503: Temporal is away), unless today began
    // less than a minute ago on the desk's clock.
    const aMinuteAgo = Date.now() - 60_000;
    if (deskDateOf(aMinuteAgo) === deskDateOf(Date.now())) {
      await book(new Date(aMinuteAgo).toISOString()).expect(503);
    }
  });
});
