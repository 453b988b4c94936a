import type { WorkflowHandle } from '@temporalio/client';
import { caseActions } from '../workflows/actions';
import { caseStatusQuery } from '../workflows/definitions';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generatePayloadKey } from '../lib/encryption';
import { stuckCheckScheduleId } from '../operator/schedule';
import { defaultStuckNorms, stuckQueryLinks, type StuckReason } from '../operator/stuck';
import { createStuckReportActivities, createStuckReportMetrics } from '../worker/stuck-report';
import type { CaseSettings } from '../workflows/settings';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { actors, checkIn, startCase, stepOutcome, waitForCase, waitingOn } from './harness/case-driver';
import { eventually } from './harness/eventually';
import { useCaseStack } from './harness/case-fixture';
import { runCases, runCasesIn, type CliRun } from './harness/operator-cli';
import { readmeQuery } from './harness/readme-links';
import { temporal, testPayloadKeysSpec, testSettings } from './harness/temporal';

const operatorId = 'operator-on-call-7';

type Run = CliRun;

/** The case's BRP registration calls as its history shows them: scheduled, and stopped by the case. */
async function registerCalls(handle: WorkflowHandle): Promise<{ scheduled: number; cancelled: number }> {
  const { events } = await handle.fetchHistory();
  const registerIds = new Set(
    (events ?? [])
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'registerInBrp')
      .map((e) => String(e.eventId)),
  );
  const cancelled = (events ?? []).filter((e) =>
    registerIds.has(String(e.activityTaskCancelRequestedEventAttributes?.scheduledEventId)),
  );
  return { scheduled: registerIds.size, cancelled: cancelled.length };
}

/** What the command wrote after its first line, which names the environment it talks to. */
function afterEnvironment(stderr: string): string {
  const [first, ...rest] = stderr.split('\n');
  assert.match(first ?? '', /^Temporal \S+, namespace \S+ \(.+\), from .+; payload keys from .+$/, stderr);
  return rest.join('\n');
}

interface Listed {
  caseId: string;
  reasons: StuckReason[];
  waitingOn: string[];
  municipality: string | null;
  nextDeadlineAt: string | null;
  agencyRetrying: string[];
}

/** Whether the README's saved query `text` lists the case, as an operator opening its link sees it (eventually). */
async function underReadmeLink(text: string, caseId: string, listedNow: boolean): Promise<void> {
  const query = `${readmeQuery(text)} AND WorkflowId = '${caseId}'`;
  await eventually(async () =>
    (await temporal().client.workflow.count(query)).count === (listedNow ? 1 : 0) ? true : undefined,
  );
}

describe('operator command: stuck cases from visibility, repairs through the workflow Updates', () => {
  const stack = useCaseStack({ name: 'operator' });

  const cases = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
    runCases(args, { TEMPORAL_TASK_QUEUE: stack.taskQueue, OPERATOR_ID: operatorId, ...env });

  async function listed(caseId: string): Promise<Listed | undefined> {
    const run = await cases(['stuck', '--json']);
    assert.equal(run.code, 0, run.stderr);
    return (JSON.parse(run.stdout) as Listed[]).find((c) => c.caseId === caseId);
  }

  const listedAs = (caseId: string, kind: StuckReason['kind'], timeoutMs = 30_000): Promise<Listed> =>
    eventually(async () => {
      const found = await listed(caseId);
      return found?.reasons.some((r) => r.kind === kind) ? found : undefined;
    }, timeoutMs);

  const withWorkers = <T>(settings: CaseSettings, fn: () => Promise<T>): Promise<T> =>
    stack.runWorkers(fn, { settings });

  it('lists a case during a BRP outage as agency-retrying, and no longer once BRP is back', async () => {
    await stack.admin.faults({ agency: 'brp', outage: true });
    await withWorkers(testSettings({ agencyRetryVisibleAfterMs: 1_000 }), async () => {
      const handle = await startCase(stack.taskQueue, euBooking({ services: ['brp-registration', 'advice'] }));
      const id = handle.workflowId;
      await checkIn(handle);

      const found = await listedAs(id, 'agency-retrying', 20_000);
      const reason = found.reasons.find((r) => r.kind === 'agency-retrying')!;
      assert.equal(reason.why, 'brp calls keep failing');
      assert.match(reason.next, new RegExp(`cases retry ${id} <step>\` calls at once, or \`cases skip ${id} <step>`));
      assert.deepEqual(found.agencyRetrying, ['brp']);
      assert.equal(found.municipality, '0935');
      const table = await cases(['stuck']);
      assert.match(
        table.stdout,
        new RegExp(`^${id} +0935 +\\S*agency:brp\\S* +agency-retrying +brp calls keep failing`, 'm'),
      );
      assert.doesNotMatch(table.stdout + JSON.stringify(found), /Hoffmann|Lena|C01X00T47|example\.org|Boschstraat/);

      const metrics = createStuckReportMetrics();
      const counts = await createStuckReportActivities({ metrics, client: () => temporal().client }).reportStuckCases({
        humanNormMs: defaultStuckNorms.humanNormMs,
      });
      assert.ok(counts.byKind['agency-retrying'] >= 1 && counts.total >= 1, JSON.stringify(counts));
      const exported = await metrics.registry.getSingleMetricAsString('stuck_cases');
      assert.match(exported, new RegExp(`stuck_cases\\{kind="agency-retrying"\\} ${counts.byKind['agency-retrying']}`));
      assert.match(exported, /stuck_cases\{kind="waiting-on-person"\} \d+/);

      // A retry while Temporal backs off stops the failing call and calls again at once, from the first attempt.
      const retry = await cases(['retry', id, 'brp']);
      assert.equal(retry.code, 0, retry.stderr);
      assert.match(retry.stdout, new RegExp(`^${id}: retry of brp accepted; it now waits on: agency:brp`));
      const registrations = await registerCalls(handle);
      assert.equal(registrations.cancelled, 1, 'the failing call was stopped');
      assert.equal(registrations.scheduled, 2, 'and called again');

      await stack.admin.clearFaults();
      await waitForCase(handle, (v) => stepOutcome(v, 'brp') === 'registered', 'registered after recovery', 60_000);
      const late = await cases(['retry', id, 'brp']);
      assert.equal(late.code, 1);
      assert.equal(
        afterEnvironment(late.stderr).trim(),
        `${id}: the brp step is not waiting on an operator, and none of its agency calls keeps failing ` +
          '(AgencyRetrying); Temporal retries a failing call by itself until then',
      );
      await eventually(async () => ((await listed(id)) === undefined ? true : undefined));

      const cancel = await cases(['cancel', id, 'test', 'done']);
      assert.equal(cancel.code, 0, cancel.stderr);
      assert.equal((await handle.result()).status, 'withdrawn');
      const again = await cases(['cancel', id, 'twice']);
      assert.equal(again.code, 1);
      assert.equal(afterEnvironment(again.stderr), `${id} is closed; it takes no more actions\n`);
    });
  });

  it('`cases skip` of a step whose BRP call keeps failing stops the call: the answer shows the case moved on', async () => {
    await stack.admin.faults({ agency: 'brp', outage: true });
    // Temporal's retries would give up only after ten minutes: the skip must not wait for that.
    await withWorkers(testSettings({ agencyRetryVisibleAfterMs: 1_000, agencyRetryMaxMs: 600_000 }), async () => {
      const handle = await startCase(stack.taskQueue, euBooking({ services: ['brp-registration', 'advice'] }));
      const id = handle.workflowId;
      await checkIn(handle);
      await listedAs(id, 'agency-retrying', 20_000);

      const skip = await cases(['skip', id, 'brp', 'registered', 'by', 'hand']);
      assert.equal(skip.code, 0, skip.stderr);
      assert.match(skip.stdout, new RegExp(`^${id}: brp skipped by ${operatorId}; it now waits on: expat:advice`));
      const view = await handle.query(caseStatusQuery);
      assert.equal(stepOutcome(view, 'brp'), 'skipped');
      assert.deepEqual(view.agencyRetrying, [], 'no agency is shown failing once its call stopped');
      assert.deepEqual(await registerCalls(handle), { scheduled: 1, cancelled: 1 });
      assert.equal(view.audit.filter((a) => a.action === 'skip-step').length, 1);
      await eventually(async () => ((await listed(id)) === undefined ? true : undefined));

      await stack.admin.clearFaults();
      await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.operator, reason: 'test done' }],
      });
    });
  });

  it('lists a case waiting on operator:brp; `cases skip` moves it on, audited under OPERATOR_ID', async () => {
    await stack.admin.faults({ agency: 'brp', outage: true });
    await withWorkers(testSettings({ agencyRetryMaxMs: 2_000 }), async () => {
      const handle = await startCase(stack.taskQueue, euBooking({ services: ['brp-registration', 'advice'] }));
      const id = handle.workflowId;
      await checkIn(handle);
      await waitingOn(handle, 'operator:brp');

      const found = await listedAs(id, 'waiting-on-operator');
      const reason = found.reasons.find((r) => r.kind === 'waiting-on-operator')!;
      assert.equal(reason.why, 'the brp step waits on an operator');
      assert.match(reason.next, new RegExp(`cases retry ${id} brp\`.*cases skip ${id} brp <reason>`));
      await underReadmeLink("`WaitingOn IN ('operator:…')`", id, true);

      const skip = await cases(['skip', id, 'brp', 'registered', 'by', 'hand', 'at', 'the', 'municipality']);
      assert.equal(skip.code, 0, skip.stderr);
      assert.match(skip.stdout, new RegExp(`^${id}: brp skipped by ${operatorId}; it now waits on: expat:advice`));
      const view = await waitForCase(handle, (v) => stepOutcome(v, 'brp') === 'skipped', 'brp skipped');
      const entry = view.audit.find((a) => a.action === 'skip-step');
      assert.deepEqual(entry?.actor, { id: operatorId, role: 'operator' });
      assert.equal(entry?.detail, 'brp: registered by hand at the municipality');
      await eventually(async () => ((await listed(id)) === undefined ? true : undefined));
      await underReadmeLink("`WaitingOn IN ('operator:…')`", id, false);

      const show = await cases(['show', id]);
      assert.equal(show.code, 0, show.stderr);
      assert.match(show.stdout, new RegExp(`^${id}  open`));
      assert.match(show.stdout, /^waiting on: expat:advice$/m);
      assert.match(show.stdout, new RegExp(`skip-step +brp: registered by hand at the municipality$`, 'm'));
      assert.match(show.stdout, new RegExp(`${operatorId} +operator +skip-step`));
      assert.doesNotMatch(show.stdout, /Hoffmann|C01X00T47|example\.org/);
      await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.operator, reason: 'test done' }],
      });
    });
  });

  it("`cases show` writes a case's control characters and direction marks as escapes, never to the terminal", async () => {
    await withWorkers(testSettings(), async () => {
      const handle = await startCase(stack.taskQueue, euBooking({ services: ['brp-registration', 'advice'] }));
      await waitingOn(handle, 'desk:check-in');
      // Written past the API (which refuses them), as an older case or another client might hold them.
      const hostile = 'moved \u001b[2J\u001b]0;pwned\u0007 abroad \u202egnissim\u009b';
      await handle.executeUpdate(caseActions.withdraw.update, { args: [{ actor: actors.operator, reason: hostile }] });
      for (const args of [
        ['show', handle.workflowId],
        ['show', handle.workflowId, '--json'],
      ]) {
        const show = await cases(args);
        assert.equal(show.code, 0, show.stderr);
        assert.doesNotMatch(
          show.stdout,
          // eslint-disable-next-line no-control-regex -- finding control characters is the point
          /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/,
          `${args.join(' ')} wrote raw`,
        );
        assert.ok(show.stdout.includes('\\u001b[2J'), show.stdout);
      }
    });
  });

  it('lists a case whose service norm was breached as past-deadline', async () => {
    await withWorkers(testSettings({ indSponsorTargetMs: 1_000 }), async () => {
      const handle = await startCase(stack.taskQueue, vvrBooking({ services: ['residence-permit'] }));
      await waitForCase(handle, (v) => v.slaBreached, 'SLA breached');
      const found = await listedAs(handle.workflowId, 'past-deadline');
      const reason = found.reasons.find((r) => r.kind === 'past-deadline')!;
      assert.match(reason.why, /breached \(SlaBreached\)/);
      await underReadmeLink('`SlaBreached = true`', handle.workflowId, true);
      assert.match(reason.next, new RegExp(`cases show ${handle.workflowId}\`\\), and escalate`));
      await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.operator, reason: 'test done' }],
      });
    });
  });

  it('refuses bad arguments with the usage (2), an unknown case (1) and a bad variable in one line (2)', async () => {
    const noStep = await cases(['retry', 'case-BK-X']);
    assert.equal(noStep.code, 2);
    assert.match(noStep.stderr, /^retry needs a case id and a step\n\nusage: npm run cases/);
    const badStep = await cases(['skip', 'case-BK-X', 'lunch', 'because']);
    assert.equal(badStep.code, 2);
    assert.match(badStep.stderr, /^unknown step "lunch"/);
    const unknown = await cases(['show', 'case-BK-NO-SUCH-CASE']);
    assert.equal(unknown.code, 1);
    assert.equal(afterEnvironment(unknown.stderr), 'no case case-BK-NO-SUCH-CASE\n');
    const badNorm = await cases(['stuck'], { STUCK_HUMAN_NORM: 'soon' });
    assert.equal(badNorm.code, 2);
    assert.equal(badNorm.stderr.trim().split('\n').length, 1, badNorm.stderr);
    assert.match(badNorm.stderr, /^Invalid configuration: STUCK_HUMAN_NORM="soon": expected a duration/);
  });

  it('with keys the case was not written with, acts on nothing and says so in one line: the case keeps running', async () => {
    await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, euBooking());
      await waitingOn(handle, 'desk:check-in');
      const id = handle.workflowId;
      // Another deployment's key, as a copy-paste from the wrong environment brings it.
      const wrongKeys = { PAYLOAD_KEYS: generatePayloadKey('k9') };
      for (const args of [
        ['retry', id, 'brp'],
        ['skip', id, 'advice', 'by', 'phone'],
        ['show', id],
      ]) {
        const run = await cases(args, wrongKeys);
        assert.equal(run.code, 1, run.stderr);
        const said = afterEnvironment(run.stderr).trim();
        assert.equal(said.split('\n').length, 1, said);
        assert.match(
          said,
          /^case-\S+: payload encrypted with unknown key \S+: .* not the deployment's, and nothing was sent/,
        );
        assert.match(said, /\.data\/payload-keys\)$/);
      }
      // Nothing reached the case: no Update in its history, no failed workflow task, and it still answers.
      const { events } = await handle.fetchHistory();
      const touched = (events ?? []).filter(
        (e) => e.workflowTaskFailedEventAttributes || e.workflowExecutionUpdateAcceptedEventAttributes,
      );
      assert.deepEqual(touched, []);
      assert.ok((await handle.query(caseStatusQuery)).waitingOn.includes('desk:check-in'));
    });
  });

  it('with a key appended for a rotation the workers have not taken, encrypts with the one the case was written with', async () => {
    await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, euBooking({ services: ['advice'] }));
      await checkIn(handle);
      await waitingOn(handle, 'expat:advice');
      // The deployment's keys, and a new last one (the key that encrypts by default) the workers do not hold.
      const rotating = { PAYLOAD_KEYS: `${testPayloadKeysSpec},${generatePayloadKey('k-next')}` };
      const skip = await cases(['skip', handle.workflowId, 'advice', 'declined', 'by', 'phone'], rotating);
      assert.equal(skip.code, 0, skip.stderr);
      assert.match(skip.stdout, /advice skipped by operator-on-call-7/);
      const { events } = await handle.fetchHistory();
      assert.deepEqual(
        (events ?? []).filter((e) => e.workflowTaskFailedEventAttributes),
        [],
      );
      assert.equal(stepOutcome(await handle.query(caseStatusQuery), 'advice'), 'skipped');
    });
  });

  it('beside `make dev` finds its keys, its Temporal and its UI in .data/, and says so; a variable set wins', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'operator-dev-'));
    try {
      mkdirSync(path.join(dir, '.data'));
      writeFileSync(path.join(dir, '.data', 'payload-keys'), `${testPayloadKeysSpec}\n`);
      const address = temporal().address;
      writeFileSync(
        path.join(dir, '.data', 'temporal.toml'),
        `[profile.default]\naddress = "${address}"\nnamespace = "default"\n`,
      );
      // make dev with TEMPORAL_UI_PORT=18234.
      writeFileSync(path.join(dir, '.data', 'temporal-ui-url'), 'http://localhost:18234\n');
      // The case is queried: its workers run meanwhile.
      const { id, show } = await withWorkers(testSettings(), async () => {
        const handle = await startCase(stack.taskQueue, euBooking({ services: ['advice'] }));
        await waitingOn(handle, 'desk:check-in');
        return { id: handle.workflowId, show: await runCasesIn(dir, ['show', handle.workflowId], {}) };
      });
      assert.equal(show.code, 0, show.stderr);
      assert.match(show.stdout, new RegExp(`^${id}  open`));
      assert.equal(
        show.stderr,
        `Temporal ${address}, namespace default (plaintext), from .data/temporal.toml (make dev); ` +
          'payload keys from .data/payload-keys (make dev); ' +
          'Temporal UI http://localhost:18234 from .data/temporal-ui-url (make dev)\n',
      );

      const links = (stdout: string): string[] => stdout.match(/https?:\/\/\S+\/workflows\?query=\S+/g) ?? [];
      const stuck = await runCasesIn(dir, ['stuck'], {});
      assert.equal(stuck.code, 0, stuck.stderr);
      assert.equal(links(stuck.stdout).length, stuckQueryLinks('').length, stuck.stdout);
      for (const link of links(stuck.stdout)) assert.match(link, /^http:\/\/localhost:18234\/namespaces\/default\//);
      const ui = 'https://temporal-ui.example';
      const explicit = await runCasesIn(dir, ['stuck'], { TEMPORAL_UI_URL: ui });
      assert.equal(explicit.code, 0, explicit.stderr);
      assert.match(
        explicit.stderr,
        /from \.data\/temporal\.toml \(make dev\); .*; Temporal UI \S+ from TEMPORAL_UI_URL$/m,
      );
      assert.equal(links(explicit.stdout).length, stuckQueryLinks('').length, explicit.stdout);
      for (const link of links(explicit.stdout)) assert.ok(link.startsWith(`${ui}/namespaces/default/`), link);

      const elsewhere = await runCasesIn(dir, ['show', id], { TEMPORAL_ADDRESS: '127.0.0.1:9' });
      assert.equal(elsewhere.code, 1);
      assert.match(
        elsewhere.stderr,
        /^Temporal 127\.0\.0\.1:9, namespace default \(plaintext\), from TEMPORAL_ADDRESS;/,
      );
      assert.match(elsewhere.stderr, /cannot reach Temporal at 127\.0\.0\.1:9/);

      rmSync(path.join(dir, '.data'), { recursive: true });
      const unprepared = await runCasesIn(dir, ['show', id], {});
      assert.equal(unprepared.code, 2);
      assert.match(unprepared.stderr, /^Invalid configuration: PAYLOAD_KEYS is missing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('schedule-stuck-check creates the daily schedule once and updates it after', async () => {
    const handle = temporal().client.schedule.getHandle(stuckCheckScheduleId);
    try {
      const first = await cases(['schedule-stuck-check'], { STUCK_HUMAN_NORM: '3d' });
      assert.equal(first.code, 0, first.stderr);
      const second = await cases(['schedule-stuck-check'], { STUCK_HUMAN_NORM: '1d' });
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /^schedule stuck-cases-daily updated: .* stuckCasesReportWorkflow on test-operator-/);
      const description = await handle.describe();
      assert.equal(description.action.workflowType, 'stuckCasesReportWorkflow');
      assert.equal(description.action.taskQueue, stack.taskQueue);
      assert.deepEqual(description.action.args, [{ humanNormMs: 86_400_000 }]);
      assert.deepEqual(description.spec.calendars?.[0]?.hour, [{ start: 6, end: 6, step: 1 }]);
    } finally {
      await handle.delete();
    }
  });
});
