import { en } from './en';
import type { Labels, Messages } from './messages';
import { nl } from './nl';

export const languages = ['nl', 'en'] as const;
export type Lang = (typeof languages)[number];

export const isLang = (value: unknown): value is Lang => value === 'nl' || value === 'en';

/** The language of a request without a chosen one: the first of ours the browser names, else Dutch. */
export function langOf(acceptLanguage: string | undefined): Lang {
  for (const tag of (acceptLanguage ?? '').split(',')) {
    const primary = tag.trim().slice(0, 2).toLowerCase();
    if (isLang(primary)) return primary;
  }
  return 'nl';
}

export const messages: Record<Lang, Messages> = { nl, en };
export type { Messages };

/** A label from a table, or the value itself when the table has none (a new step, wait or value). */
export const label = (table: Labels, key: string): string => table[key] ?? key;
