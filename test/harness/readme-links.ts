import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../scripts/temporal-binaries';

/** A link of the README into the Temporal UI's workflow list: its text and the visibility query it opens. */
export interface ReadmeQueryLink {
  text: string;
  url: string;
  query: string;
}

/**
 * Every markdown link of the README into the Temporal UI's workflow list, its query decoded as the UI reads it, so
 * a test runs exactly what an operator opens (README drift fails the test).
 */
export function readmeQueryLinks(): ReadmeQueryLink[] {
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const links = [
    ...readme.matchAll(/\[([^\]]+)\]\((http:\/\/localhost:8233\/namespaces\/default\/workflows\?query=[^\s)]+)\)/g),
  ];
  return links.map(([, text, url]) => ({
    text: text!,
    url: url!,
    query: new URL(url!).searchParams.get('query') ?? '',
  }));
}

/** The README's link whose text is `text` (e.g. `` `PersonOverdue IS NOT NULL` ``); fails when it is gone. */
export function readmeQuery(text: string): string {
  const link = readmeQueryLinks().find((l) => l.text === text);
  if (!link) throw new Error(`the README has no Temporal UI link named ${text}`);
  return link.query;
}

/**
 * The columns the README tells operators to add to the Temporal UI's workflow list ("Configure Columns", the bold
 * names before the stuck views' extras), so the browser test configures exactly those.
 */
export function readmeListColumns(): string[] {
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const sentence = /"Configure Columns" and add ([^(]+)\(/.exec(readme)?.[1];
  if (!sentence) throw new Error('the README no longer says which columns to add to the workflow list');
  return [...sentence.matchAll(/\*\*(\w+)\*\*/g)].map(([, name]) => name!);
}
