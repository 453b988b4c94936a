/**
 * Stable failure types of the agency activities (`ApplicationFailure.type`). The workflow acts on these, so
 * they are a contract: renaming one breaks running cases.
 */
export const agencyFailure = {
  /** Timeouts, 5xx, unreachable: retried by Temporal. */
  unavailable: 'AgencyUnavailable',
  /** 429: retried after the agency's Retry-After. */
  throttled: 'AgencyThrottled',
  /** The municipality does not accept the address; an officer decides (accept, refer to RNI, refuse). */
  addressRejected: 'AddressRejected',
  sponsorNotRecognised: 'SponsorNotRecognised',
  applicationNotFound: 'ApplicationNotFound',
  alreadyDecided: 'AlreadyDecided',
  permitNotGranted: 'PermitNotGranted',
  /** A return visa asked for longer than the law allows (3 months): the adapter refuses to send it. */
  returnVisaTooLong: 'ReturnVisaTooLong',
  /** Any other refusal of the request (4xx): retrying the same request cannot help. */
  rejected: 'AgencyRejectedRequest',
  /** A 2xx answer that does not match the agency's contract. */
  contractViolation: 'AgencyContractViolation',
} as const;

export type AgencyFailureType = (typeof agencyFailure)[keyof typeof agencyFailure];

/** The agencies, as named in task queues, search attributes (`AgencyRetrying`) and sandbox faults. */
export const agencies = ['brp', 'ind', 'notify'] as const;
export type Agency = (typeof agencies)[number];
