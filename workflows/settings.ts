/**
 * The clocks of a case (docs/domain.md "Deadlines"), in milliseconds. Read from the worker's configuration once at
 * case start and recorded in the case, so a running case keeps the terms it started with.
 */
export interface CaseSettings {
  /** IND legal decision term; paused while documents are requested. */
  indLegalTermMs: number;
  /** The legal term for researchers and students. */
  indLegalTermShortMs: number;
  /** IND's target for applications of recognised sponsors. */
  indSponsorTargetMs: number;
  /** Default due date of a documents request (herstel verzuim). */
  documentsTermMs: number;
  /** After the appointment start, when a newcomer who did not check in is a no-show. */
  checkInGraceMs: number;
  /** How long a no-show may still be rescheduled before the case closes. */
  rescheduleWindowMs: number;
  /** Service norm from the BRP request to the BSN. */
  bsnNormMs: number;
  /** Service norm from accepted biometrics to the card being ready. */
  cardReadyNormMs: number;
  cardCollectionReminderMs: number;
  cardCollectionEscalationMs: number;
  /** Longest validity of a return visa. */
  returnVisaMaxValidityMs: number;
  /** After this long of failing calls to an agency the case shows `AgencyRetrying`. */
  agencyRetryVisibleAfterMs: number;
  /** After this long of failing calls the step waits on an operator instead. */
  agencyRetryMaxMs: number;
  /**
   * At most this long between two attempts of an agency call; when absent, each agency's own cap (BRP and IND
   * 10 minutes, Notify 5). Absent in the settings of cases started before it existed.
   */
  agencyRetryIntervalCapMs?: number;
  /** Heartbeat timeout of the polling fall-backs; a multiple of the poll interval. */
  pollHeartbeatTimeoutMs: number;
  /**
   * How long a step may wait on a person with no clock of its own (an identity in doubt, an address, biometrics,
   * a return visa, advice) before the case flags `PersonOverdue`. Absent in the settings of cases started before.
   */
  personNormMs: number;
}

const minute = 60_000;
const day = 24 * 60 * minute;

export const defaultCaseSettings: CaseSettings = {
  indLegalTermMs: 90 * day,
  indLegalTermShortMs: 60 * day,
  indSponsorTargetMs: 14 * day,
  documentsTermMs: 14 * day,
  checkInGraceMs: 30 * minute,
  rescheduleWindowMs: 30 * day,
  bsnNormMs: 3 * day,
  cardReadyNormMs: 14 * day,
  cardCollectionReminderMs: 14 * day,
  cardCollectionEscalationMs: 60 * day,
  returnVisaMaxValidityMs: 91 * day,
  agencyRetryVisibleAfterMs: 5 * minute,
  agencyRetryMaxMs: 7 * day,
  pollHeartbeatTimeoutMs: 5 * minute,
  personNormMs: 2 * day,
};
