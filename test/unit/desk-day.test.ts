import assert from 'node:assert/strict';
import { deskDayBounds, deskDayOutOfBounds } from '../../domain/dates';
import { ListCasesQuerySchema } from '../../api/schemas';

describe('unit: the desk day (Europe/Amsterdam)', () => {
  const bounds = (date: string) => {
    const { from, to } = deskDayBounds(date);
    return [from.toISOString(), to.toISOString()];
  };

  it('a winter day runs from 23:00 UTC, a summer day from 22:00 UTC', () => {
    assert.deepEqual(bounds('2027-01-15'), ['2027-01-14T23:00:00.000Z', '2027-01-15T23:00:00.000Z']);
    assert.deepEqual(bounds('2027-07-01'), ['2027-06-30T22:00:00.000Z', '2027-07-01T22:00:00.000Z']);
  });

  it('the days the clocks change have 23 and 25 hours', () => {
    assert.deepEqual(bounds('2027-03-28'), ['2027-03-27T23:00:00.000Z', '2027-03-28T22:00:00.000Z']);
    assert.deepEqual(bounds('2027-10-31'), ['2027-10-30T22:00:00.000Z', '2027-10-31T23:00:00.000Z']);
  });

  it('a year end and a leap day', () => {
    assert.deepEqual(bounds('2027-12-31'), ['2027-12-30T23:00:00.000Z', '2027-12-31T23:00:00.000Z']);
    assert.deepEqual(bounds('2028-02-29'), ['2028-02-28T23:00:00.000Z', '2028-02-29T23:00:00.000Z']);
  });

  it('refuses days before the desk opened and beyond the furthest bookable day', () => {
    const now = Date.parse('2026-11-30T10:00:00Z');
    assert.match(deskDayOutOfBounds('0001-01-01', now) ?? '', /before the desk opened/);
    assert.match(deskDayOutOfBounds('2019-12-31', now) ?? '', /before the desk opened/);
    assert.match(deskDayOutOfBounds('9999-12-31', now) ?? '', /after the last day/);
    assert.equal(deskDayOutOfBounds('2020-01-01', now), undefined);
    assert.equal(deskDayOutOfBounds('2027-11-30', now), undefined);
  });

  it('the list query takes a real date and sorts only what it can read whole', () => {
    const ok = (q: Record<string, string>) => ListCasesQuerySchema.safeParse(q).success;
    assert.ok(ok({ location: 'MIC-Maastricht', appointmentDate: new Date().toISOString().slice(0, 10) }));
    for (const date of ['2026-02-30', '2026-13-01', '2026-1-1', '+2026-01-01', '9999-12-31', "2026-12-01' OR '1'='1"]) {
      assert.ok(!ok({ appointmentDate: date }), date);
    }
    assert.ok(!ok({ sort: 'appointmentAt' }), 'an unbounded list is not sorted');
    assert.ok(!ok({ sort: 'name', appointmentDate: '2027-01-01' }));
    assert.ok(!ok({ householdReference: "HH-1' OR '1'='1" }));
    assert.ok(ok({ householdReference: 'HH-0001', sort: 'appointmentAt' }));
  });
});
