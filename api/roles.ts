import { actionNames, mayTake, type ActionName } from '../workflows/actions';
import { roles, type Role } from '../workflows/definitions';

/** Everything an API caller can do, besides reading: who may do what lives here and nowhere else. */
export type Permission =
  ActionName | 'create-case' | 'read-case' | 'list-cases' | 'read-household' | 'agency-callback' | 'decode-payloads';

/** The permissions that are not officer actions; who may take each action is in the action catalogue. */
const otherPermissions: Record<Role, Permission[]> = {
  'booking-site': ['create-case', 'read-case', 'read-household'],
  'desk-officer': ['read-case', 'list-cases', 'read-household'],
  'ind-officer': ['read-case', 'list-cases', 'read-household'],
  'expat-advisor': ['read-case', 'list-cases', 'read-household'],
  agency: ['agency-callback'],
  operator: ['decode-payloads', 'read-case', 'list-cases', 'read-household'],
};

const permissionsOf = (role: Role): ReadonlySet<Permission> =>
  new Set<Permission>([...actionNames.filter((action) => mayTake(action, role)), ...otherPermissions[role]]);

export const roleMatrix = Object.fromEntries(roles.map((role) => [role, permissionsOf(role)])) as Record<
  Role,
  ReadonlySet<Permission>
>;

export function may(role: Role, permission: Permission): boolean {
  return roleMatrix[role].has(permission);
}
