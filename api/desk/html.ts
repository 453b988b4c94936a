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

/** ` name="value"` for each defined value, escaped, then ` data-name="value"` for each of `data`; names are ours. */
function attributes(values: Record<string, string | undefined>, data: Record<string, string> = {}): Html {
  const pairs: [string, string][] = [
    ...Object.entries(values).filter((pair): pair is [string, string] => pair[1] !== undefined),
    ...Object.entries(data).map(([name, value]): [string, string] => [`data-${name}`, value]),
  ];
  return new Html(pairs.map(([name, value]) => ` ${name}="${escapeHtml(value)}"`).join(''));
}

/** Where a table or data list is found: an `id`, and classes beside the Utrecht one. */
export interface Placement {
  id?: string;
  className?: string;
}

const placed = (base: string, { id, className }: Placement): Html =>
  attributes({ class: className ? `${base} ${className}` : base, id });

/** One row of `table`: its cells, and the `data-*` attributes of its `<tr>` (named without the prefix). */
export interface TableRow {
  cells: unknown[];
  data?: Record<string, string>;
}

/** A Utrecht table: one header row of column names, then a row per entry (its cells, or a `TableRow`). */
export function table(headers: unknown[], rows: (unknown[] | TableRow)[], placement: Placement = {}): Html {
  const row = (entry: unknown[] | TableRow): Html => {
    const { cells, data } = Array.isArray(entry) ? { cells: entry, data: {} } : entry;
    return html`<tr${attributes({ class: 'utrecht-table__row' }, data)}>
      ${cells.map((cell) => html`<td class="utrecht-table__cell">${cell}</td>`)}
    </tr>`;
  };
  return html`<table${placed('utrecht-table', placement)}>
    <thead class="utrecht-table__header">
      <tr class="utrecht-table__row">
        ${headers.map((header) => html`<th class="utrecht-table__header-cell" scope="col">${header}</th>`)}
      </tr>
    </thead>
    <tbody class="utrecht-table__body">
      ${rows.map(row)}
    </tbody>
  </table>`;
}

/** One entry of `dataList`; `id` and `data` (named without the `data-` prefix) go on the value's `<dd>`. */
export interface DataListItem {
  key: unknown;
  value: unknown;
  id?: string;
  data?: Record<string, string>;
}

/** A Utrecht data list: each key beside its value. */
export function dataList(items: DataListItem[], placement: Placement = {}): Html {
  return html`<dl${placed('utrecht-data-list', placement)}>
    ${items.map(
      ({ key, value, id, data }) =>
        html`<div class="utrecht-data-list__item">
          <dt class="utrecht-data-list__item-key">${key}</dt>
          <dd${attributes({ class: 'utrecht-data-list__item-value', id }, data)}>${value}</dd>
        </div>`,
    )}
  </dl>`;
}

/** One choice of a radio group, `name` shared by the group, `id` its own. */
export interface RadioChoice {
  name: string;
  id: string;
  value: string;
  label: unknown;
  checked?: boolean;
  required?: boolean;
}

/** A Utrecht radio button with its label beside it. */
export function radioButton({ name, id, value, label, checked, required }: RadioChoice): Html {
  return html`<div class="utrecht-form-field utrecht-form-field--radio">
    <input
      class="utrecht-radio-button utrecht-radio-button--html-input"
      type="radio"
      id="${id}"
      name="${name}"
      value="${value}"
      ${required ? html` required` : ''}${checked ? html` checked` : ''}
    />
    <label class="utrecht-form-label utrecht-form-label--radio" for="${id}">${label}</label>
  </div>`;
}

/** A Utrecht bulleted list, an item an entry; with no entries, a paragraph saying `whenEmpty` instead. */
export function bulletList(items: unknown[], whenEmpty: unknown): Html {
  if (items.length === 0) return html`<p class="utrecht-paragraph">${whenEmpty}</p>`;
  return html`<ul class="utrecht-unordered-list">
    ${items.map((item) => html`<li class="utrecht-unordered-list__item">${item}</li>`)}
  </ul>`;
}
