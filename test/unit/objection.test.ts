import assert from 'node:assert/strict';
import { objectionLastDay, refusalDetails } from '../../domain/objection';

describe('domain: the objection term against an IND decision (4 weeks, Aliens Act art. 69)', () => {
  it('ends 28 days after the Dutch date of the decision', () => {
    assert.equal(objectionLastDay(new Date('2026-11-30T10:00:00Z')), '2026-12-28');
    // 23:30 UTC on the 29th is already the 30th in the Netherlands.
    assert.equal(objectionLastDay(new Date('2026-11-29T23:30:00Z')), '2026-12-28');
    assert.equal(objectionLastDay(new Date('2026-07-01T21:59:00Z')), '2026-07-29');
  });

  it('moves a last day on a weekend or a recognised holiday to the next working day', () => {
    assert.equal(objectionLastDay(new Date('2026-11-28T10:00:00Z')), '2026-12-28', 'Saturday 26 December');
    assert.equal(objectionLastDay(new Date('2026-11-27T10:00:00Z')), '2026-12-28', 'Christmas, then a weekend');
    assert.equal(objectionLastDay(new Date('2027-02-26T10:00:00Z')), '2027-03-30', 'Good Friday to Easter Monday');
    assert.equal(objectionLastDay(new Date('2027-04-09T10:00:00Z')), '2027-05-10', 'Friday 7 May 2027 by decree');
    assert.equal(objectionLastDay(new Date('2029-03-30T10:00:00Z')), '2029-04-30', 'King’s Day, then a weekend');
  });

  it('gives the reason, or says where IND gives it, and survives the years 1 and 9999', () => {
    const details = refusalDetails(undefined, new Date('2026-11-30T10:00:00Z'));
    assert.deepEqual(details, {
      reason: 'given in the decision letter IND sends you',
      objectionTerm: '4 weeks (Aliens Act 2000, art. 69)',
      objectionLastDay: '2026-12-28',
    });
    assert.match(objectionLastDay(new Date('0001-01-01T12:00:00Z')), /^0001-01-29$/);
    assert.match(objectionLastDay(new Date('9999-11-01T12:00:00Z')), /^9999-11-29$/);
  });
});
