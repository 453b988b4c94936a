import assert from 'node:assert/strict';
import request from 'supertest';
import { vvrBooking } from '../fixtures/bookings';
import { offlineTestApp, tokens } from '../harness/api';

/**
 * A desk location goes into the `DeskLocation` search attribute in clear text, and a day list filters on it: a
 * location that is a name and an address, or that no day list can ask for, is refused before a case sees it.
 */
describe('api: desk locations, in bookings and in the actions that move an appointment', () => {
  const app = offlineTestApp();
  const hostile = [
    'Lena Hoffmann, Boschstraat 12',
    'Maastricht/MIC',
    'lena@example.org',
    ' MIC',
    'MIC-Maastricht ',
    'MIC_Maastricht',
    'MIC--Heerlen',
    '',
  ];

  for (const location of hostile) {
    it(`refuses a booking at "${location}" with 400 naming appointment.location, and starts no case`, async () => {
      const booking = vvrBooking({
        appointment: { location, startsAt: new Date(Date.now() + 86_400_000).toISOString() },
      });
      const res = await request(app).post('/v1/cases').set('authorization', tokens.bookingSite).send(booking);
      // The offline app answers 503 for anything that reaches Temporal: a 400 shows no case was started.
      assert.equal(res.status, 400, res.text);
      const problem = res.body as { invalidParams: { name: string; reason: string }[] };
      assert.deepEqual(
        problem.invalidParams.map((p) => p.name),
        ['appointment.location'],
      );
      assert.match(problem.invalidParams[0]!.reason, /a desk location such as MIC-Maastricht/);
    });
  }

  it('refuses the same in a reschedule and a return visit, and lists no day for it', async () => {
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    for (const [action, body, token] of [
      ['reschedule', { startsAt, location: 'Maastricht/MIC' }, tokens.bookingSite],
      [
        'schedule-visit',
        { purpose: 'card-collection', startsAt, location: 'Lena Hoffmann, Boschstraat 12' },
        tokens.desk,
      ],
    ] as const) {
      const res = await request(app)
        .post(`/v1/cases/case-BK-LOCATION-1/actions/${action}`)
        .set('authorization', token)
        .send(body);
      assert.equal(res.status, 400, `${action}: ${res.text}`);
    }
    await request(app).get('/v1/cases?location=Maastricht%2FMIC').set('authorization', tokens.desk).expect(400);
  });
});
