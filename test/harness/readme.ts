import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

export const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** The `sh` blocks test/readme-commands.test.ts runs as written: the first after each of these. */
export const blocksRunAsWritten = {
  curl: 'A case from booking to `completed` with curl',
  cli: 'A case from booking to `completed` with the Temporal CLI alone',
  operator: '## Operators: stuck cases and repair',
} as const;

/** The first `sh` block after `marker`, as it stands. */
export function blockAfter(marker: string): string {
  const at = readme.indexOf(marker);
  assert.ok(at >= 0, `README has no "${marker}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
  assert.ok(block, `README has no sh block after "${marker}"`);
  return block;
}

/** The commands of `block`, one per command (`\` continuations joined). */
export function commandsOf(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** The commands of the first `sh` block after `marker`. */
export const commandsAfter = (marker: string): string[] => commandsOf(blockAfter(marker));

/** The `sh` blocks of the README that no suite runs (a reader still copies them). */
export function blocksNotRun(): string[] {
  const run = new Set(Object.values(blocksRunAsWritten).map(blockAfter));
  return [...readme.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map(([, block]) => block!).filter((b) => !run.has(b));
}

/**
 * Every inline code span of the README's prose (outside fenced blocks), a span broken over lines joined with
 * spaces: what a reader copies from a sentence.
 */
export function inlineSpans(): string[] {
  const prose = readme.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  return [...prose.matchAll(/`([^`]+)`/g)].map(([, span]) => span!.replace(/\s*\n\s*/g, ' ').trim());
}

/** Spans a reader would paste into a shell: a command word and more, or a variable set before a command. */
export function isInlineCommand(span: string): boolean {
  return (
    /^(curl|npm|npx|make|node|temporal|\$T|docker|tcld|go|apt-get|openssl) \S/.test(span) ||
    /^(GET|POST|PUT|DELETE|PATCH) \S/.test(span) ||
    /^[A-Z][A-Z0-9_]*=\S*( [A-Z][A-Z0-9_]*=\S*)* \S/.test(span)
  );
}

/** The inline commands of the README, each once. */
export function inlineCommands(): string[] {
  return [...new Set(inlineSpans().filter(isInlineCommand))];
}

/** The one inline command that starts with `start`, as written; fails when the README has none. */
export function inlineCommand(start: string): string {
  const found = inlineCommands().find((command) => command.startsWith(start));
  assert.ok(found, `the README has no inline command starting with "${start}"`);
  return found;
}

export interface Run {
  command: string;
  code: number;
  stdout: string;
  stderr: string;
}

/** A command through bash, asynchronously, so this process's workers keep serving cases meanwhile. */
export function shell(command: string, env: Record<string, string>, cwd = root): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', command],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env }, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ command, code, stdout, stderr });
      },
    );
  });
}

/** The run, once it exited 0 and printed nothing undecoded (ciphertext the CLI could not read) or an error. */
export const ok = (run: Run): Run => {
  assert.equal(run.code, 0, `${run.command}\n${run.stdout}${run.stderr}`);
  const unreadable = /.{0,120}(binary\/encrypted|not supported|Error: ).{0,120}/.exec(run.stdout + run.stderr);
  assert.equal(unreadable?.[0], undefined, run.command);
  return run;
};
