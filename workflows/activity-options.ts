import type { Duration } from '@temporalio/common';
import type { ActivityOptions } from '@temporalio/workflow';
import { workflowInfo } from '@temporalio/workflow';
import { agencyFailure, type Agency } from '../domain/agency-failures';
import { agencyTaskQueue } from './definitions';
import type { CaseSettings } from './settings';

/** Refusals the workflow acts on; retrying them cannot help (the adapters mark them non-retryable too). */
const businessFailures = [
  agencyFailure.addressRejected,
  agencyFailure.sponsorNotRecognised,
  agencyFailure.applicationNotFound,
  agencyFailure.alreadyDecided,
  agencyFailure.permitNotGranted,
  agencyFailure.rejected,
  agencyFailure.contractViolation,
];

/** How hard we retry each agency: municipalities' BRP systems are slowest to recover, Notify the quickest. */
const backoff: Record<Agency, { initialInterval: Duration; maximumInterval: Duration }> = {
  brp: { initialInterval: '2s', maximumInterval: '10m' },
  ind: { initialInterval: '2s', maximumInterval: '10m' },
  notify: { initialInterval: '1s', maximumInterval: '5m' },
};

/**
 * A call that changes or reads something at an agency: retried with back-off until `agencyRetryMaxMs`, after
 * which the step waits on an operator.
 */
export function agencyCall(agency: Agency, settings: CaseSettings): ActivityOptions {
  return {
    taskQueue: agencyTaskQueue(workflowInfo().taskQueue, agency),
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: settings.agencyRetryMaxMs,
    retry: {
      ...backoff[agency],
      ...(settings.agencyRetryIntervalCapMs ? { maximumInterval: settings.agencyRetryIntervalCapMs } : {}),
      backoffCoefficient: 2,
      nonRetryableErrorTypes: businessFailures,
    },
  };
}

/** A polling fall-back that runs until the agency answers, heartbeating between polls. */
export function longPoll(agency: Agency, settings: CaseSettings): ActivityOptions {
  return {
    taskQueue: agencyTaskQueue(workflowInfo().taskQueue, agency),
    startToCloseTimeout: '400 days',
    heartbeatTimeout: settings.pollHeartbeatTimeoutMs,
    retry: {
      // The poll rides out agency errors itself; it ends without an answer only when its worker was lost (the
      // heartbeat timeout) or starved. Polling again within a minute costs one request; waiting longer costs the
      // newcomer the decision's news.
      initialInterval: '10s',
      maximumInterval: '1m',
      backoffCoefficient: 2,
      nonRetryableErrorTypes: businessFailures,
    },
  };
}
