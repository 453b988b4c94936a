import assert from 'node:assert/strict';
import type { Permission } from '../../api/roles';
import { roles, type Role } from '../../workflows/definitions';
import { allPermissions, expectedAllowed, pinned } from '../fixtures/role-cells';

describe('api: the role matrix against docs/domain.md', () => {
  it('pins the critical cells of docs/domain.md, and every pinned cell is a real role and permission', () => {
    for (const key of pinned.keys()) {
      const [role, permission] = key.split(' ') as [Role, Permission];
      assert.ok(roles.includes(role), `pinned role ${role} is not a role`);
      assert.ok(allPermissions.includes(permission), `pinned permission ${permission} is not a permission`);
      expectedAllowed(role, permission);
    }
  });
});
