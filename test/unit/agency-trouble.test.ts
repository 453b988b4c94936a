import assert from 'node:assert/strict';
import { FailingAgencyCalls } from '../../workflows/agency-trouble';
import type { CaseSnapshot } from '../../workflows/case-view';
import { currentDetails } from '../../workflows/current-details';
import { vvrBooking } from '../fixtures/bookings';

const at = (iso: string): number => Date.parse(iso);

describe('the failing agency calls of a case (AgencyRetrying, "failing since")', () => {
  it('shows an agency while any of its calls keeps failing, since the earliest start, until the last one ends', () => {
    const calls = new FailingAgencyCalls();
    calls.failing('ind', at('2030-01-10T08:00:00Z'));
    calls.failing('brp', at('2030-01-10T08:30:00Z'));
    calls.failing('ind', at('2030-01-10T09:00:00Z'));
    assert.deepEqual(calls.agencies(), ['brp', 'ind']);
    assert.deepEqual(calls.trouble(), [
      { agency: 'ind', since: '2030-01-10T08:00:00.000Z' },
      { agency: 'brp', since: '2030-01-10T08:30:00.000Z' },
    ]);

    calls.ended('brp', at('2030-01-10T08:30:00Z'));
    assert.deepEqual(calls.agencies(), ['ind']);
    calls.ended('ind', at('2030-01-10T09:00:00Z'));
    assert.deepEqual(calls.agencies(), ['ind'], 'one IND call still fails');
    calls.ended('ind', at('2030-01-10T08:00:00Z'));
    assert.deepEqual(calls.agencies(), []);
    assert.deepEqual(calls.trouble(), []);
  });

  it("keeps the last error while the agency's calls fail, and takes none for an agency that is not failing", () => {
    const calls = new FailingAgencyCalls();
    const lastError = { message: 'ind answered 503', attempt: 4, at: '2030-01-10T08:10:00.000Z' };
    assert.equal(calls.lastError('ind', lastError), false);
    assert.deepEqual(calls.trouble(), []);
    calls.failing('ind', at('2030-01-10T08:00:00Z'));
    assert.equal(calls.lastError('ind', lastError), true);
    assert.deepEqual(calls.trouble(), [{ agency: 'ind', since: '2030-01-10T08:00:00.000Z', lastError }]);
    calls.ended('ind', at('2030-01-10T08:00:00Z'));
    calls.failing('ind', at('2030-01-11T08:00:00Z'));
    assert.deepEqual(calls.trouble(), [{ agency: 'ind', since: '2030-01-11T08:00:00.000Z' }], 'a new trouble');
  });

  it('when the earlier of two failing calls recovers, the case says the calls fail since the later one began', () => {
    const calls = new FailingAgencyCalls();
    const first = at('2030-01-10T08:00:00Z');
    const second = at('2030-01-10T09:00:00Z');
    calls.failing('ind', first);
    calls.failing('ind', second);
    calls.ended('ind', first);
    assert.deepEqual(calls.agencies(), ['ind']);
    assert.deepEqual(calls.trouble(), [{ agency: 'ind', since: '2030-01-10T09:00:00.000Z' }]);

    const booking = vvrBooking();
    const snapshot: CaseSnapshot = {
      caseId: `case-${booking.bookingReference}`,
      booking,
      status: 'open',
      outcome: undefined,
      appointment: booking.appointment,
      steps: [],
      deadlines: [],
      slaBreached: false,
      agencyRetrying: calls.agencies(),
      results: {},
      references: {},
      audit: [],
      bookedBy: undefined,
      agencyTrouble: calls.trouble(),
    };
    assert.match(currentDetails(snapshot), /^\*\*Problem:\*\* IND calls failing since 2030-01-10 09:00 UTC;/m);

    calls.failing('ind', first);
    calls.ended('ind', second);
    assert.deepEqual(calls.trouble(), [{ agency: 'ind', since: '2030-01-10T08:00:00.000Z' }], 'two calls of one start');
  });
});
