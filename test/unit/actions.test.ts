import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { roleMatrix } from '../../api/roles';
import { openApiDocument } from '../../api/openapi';
import { actionNames, caseActions } from '../../workflows/actions';
import { roles } from '../../workflows/definitions';

const root = path.resolve(__dirname, '..', '..', '..');

/** The README's officer-action table, as it must read for the catalogue of today. */
function expectedTable(): string[] {
  return actionNames.map((name) => {
    const action = caseActions[name];
    const who = action.roles.map((role) => `\`${role}\``).join(', ');
    return `| \`${name}\` | \`${action.wireName}\` | ${who} | ${action.summary} |`;
  });
}

function readmeTable(): string[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.split('\n### Officer actions\n')[1]?.split('\n### ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => /^\| `[a-z-]+` /.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim())
        .join(' | '),
    )
    .map((line) => `| ${line} |`);
}

describe('the action catalogue', () => {
  it('is what the README lists under "Officer actions", row for row', () => {
    assert.deepEqual(readmeTable(), expectedTable(), `the README's table should read:\n${expectedTable().join('\n')}`);
  });

  it('gives each action a unique Update name and at least one role', () => {
    const wireNames = actionNames.map((name) => caseActions[name].wireName);
    assert.equal(new Set(wireNames).size, wireNames.length);
    for (const name of actionNames) {
      assert.ok(caseActions[name].roles.length > 0, name);
      assert.equal(caseActions[name].update.name, caseActions[name].wireName, name);
    }
  });

  it('is the role matrix of the API for every action and role', () => {
    for (const name of actionNames) {
      for (const role of roles) {
        assert.equal(roleMatrix[role].has(name), caseActions[name].roles.includes(role), `${role} ${name}`);
      }
    }
  });

  it('is the OpenAPI document: one operation per action with its summary, roles and body', () => {
    const paths = openApiDocument().paths;
    for (const name of actionNames) {
      const operation = paths[`/v1/cases/{caseId}/actions/${name}`]?.post;
      assert.ok(operation, name);
      assert.equal(operation.summary, caseActions[name].summary);
      assert.deepEqual(
        operation['x-roles'],
        [...caseActions[name].roles].sort((a, b) => roles.indexOf(a) - roles.indexOf(b)),
      );
      assert.ok(operation.requestBody, `${name} documents its body`);
    }
  });
});
