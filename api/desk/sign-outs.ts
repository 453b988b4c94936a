import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const digest = (id: string): string => createHash('sha256').update(id).digest('base64url');

/**
 * The sessions (and used sign-ins) that must no longer open although their sealed cookie still would: each kept
 * until its cookie expires. With a file, every replica that reads it refuses them, also after a restart: a line
 * is appended per sign-out (O_APPEND: replicas on one volume do not overwrite each other) and a replica reads the
 * file again when its size or time changes. Without a file they live in this process's memory only.
 */
export class SignOuts {
  private revoked = new Map<string, number>();
  private seen = '';
  private checkedAt = 0;

  constructor(
    private readonly file: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    if (!file) return;
    mkdirSync(path.dirname(file), { recursive: true });
    this.reload(true);
  }

  /** Refuses `id` from now on, until `until` (ms since the epoch), when its cookie has expired anyway. */
  revoke(id: string, until: number): void {
    const entry = { id: digest(id), until };
    this.revoked.set(entry.id, until);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }

  isRevoked(id: string): boolean {
    if (this.file && this.now() - this.checkedAt >= 1000) this.reload(false);
    return (this.revoked.get(digest(id)) ?? 0) > this.now();
  }

  private reload(compact: boolean): void {
    const file = this.file!;
    this.checkedAt = this.now();
    if (!existsSync(file)) return;
    const stat = statSync(file);
    const seen = `${stat.size}:${stat.mtimeMs}`;
    if (seen === this.seen) return;
    this.seen = seen;
    const now = this.now();
    const revoked = new Map<string, number>();
    let expired = 0;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const entry = parseLine(line);
      if (!entry) continue;
      if (entry.until > now) revoked.set(entry.id, Math.max(entry.until, revoked.get(entry.id) ?? 0));
      else expired += 1;
    }
    // Keeps what this process revoked and another's rewrite may have lost between its read and its rename.
    for (const [id, until] of this.revoked) if (until > now && !revoked.has(id)) revoked.set(id, until);
    this.revoked = revoked;
    if (compact && expired > 0) {
      const lines = [...revoked].map(([id, until]) => `${JSON.stringify({ id, until })}\n`).join('');
      writeFileSync(`${file}.tmp`, lines, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    }
  }
}

function parseLine(line: string): { id: string; until: number } | undefined {
  try {
    const entry = JSON.parse(line) as { id?: unknown; until?: unknown };
    return typeof entry.id === 'string' && typeof entry.until === 'number'
      ? { id: entry.id, until: entry.until }
      : undefined;
  } catch {
    return undefined;
  }
}
