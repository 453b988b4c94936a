import assert from 'node:assert/strict';
import { caseView, type CaseSnapshot } from '../../workflows/case-view';
import { caseOutcome, currentDetails, withoutPersonalData } from '../../workflows/current-details';
import type { StepView } from '../../workflows/definitions';
import { caseStartMetadata } from '../../workflows/static-summary';
import { readableDuration } from '../../workflows/summaries';
import { vvrBooking } from '../fixtures/bookings';

describe('the case in words for the Temporal UI', () => {
  const booking = vvrBooking();
  const { person, residence } = booking;
  const personal = [
    person.givenNames,
    person.familyName,
    person.email,
    person.passportNumber,
    person.dateOfBirth,
    residence.address.street,
    residence.address.postcode,
    '123456782',
  ];
  const step = (name: StepView['name'], patch: Omit<StepView, 'name'>): StepView => ({ name, ...patch });
  const snapshot = (patch: Partial<CaseSnapshot>): CaseSnapshot => ({
    caseId: `case-${booking.bookingReference}`,
    booking,
    status: 'open',
    outcome: undefined,
    appointment: booking.appointment,
    steps: [step('eligibility', { state: 'done', outcome: 'eligible' })],
    deadlines: [],
    slaBreached: false,
    agencyRetrying: [],
    results: { bsn: '123456782' },
    references: {},
    audit: [],
    bookedBy: undefined,
    ...patch,
  });

  it('blanks the personal data an agency puts in its error, in any case of letters', () => {
    const hostile = `brp answered 503: ${person.familyName.toUpperCase()}, ${person.givenNames} (${person.email}, born ${person.dateOfBirth}, passport ${person.passportNumber}, ${residence.address.street} 12 ${residence.address.postcode}, BSN 123456782) could not be registered`;
    const clean = withoutPersonalData(hostile, booking, { bsn: '123456782' });
    for (const value of personal) assert.ok(!clean.toLowerCase().includes(value.toLowerCase()), `${value} in ${clean}`);
    assert.match(clean, /^brp answered 503: \[personal data\]/);
  });

  it('blanks it however the agency spells it, and any e-mail address or BSN, even one the case does not know', () => {
    const spellings = {
      'birth date, Dutch order': '12-04-1991',
      'birth date with slashes': '12/4/1991',
      'birth date with dots': '12.04.1991',
      'birth date, digits only': '19910412',
      'postcode with a space': '6211 ax',
      'passport number in groups': 'Z123 4567',
      'the BSN in groups': '1234.56.782',
      'a BSN the case has not been told': '111222333',
      'an e-mail address of someone else': 'partner.of-priya@mail.example.nl',
      "the sponsor's name": 'brightlands photonics bv',
    };
    for (const [what, value] of Object.entries(spellings)) {
      const clean = withoutPersonalData(`brp answered 409: ${value} is registered already`, booking, {
        bsn: '123456782',
      });
      assert.equal(clean, 'brp answered 409: [personal data] is registered already', what);
    }
    // What is not personal data stays: a number failing the BSN eleven-test, an application number, a time.
    const kept = 'ind answered 503 to GET /ind/applications/IND-0000000012 at 2026-11-30 12:03 (ref 123456789)';
    assert.equal(withoutPersonalData(kept, booking, { bsn: '123456782' }), kept);
  });

  it('blanks a name, street or birth date in the spellings agencies use: other case, no accents, parts, words', () => {
    const named = (givenNames: string, familyName: string, street = 'Boschstraße'): typeof booking =>
      vvrBooking({
        person: { ...booking.person, givenNames, familyName, dateOfBirth: '1988-07-14' },
        residence: { ...booking.residence, address: { ...booking.residence.address, street } },
      });
    const cases: [typeof booking, string, string][] = [
      [named('Hans', 'Müller'), 'MULLER', 'an accent dropped, in capitals'],
      [named('Hans', 'Müller'), 'Mu\u0308ller', 'a decomposed accent'],
      [named('Ayşe', 'Işık'), 'IŞIK', 'a dotless i in capitals'],
      [named('Ayşe', 'Işık'), 'AYŞE', 'a given name in capitals'],
      [named('Wei', 'Li'), 'LI', 'a two-letter family name'],
      [named('Jo', 'Wu'), 'Jo', 'a two-letter given name'],
      [named('Sanne', 'de Vries'), 'VRIES', 'a family name without its particle'],
      [named('Hans', 'Müller'), 'BOSCHSTRASSE', 'ß written as SS'],
      [named('Hans', 'Müller'), '14 juli 1988', 'a birth date, Dutch month'],
      [named('Hans', 'Müller'), 'Jul 14, 1988', 'a birth date, English month first'],
      [named('Hans', 'Müller'), '14/07/88', 'a birth date, two-digit year'],
      [named('Hans', 'Müller'), '07/14/1988', 'a birth date, American order'],
    ];
    for (const [who, written, what] of cases) {
      const clean = withoutPersonalData(`brp answered 422: ${written} does not match the passport`, who, {});
      assert.equal(clean, 'brp answered 422: [personal data] does not match the passport', what);
    }
    // Particles and the words around a name stay: "van" and "de" are not the person.
    const deVries = named('Sanne', 'van de Vries');
    assert.equal(
      withoutPersonalData('the registration of VRIES, van de could not be matched', deVries, {}),
      'the registration of [personal data], van de could not be matched',
    );
  });

  it('says what is wrong and what to do for each way a case is stuck, without personal data', () => {
    const text = currentDetails(
      snapshot({
        steps: [
          step('eligibility', { state: 'done', outcome: 'eligible' }),
          step('brp', { state: 'running', waitingOn: 'agency:brp' }),
          step('card', {
            state: 'waiting',
            waitingOn: 'operator:card',
            detail: `card not collected by ${person.familyName}`,
          }),
          step('advice', { state: 'waiting', waitingOn: 'expat:advice' }),
        ],
        deadlines: [
          { name: 'ind-decision-legal-term', dueAt: '2030-01-10T09:00:00.000Z', state: 'breached' },
          { name: 'bsn-service-norm', dueAt: '2030-01-13T09:00:00.000Z', state: 'running' },
        ],
        waitingSince: { brp: '2030-01-10T08:00:00.000Z', advice: '2030-01-08T08:00:00.000Z' },
        agencyTrouble: [
          {
            agency: 'brp',
            since: '2030-01-10T08:00:00.000Z',
            lastError: { message: `brp answered 503 for ${person.email}`, attempt: 7, at: '2030-01-10T08:20:00.000Z' },
          },
        ],
        overdue: [{ waitingOn: 'expat:advice', since: '2030-01-08T08:00:00.000Z', normMs: 2 * 86_400_000 }],
        retryMaxMs: 7 * 86_400_000,
        stepsWithFailingCalls: ['brp'],
      }),
    );
    const problems = text.split('\n').filter((l) => l.startsWith('**Problem:**'));
    assert.deepEqual(problems, [
      '**Problem:** BRP calls failing since 2030-01-10 08:00 UTC; Temporal retries them with back-off. Last error (attempt 7, 2030-01-10 08:20 UTC): brp answered 503 for [personal data]. **Next:** check BRP; the case goes on by itself when it answers again, and waits on an operator after 7 d of failures.' +
        ` Once it answers, \`npm run cases -- retry case-${booking.bookingReference} brp\` calls at once, not at Temporal's next retry; \`npm run cases -- skip case-${booking.bookingReference} brp <reason>\` stops the call.`,
      `**Problem:** the card step waits on an operator: card not collected by [personal data]. **Next:** \`npm run cases -- skip case-${booking.bookingReference} card <reason>\` (it ends not-collected).`,
      '**Problem:** IND legal term breached on 2030-01-10 09:00 UTC (SlaBreached). **Next:** escalate to IND.',
      '**Problem:** waiting on expat:advice since 2030-01-08 08:00 UTC, past the norm of 2 d (PersonOverdue). **Next:** call the Expat Centre, or reassign.',
    ]);
    assert.match(text, /\*\*Next deadline:\*\* BSN service norm, due 2030-01-13 09:00 UTC\./);
    assert.match(text, /- brp: running on agency:brp since 2030-01-10 08:00 UTC/);
    for (const value of personal) assert.ok(!text.includes(value), `${value} in the current details`);
  });

  it('tells a card nobody collected (skip it) from a card IND would not order (retry it)', () => {
    const card = (detail: string) =>
      currentDetails(snapshot({ steps: [step('card', { state: 'waiting', waitingOn: 'operator:card', detail })] }));
    const id = `case-${booking.bookingReference}`;
    assert.match(
      card('card not collected; skip as not-collected'),
      new RegExp(`skip ${id} card <reason>\` \\(it ends`),
    );
    const refused = card('ind call failed (IND answered 409: application not decided); an operator may retry or skip');
    assert.match(refused, new RegExp(`cases -- retry ${id} card\` once the cause is fixed`));
    assert.doesNotMatch(refused, /not-collected/);
  });

  it('offers to stop a failing call only for a step whose call the case lets an operator stop', () => {
    const failing = (patch: Partial<CaseSnapshot>) =>
      currentDetails(
        snapshot({
          steps: [
            step('brp', { state: 'running', waitingOn: 'agency:brp' }),
            step('permit', { state: 'running', waitingOn: 'agency:ind' }),
          ],
          agencyTrouble: [{ agency: 'brp', since: '2030-01-10T08:00:00.000Z' }],
          ...patch,
        }),
      );
    const id = `case-${booking.bookingReference}`;
    assert.match(failing({ stepsWithFailingCalls: ['brp'] }), new RegExp(`cases -- retry ${id} brp\` calls at once`));
    // IND's call is failing too, but IND is not the agency this line is about.
    assert.doesNotMatch(failing({ stepsWithFailingCalls: ['brp', 'permit'] }), /retry \S+ permit/);
    // A case started before operators could stop a failing call: its retry would be refused.
    assert.doesNotMatch(failing({}), /cases -- retry/);
  });

  it('a closed case shows the clocks that still ran as stopped, not running; an open one as they are', () => {
    const deadlines = [
      { name: 'check-in', dueAt: '2030-01-10T09:30:00.000Z', state: 'running' as const },
      { name: 'ind-decision-legal-term', dueAt: '2030-04-10T09:00:00.000Z', state: 'paused' as const },
      { name: 'bsn-service-norm', dueAt: '2030-01-13T09:00:00.000Z', state: 'breached' as const },
    ];
    const states = (status: CaseSnapshot['status']) =>
      caseView(snapshot({ status, deadlines })).deadlines.map((d) => d.state);
    assert.deepEqual(states('withdrawn'), ['stopped', 'stopped', 'breached']);
    assert.deepEqual(states('open'), ['running', 'paused', 'breached']);
  });

  it('a case that moves along has no problem line; a closed one says how it ended', () => {
    assert.doesNotMatch(currentDetails(snapshot({})), /Problem/);
    const closed = currentDetails(snapshot({ status: 'withdrawn', outcome: 'withdrawn: IND application withdrawn' }));
    assert.match(closed, /^\*\*Case withdrawn\.\*\* withdrawn: IND application withdrawn/);
  });

  it('CaseOutcome names the steps that did not end as asked, by step and outcome only', () => {
    const done = (name: StepView['name'], outcome: string): StepView =>
      step(name, { state: 'done', outcome, detail: person.familyName });
    assert.equal(caseOutcome({ status: 'open', steps: [] }), undefined);
    assert.equal(
      caseOutcome({ status: 'completed', steps: [done('permit', 'granted'), done('brp', 'registered')] }),
      'completed',
    );
    assert.equal(
      caseOutcome({
        status: 'completed',
        steps: [done('permit', 'refused'), done('card', 'not-issued'), done('advice', 'given')],
      }),
      'completed: permit refused, card not-issued',
    );
    assert.equal(caseOutcome({ status: 'closed-no-show', steps: [] }), 'no-show');
    assert.equal(caseOutcome({ status: 'rejected', steps: [] }), 'rejected');
  });

  it('the static summary and details at start carry no personal data', () => {
    const { staticSummary, staticDetails } = caseStartMetadata(booking);
    assert.equal(
      staticSummary,
      `Case ${booking.bookingReference}: highly-skilled-migrant, municipality 0935, desk MIC-Maastricht`,
    );
    for (const value of [...personal, person.nationality]) {
      assert.ok(!`${staticSummary}\n${staticDetails}`.includes(value), `${value} in the static metadata`);
    }
  });

  it('durations read as people write them', () => {
    assert.deepEqual([90 * 86_400_000, 2 * 86_400_000 + 4 * 3_600_000, 35 * 60_000, 5_000, 250].map(readableDuration), [
      '90 d',
      '2 d 4 h',
      '35 min',
      '5 s',
      '250 ms',
    ]);
  });
});
