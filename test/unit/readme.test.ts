import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { BenchEnvSchema } from '../../bench/config';
import { caseSettingsVariables } from '../../lib/case-settings-config';
import { ChaosEnvSchema } from '../../bench/chaos/config';
import { ApiEnvSchema, DevEnvSchema, WorkerEnvSchema } from '../../lib/config';
import { OperatorEnvSchema } from '../../operator/config';
import { SandboxEnvSchema } from '../../sandbox/config';
import { defaultCaseSettings, type CaseSettings } from '../../workflows/settings';

const root = path.resolve(__dirname, '..', '..', '..');

const schemas: Record<string, z.ZodObject> = {
  api: ApiEnvSchema,
  worker: WorkerEnvSchema,
  operator: OperatorEnvSchema,
  sandbox: SandboxEnvSchema,
  dev: DevEnvSchema,
  bench: BenchEnvSchema,
  chaos: ChaosEnvSchema,
};

/** Folders that are not the project's: installed, generated or local state (see .gitignore). */
const ignoredFolders = new Set(['.git', 'node_modules', 'dist', '.temporal', '.data', 'coverage', 'test-artifacts']);

/** Defaults too long for a table cell, described in words instead. */
const describedDefaults = new Set(['API_TOKENS']);

interface Row {
  usedBy: string[];
  defaultCell: string;
  meaning: string;
}

function readmeTable(): Map<string, Row> {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.split('\n## Configuration\n')[1]?.split('\n## ')[0] ?? '';
  const rows = new Map<string, Row>();
  for (const line of section.split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const name = /^`([A-Z][A-Z0-9_]*)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    assert.ok(!rows.has(name), `${name} has two rows`);
    rows.set(name, { usedBy: cells[2]!.split(/,\s*/), defaultCell: cells[3]!, meaning: cells[4]! });
  }
  return rows;
}

/** Variables read straight from the environment, outside the zod schemas: `process.env.X`, `${X:-…}`. */
function plainVariables(): Set<string> {
  const found = new Set<string>();
  const patterns: Record<string, RegExp[]> = {
    ts: [/process\.env\.([A-Z][A-Z0-9_]*)/g, /resolveBinary\(\s*'([A-Z][A-Z0-9_]*)'/g],
    sh: [/\$\{([A-Z][A-Z0-9_]*)[:}]/g],
  };
  for (const dir of ['api', 'worker', 'operator', 'scripts', 'sandbox', 'bench', 'lib']) {
    for (const file of readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })) {
      const text = () => readFileSync(path.join(root, dir, file), 'utf8');
      for (const pattern of patterns[path.extname(file).slice(1)] ?? []) {
        for (const match of text().matchAll(pattern)) found.add(match[1]!);
      }
    }
  }
  return found;
}

/** What a variable is when unset: its schema's default, or for a case clock the workflow's default. */
function defaultOf(schema: z.ZodType, name: string): unknown {
  const setting = Object.entries(caseSettingsVariables).find(([, variable]) => variable === name)?.[0];
  if (setting) return defaultCaseSettings[setting as keyof CaseSettings];
  const unset = schema.safeParse(undefined);
  return unset.success ? unset.data : '(required)';
}

describe('README: the configuration table is the configuration', () => {
  const table = readmeTable();
  const schemaUsers = new Map<string, string[]>();
  for (const [process, schema] of Object.entries(schemas)) {
    for (const name of Object.keys(schema.shape)) schemaUsers.set(name, [...(schemaUsers.get(name) ?? []), process]);
  }
  const plain = plainVariables();

  it('has a row for every variable a process reads, and none for a variable nobody reads', () => {
    const read = new Set([...schemaUsers.keys(), ...plain]);
    assert.deepEqual([...read].filter((name) => !table.has(name)).sort(), [], 'read but not in the README');
    assert.deepEqual([...table.keys()].filter((name) => !read.has(name)).sort(), [], 'in the README but never read');
  });

  it('names every process whose schema reads the variable, and says what it means', () => {
    for (const [name, users] of schemaUsers) {
      const row = table.get(name);
      for (const user of users) assert.ok(row?.usedBy.includes(user), `${name}: "Used by" should name ${user}`);
    }
    for (const [name, row] of table) assert.ok(row.meaning.length > 10, `${name} has no meaning`);
  });

  it('gives each schema variable the default its schema applies', () => {
    for (const [name, users] of schemaUsers) {
      const { defaultCell } = table.get(name)!;
      const schema = schemas[users[0]!]!.shape[name] as z.ZodType;
      const expected = defaultOf(schema, name);
      if (describedDefaults.has(name)) continue;
      if (expected === undefined) assert.equal(defaultCell, '(none)', `${name} has no default`);
      else if (expected === '(required)') assert.equal(defaultCell, '(required)', `${name} is required`);
      else {
        const literal = /^`(.*)`$/.exec(defaultCell)?.[1];
        assert.ok(literal !== undefined, `${name}: the default ${defaultCell} should be one \`value\``);
        assert.deepEqual(schema.parse(literal), expected, `${name}: the README says ${defaultCell}`);
      }
    }
  });
});

describe('README: the folder table lists every folder', () => {
  it('has a row for each top-level folder of the repository, and none for a folder that is gone', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `([\w.-]+)\/` +\|/gm)].map((m) => m[1]!).sort();
    const folders = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !ignoredFolders.has(entry.name))
      .map((entry) => entry.name)
      .sort();
    assert.deepEqual(listed, folders);
  });
});
