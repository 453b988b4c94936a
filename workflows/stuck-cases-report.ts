import { log, proxyActivities } from '@temporalio/workflow';
import type { StuckCasesReportInput, StuckCounts, StuckReportActivities } from '../worker/stuck-report';

const { reportStuckCases } = proxyActivities<StuckReportActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '30s', maximumAttempts: 5 },
  summary: 'Count the stuck cases and set stuck_cases{kind}',
});

/**
 * Started every morning by the schedule `stuck-cases-daily` (`npm run cases -- schedule-stuck-check`): counts
 * the stuck cases with the operator command's queries and exports them as the worker's gauge `stuck_cases{kind}`.
 */
export async function stuckCasesReportWorkflow(input: StuckCasesReportInput): Promise<StuckCounts> {
  const counts = await reportStuckCases(input);
  log.info('stuck cases counted', { total: counts.total, ...counts.byKind });
  return counts;
}
