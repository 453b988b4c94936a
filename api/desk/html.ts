/** Markup that is already safe to send: the only way text reaches a console page unescaped. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]!);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  if (typeof value === 'string') return escapeHtml(value);
  return escapeHtml(typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value));
}

/**
 * A template tag that escapes every interpolated value unless it is `Html`: names, notes and reasons typed by
 * anyone reach the page as text, never as markup. Arrays are joined; `undefined`, `null` and `false` vanish.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Html(out);
}
