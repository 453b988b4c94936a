import type { Role } from '../workflows/definitions';

/** The officer actions of `POST /v1/cases/{caseId}/actions/{action}`, each an Update of the case workflow. */
export const actions = [
  'check-in',
  'resolve-identity',
  'resolve-address',
  'capture-biometrics',
  'record-biometrics-quality',
  'record-permit-decision',
  'request-documents',
  'documents-supplied',
  'decide-return-visa',
  'hand-over-card',
  'record-advice',
  'reschedule',
  'withdraw',
  'retry-step',
  'skip-step',
] as const;
export type Action = (typeof actions)[number];

/** Everything an API caller can do, besides reading: who may do what lives here and nowhere else. */
export type Permission = Action | 'create-case' | 'read-case' | 'list-cases' | 'agency-callback' | 'decode-payloads';

const desk: Permission[] = ['check-in', 'resolve-identity', 'resolve-address', 'hand-over-card', 'documents-supplied'];
const ind: Permission[] = [
  'capture-biometrics',
  'record-biometrics-quality',
  'record-permit-decision',
  'request-documents',
  'documents-supplied',
  'decide-return-visa',
];
const officerReads: Permission[] = ['read-case', 'list-cases'];

export const roleMatrix: Record<Role, ReadonlySet<Permission>> = {
  'booking-site': new Set<Permission>(['create-case', 'read-case', 'reschedule', 'withdraw']),
  'desk-officer': new Set<Permission>([...desk, ...officerReads]),
  'ind-officer': new Set<Permission>([...ind, ...officerReads]),
  'expat-advisor': new Set<Permission>(['record-advice', ...officerReads]),
  agency: new Set<Permission>(['agency-callback']),
  operator: new Set<Permission>(['retry-step', 'skip-step', 'withdraw', 'decode-payloads', ...officerReads]),
};

export function may(role: Role, permission: Permission): boolean {
  return roleMatrix[role].has(permission);
}
