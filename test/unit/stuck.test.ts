import assert from 'node:assert/strict';
import { classifyCase, defaultStuckNorms, stuckQueries, type CaseVisibility } from '../../operator/stuck';

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

  it('waits on a person count after the norm, and not for waits that have their own clock', () => {
    assert.deepEqual(kinds(open({ waitingOn: ['expat:advice'], appointmentAt: hoursAgo(47) })), []);
    assert.deepEqual(kinds(open({ waitingOn: ['expat:advice'], appointmentAt: hoursAgo(49) })), ['waiting-on-person']);
    assert.deepEqual(kinds(open({ waitingOn: ['ind:decision', 'ind:card'], appointmentAt: hoursAgo(500) })), []);
    assert.deepEqual(kinds(open({ nextDeadlineAt: new Date(now.getTime() - 30_000) })), [], 'within the grace');
  });

  it('the saved queries, exactly as the Temporal UI takes them', () => {
    const scope = "WorkflowType = 'newcomerCaseWorkflow' AND ExecutionStatus = 'Running' AND CaseStatus = 'open'";
    const q = stuckQueries(now, defaultStuckNorms);
    assert.equal(q['agency-retrying'], `${scope} AND AgencyRetrying IS NOT NULL`);
    assert.equal(
      q['task-failing'],
      "WorkflowType = 'newcomerCaseWorkflow' AND ExecutionStatus = 'Running' AND " +
        "TemporalReportedProblems IN ('category=WorkflowTaskFailed', 'category=WorkflowTaskTimedOut')",
    );
    assert.equal(
      q['waiting-on-operator'],
      `${scope} AND WaitingOn IN ('operator:eligibility', 'operator:permit', 'operator:check-in', 'operator:brp', ` +
        `'operator:biometrics', 'operator:card', 'operator:return-visa', 'operator:advice')`,
    );
    assert.equal(
      q['past-deadline'],
      `${scope} AND (NextDeadlineAt < '2030-03-10T11:59:00.000Z' OR SlaBreached = true)`,
    );
    assert.equal(
      q['waiting-on-person'],
      `${scope} AND (WaitingOn IN ('desk:check-in', 'desk:identity', 'desk:address', 'ind:biometrics', ` +
        `'ind:return-visa', 'expat:advice') AND AppointmentAt < '2030-03-08T12:00:00.000Z')`,
    );
  });
});
