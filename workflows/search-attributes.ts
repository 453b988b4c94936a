import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * What operators see without opening a case (docs/domain.md). Never personal data: these are stored and indexed
 * in clear text by Temporal's visibility store.
 */
export const CaseStatus = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
/** What the case waits on now, e.g. `desk:check-in`, `ind:decision`, `agency:brp`. */
export const WaitingOn = defineSearchAttributeKey('WaitingOn', SearchAttributeType.KEYWORD_LIST);
/** CBS/BRP municipality code, e.g. `0935`. */
export const Municipality = defineSearchAttributeKey('Municipality', SearchAttributeType.KEYWORD);
export const Purpose = defineSearchAttributeKey('Purpose', SearchAttributeType.KEYWORD);
export const DeskLocation = defineSearchAttributeKey('DeskLocation', SearchAttributeType.KEYWORD);
export const AppointmentAt = defineSearchAttributeKey('AppointmentAt', SearchAttributeType.DATETIME);
export const NextDeadlineAt = defineSearchAttributeKey('NextDeadlineAt', SearchAttributeType.DATETIME);
export const SlaBreached = defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL);
/**
 * The booking site's opaque `householdReference` (3-64 letters, digits and dashes, like the booking reference that
 * names the workflow), linking a family's cases: never a name or an address.
 */
export const Household = defineSearchAttributeKey('Household', SearchAttributeType.KEYWORD);
/** Agencies whose calls for this case keep failing past the detection time. */
export const AgencyRetrying = defineSearchAttributeKey('AgencyRetrying', SearchAttributeType.KEYWORD_LIST);

/**
 * How the case ended, column-ready: `completed`, `completed: permit refused, card not-issued` (the wanted steps
 * that did not end as asked, by step and outcome only), `rejected`, `withdrawn`, `no-show`. Unset while open.
 */
export const CaseOutcome = defineSearchAttributeKey('CaseOutcome', SearchAttributeType.KEYWORD);
/**
 * A wait on a person that has lasted past the case's person norm (`personNormMs`), set by the case when the norm's
 * timer fires: the longest-waiting one, e.g. `desk:address`. Cleared when that person acts.
 */
export const PersonOverdue = defineSearchAttributeKey('PersonOverdue', SearchAttributeType.KEYWORD);

export const caseSearchAttributes = [
  CaseStatus,
  WaitingOn,
  Municipality,
  Purpose,
  DeskLocation,
  AppointmentAt,
  NextDeadlineAt,
  SlaBreached,
  AgencyRetrying,
  Household,
  CaseOutcome,
  PersonOverdue,
] as const;
