import assert from 'node:assert/strict';
import {
  classifyCase,
  defaultStuckNorms,
  stuckQueries,
  stuckQueryLinks,
  type CaseVisibility,
} from '../../operator/stuck';

describe('operator command: the classification of a stuck case', () => {
  const now = new Date('2030-03-10T12:00:00Z');
  const hoursAgo = (h: number): Date => new Date(now.getTime() - h * 3_600_000);
  const open = (patch: Partial<CaseVisibility>): CaseVisibility => ({
    caseId: 'case-BK-1',
    status: 'open',
    waitingOn: [],
    agencyRetrying: [],
    municipality: '0935',
    appointmentAt: hoursAgo(1),
    nextDeadlineAt: undefined,
    slaBreached: false,
    reportedProblems: [],
    ...patch,
  });
  const kinds = (c: CaseVisibility): string[] => classifyCase(c, now, defaultStuckNorms).map((r) => r.kind);

  it('a case moving along, or closed, is not stuck', () => {
    assert.deepEqual(kinds(open({ waitingOn: ['agency:brp', 'desk:check-in'], nextDeadlineAt: hoursAgo(-5) })), []);
    assert.deepEqual(kinds(open({ status: 'completed', slaBreached: true, agencyRetrying: ['brp'] })), []);
  });

  it('a case with several reasons gets them all, once each', () => {
    const reasons = classifyCase(
      open({
        waitingOn: ['agency:ind', 'operator:brp', 'operator:card', 'desk:address'],
        agencyRetrying: ['ind'],
        slaBreached: true,
        nextDeadlineAt: hoursAgo(2),
        appointmentAt: hoursAgo(72),
      }),
      now,
      defaultStuckNorms,
    );
    assert.deepEqual(
      reasons.map((r) => r.kind),
      ['agency-retrying', 'waiting-on-operator', 'past-deadline', 'waiting-on-person'],
    );
    assert.equal(reasons[1]?.why, 'the brp, card step waits on an operator');
    assert.match(reasons[1]?.next ?? '', /`cases skip case-BK-1 card <reason>` \(it ends not-collected\)/);
    // The index does not say whether nobody collected the card or IND would not order it: both repairs, and where
    // to read which.
    assert.match(
      reasons[1]?.next ?? '',
      /`cases retry case-BK-1 card` once IND answers again \(`cases show case-BK-1`/,
    );
    assert.match(
      reasons[2]?.why ?? '',
      /due at 2030-03-10T10:00:00.000Z and the case has not acted on it; .*SlaBreached/,
    );
    assert.equal(
      reasons[3]?.why,
      'waiting on desk:address since the appointment at 2030-03-07T12:00:00.000Z, over 2d ago',
    );
    assert.equal(reasons[3]?.next, 'call the desk / reassign');
  });

  it('a case whose workflow tasks fail is stuck, whatever else its attributes say, even if it never set them', () => {
    const failing = ['category=WorkflowTaskFailed', 'cause=WorkflowTaskFailedCauseNonDeterministicError'];
    const [reason] = classifyCase(
      open({ status: undefined, reportedProblems: failing, appointmentAt: undefined }),
      now,
      defaultStuckNorms,
    );
    assert.equal(reason?.kind, 'task-failing');
    assert.match(reason?.why ?? '', /\(NonDeterministicError\)/);
    assert.match(reason?.next ?? '', /temporal workflow reset --workflow-id case-BK-1 --type LastWorkflowTask/);
    assert.deepEqual(kinds(open({ reportedProblems: failing, agencyRetrying: ['brp'] })), [
      'task-failing',
      'agency-retrying',
    ]);
    assert.deepEqual(kinds(open({ reportedProblems: ['category=SomethingElse'] })), [], 'only task problems');
  });

  it('a case whose workflow tasks time out points at the workers, not at the case: it needs no repair', () => {
    const timingOut = ['category=WorkflowTaskTimedOut', 'cause=WorkflowTaskTimedOutCauseStartToClose'];
    const [reason] = classifyCase(open({ reportedProblems: timingOut }), now, defaultStuckNorms);
    assert.equal(reason?.kind, 'task-failing');
    assert.equal(reason?.why, 'its workflow tasks keep timing out (StartToClose); it takes no actions');
    assert.match(reason?.next ?? '', /check the workers of the case's task queue/);
    assert.doesNotMatch(reason?.next ?? '', /reset|deploy/);
  });

  it('waits on a person count after the norm, and not for waits that have their own clock', () => {
    assert.deepEqual(kinds(open({ waitingOn: ['expat:advice'], appointmentAt: hoursAgo(47) })), []);
    assert.deepEqual(kinds(open({ waitingOn: ['expat:advice'], appointmentAt: hoursAgo(49) })), ['waiting-on-person']);
    assert.deepEqual(kinds(open({ waitingOn: ['ind:decision', 'ind:card'], appointmentAt: hoursAgo(500) })), []);
    assert.deepEqual(kinds(open({ nextDeadlineAt: new Date(now.getTime() - 30_000) })), [], 'within the grace');
  });

  it('the saved queries, exactly as the Temporal UI takes them, carry no timestamp', () => {
    const scope = "WorkflowType = 'newcomerCaseWorkflow' AND ExecutionStatus = 'Running' AND CaseStatus = 'open'";
    const q = stuckQueries();
    assert.equal(q['agency-retrying'], `${scope} AND AgencyRetrying IS NOT NULL`);
    assert.equal(
      q['task-failing'],
      "WorkflowType = 'newcomerCaseWorkflow' AND ExecutionStatus = 'Running' AND TemporalReportedProblems IS NOT NULL",
    );
    assert.equal(
      q['waiting-on-operator'],
      `${scope} AND WaitingOn IN ('operator:eligibility', 'operator:permit', 'operator:check-in', 'operator:brp', ` +
        `'operator:biometrics', 'operator:card', 'operator:return-visa', 'operator:advice')`,
    );
    assert.equal(q['past-deadline'], `${scope} AND SlaBreached = true`);
    assert.equal(q['waiting-on-person'], `${scope} AND PersonOverdue IS NOT NULL`);
    for (const query of Object.values(q)) assert.doesNotMatch(query, /\d{4}-\d\d-\d\d/);
  });

  it('each saved query is a link into the Temporal UI', () => {
    const [first] = stuckQueryLinks('http://localhost:8233/');
    assert.equal(first?.kind, 'task-failing');
    assert.equal(
      first?.url,
      'http://localhost:8233/namespaces/default/workflows?query=WorkflowType%20%3D%20%27newcomerCaseWorkflow%27%20AND%20' +
        'ExecutionStatus%20%3D%20%27Running%27%20AND%20TemporalReportedProblems%20IS%20NOT%20NULL',
    );
    assert.equal(
      decodeURIComponent(new URL(first?.url ?? '').searchParams.get('query') ?? ''),
      stuckQueries()['task-failing'],
    );
  });

  it('a case past its person norm is waiting on a person, whenever its appointment was', () => {
    const reasons = classifyCase(
      open({ waitingOn: ['desk:address'], personOverdue: 'desk:address' }),
      now,
      defaultStuckNorms,
    );
    assert.deepEqual(
      reasons.map((r) => [r.kind, r.why, r.next]),
      [
        [
          'waiting-on-person',
          "waiting on desk:address past the case's person norm (PersonOverdue)",
          'call the desk / reassign',
        ],
      ],
    );
  });
});
