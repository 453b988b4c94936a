import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../lib/config';
import type { Logger } from '../lib/logger';
import type { IdSnapshot } from './ids';
import type { SandboxState } from './state';
import { CoalescingWriter, type StateStore } from './state-store';

/** What the state file holds: the state, and where the identifiers go on. */
export interface SavedSandbox {
  state: SandboxState;
  ids: IdSnapshot;
}

// The file is the sandbox's own; the schema checks its outline (a torn or hand-edited file), not every field.
const anyObject = z.looseObject({});
const byKey = z.record(z.string(), anyObject);
const StateFileSchema = z.object({
  version: z.literal(1),
  ids: z.object({ serial: z.number().int(), issuedBsns: z.array(z.string()) }),
  state: z.object({
    ledger: z.array(anyObject),
    idempotency: byKey,
    registrations: byKey,
    applications: byKey,
    cards: byKey,
    returnVisas: byKey,
    emails: z.array(anyObject),
    callbacks: z.array(anyObject),
    faults: byKey,
  }),
});

/** The state as the file holds it: each Map an object with the same keys (all strings). */
type StoredState = {
  [K in keyof SandboxState]: SandboxState[K] extends Map<string, infer V> ? Record<string, V> : SandboxState[K];
};

export function formatStateFile({ state, ids }: SavedSandbox): string {
  const stored: StoredState = {
    ...state,
    idempotency: Object.fromEntries(state.idempotency),
    registrations: Object.fromEntries(state.registrations),
    applications: Object.fromEntries(state.applications),
    cards: Object.fromEntries(state.cards),
    returnVisas: Object.fromEntries(state.returnVisas),
  };
  return `${JSON.stringify({ version: 1, ids, state: stored }, null, 2)}\n`;
}

/**
 * Reads the state a sandbox saved; undefined when the file does not exist yet. A file that cannot be read as
 * sandbox state stops the start with a ConfigError that names the file and the fix.
 */
export function readStateFile(file: string): SavedSandbox | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(file, (err as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw unreadable(file, (err as Error).message);
  }
  const parsed = StateFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw unreadable(file, `${issue?.path.join('.') || 'the file'}: ${issue?.message}`);
  }
  const stored = parsed.data.state as unknown as StoredState;
  return {
    ids: parsed.data.ids,
    state: {
      ...stored,
      idempotency: new Map(Object.entries(stored.idempotency)),
      registrations: new Map(Object.entries(stored.registrations)),
      applications: new Map(Object.entries(stored.applications)),
      cards: new Map(Object.entries(stored.cards)),
      returnVisas: new Map(Object.entries(stored.returnVisas)),
    },
  };
}

function unreadable(file: string, reason: string): ConfigError {
  return new ConfigError(
    `SANDBOX_STATE_FILE="${file}" is not a sandbox state file (${reason}); ` +
      'delete it to start the sandbox empty, or point SANDBOX_STATE_FILE elsewhere',
  );
}

/** A store that writes `source()` to `file` after changes, coalesced (see CoalescingWriter). */
export function stateFileStore(file: string, source: () => SavedSandbox, logger: Logger): StateStore {
  mkdirSync(path.dirname(file), { recursive: true });
  return new CoalescingWriter(
    () => formatStateFile(source()),
    (text) => writeAtomically(file, text),
    (err) => logger.error({ err, stateFile: file }, 'sandbox state not saved'),
  );
}

/**
 * Writes a temporary file beside `file` and renames it over `file`: a rename is atomic, so a process killed
 * mid-write leaves the previous state whole (and a `.tmp` the next write overwrites). No fsync: the file outlives
 * the process, not a power cut, which is all a development sandbox needs. One sandbox per file at a time.
 */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}
