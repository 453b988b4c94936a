import { caseActions } from '../workflows/actions';
import assert from 'node:assert/strict';
import { createStuckReportMetrics } from '../worker/stuck-report';
import { stuckCasesReportWorkflow } from '../workflows';
import { euBooking } from './fixtures/bookings';
import { actors, checkIn, startCase, waitForCase } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';
import { temporal, testSettings } from './harness/temporal';
import { timelineSummaries } from './harness/timeline';

describe('the daily stuck-cases report', () => {
  const stack = useCaseStack({ name: 'stuck-report' });

  it('counts a case stuck on a failing agency and exports it as stuck_cases{kind}', async () => {
    const { admin, taskQueue } = stack;
    const metrics = createStuckReportMetrics();
    await admin.faults({ agency: 'brp', outage: true });
    const workers = await stack.workers({
      settings: testSettings({ agencyRetryVisibleAfterMs: 500 }),
      stuckReportMetrics: metrics,
    });
    const counts = await workers.runUntil(async () => {
      const handle = await startCase(taskQueue, euBooking({ services: ['brp-registration'] }));
      await checkIn(handle);
      await waitForCase(handle, (v) => v.agencyRetrying.includes('brp'), 'AgencyRetrying=brp');
      // Visibility lags the case a little; the report is daily, so a short wait is fair.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const report = await temporal().client.workflow.execute(stuckCasesReportWorkflow, {
        taskQueue,
        workflowId: `stuck-report-${taskQueue}`,
        args: [{ humanNormMs: 2 * 86_400_000 }],
      });
      await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.operator, reason: 'test done' }],
      });
      return report;
    });
    assert.ok(counts.byKind['agency-retrying'] >= 1, JSON.stringify(counts));
    // Its timeline in the Temporal UI says what it did, not the function's name.
    assert.deepEqual(await timelineSummaries(`stuck-report-${taskQueue}`), [
      'Count the stuck cases and set stuck_cases{kind}',
    ]);
    const text = await metrics.registry.metrics();
    assert.match(text, /stuck_cases\{kind="agency-retrying"\} [1-9]/);
  });
});
