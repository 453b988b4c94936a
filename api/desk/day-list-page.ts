import { turnOf } from './action-forms';
import { html, table, type Html } from './html';
import { label, messages } from './i18n';
import { deskTime, layout, type PageContext } from './layout';

/** One appointment of the day list. `name` is personal data: it appears in the page body only. */
export interface DayRow {
  caseId: string;
  appointmentAt?: Date;
  name?: string;
  status?: string;
  waitingOn: string[];
  problem: boolean;
}

export const dayFilters = ['all', 'mine', 'problems'] as const;
export type DayFilter = (typeof dayFilters)[number];

export interface DayListModel {
  date: string;
  location: string;
  filter: DayFilter;
  rows: DayRow[];
  refreshSeconds: number;
}

export function dayListPage(ctx: PageContext, model: DayListModel): Html {
  const t = messages[ctx.lang];
  const option = (value: string, text: string, selected: boolean): Html =>
    html`<option value="${value}" ${selected ? html` selected` : ''}>${text}</option>`;
  const body = html`<h1 class="utrecht-heading-1">${t.dayList}</h1>
    <form method="get" action="/desk" class="desk-filters">
      ${filterBox('date', 'date', t.date, model.date)} ${filterBox('location', 'text', t.location, model.location)}
      <div class="utrecht-form-field">
        <label class="utrecht-form-label" for="filter">${t.filter}</label>
        <select class="utrecht-select utrecht-select--html-select" id="filter" name="filter">
          ${dayFilters.map((f) => option(f, t.filters[f], f === model.filter))}
        </select>
      </div>
      <button type="submit" class="utrecht-button utrecht-button--primary-action">${t.show}</button>
    </form>
    <section id="day-list" data-refresh-seconds="${model.refreshSeconds}" aria-labelledby="day-list-heading">
      <h2 class="utrecht-heading-2" id="day-list-heading">${t.filters[model.filter]}</h2>
      <p class="utrecht-paragraph desk-muted">${t.lastUpdated(deskTime(new Date(), ctx.lang))}</p>
      ${model.rows.length === 0 ? html`<p class="utrecht-paragraph">${t.noAppointments}</p>` : dayTable(ctx, model.rows)}
    </section>`;
  return layout(ctx, t.dayList, body);
}

/** A required box of the filter form: its name is its id, so its label points at it. */
function filterBox(name: string, type: 'date' | 'text', text: string, value: string): Html {
  return html`<div class="utrecht-form-field">
    <label class="utrecht-form-label" for="${name}">${text}</label>
    <input
      class="utrecht-textbox utrecht-textbox--html-input"
      type="${type}"
      id="${name}"
      name="${name}"
      value="${value}"
      required
    />
  </div>`;
}

function dayTable(ctx: PageContext, rows: DayRow[]): Html {
  const t = messages[ctx.lang];
  return table(
    [t.time, t.newcomer, t.waitsOn, t.turn, t.status],
    rows.map((row) => ({
      data: { 'case-id': row.caseId },
      cells: [
        deskTime(row.appointmentAt, ctx.lang),
        html`<a class="utrecht-link utrecht-link--html-a" href="/desk/cases/${row.caseId}">${row.name ?? row.caseId}</a>
          <span class="desk-muted">${row.caseId}</span>`,
        row.waitingOn.length === 0 ? t.nothing : row.waitingOn.map((w) => label(t.waits, w)).join(', '),
        [...new Set(row.waitingOn.map((w) => label(t.turns, turnOf(w))))].join(', '),
        html`${row.status ? label(t.statuses, row.status) : ''}${row.problem ? html` <strong class="desk-problem">${t.problem}</strong>` : ''}`,
      ],
    })),
    { className: 'desk-day-table' },
  );
}
