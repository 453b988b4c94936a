import { randomUUID } from 'node:crypto';
import { isActionName, type ActionName } from '../../workflows/actions';
import { endedAsAsked } from '../../workflows/current-details';
import type { AuditEntry, CaseView } from '../../workflows/definitions';
import { readsBsn, type RoleView } from '../case-views';
import { actionsAnswering, consoleActions, formFields, turnOf, type FormField } from './action-forms';
import { bulletList, dataList, html, radioButton, table, type DataListItem, type Html } from './html';
import { label, messages, type Messages } from './i18n';
import { csrfField, deskDateTime, layout, type PageContext } from './layout';

/** What went wrong with the action the officer just sent, shown beside its form. */
export interface ActionOutcome {
  action: ActionName;
  ok: boolean;
  /** The case's reason (409), the fields (400) or the service's message. */
  message?: string;
  title?: string;
  invalidFields?: { name: string; reason: string }[];
  /** What the officer typed, kept for a second try. */
  values?: Record<string, unknown>;
}

export interface CaseModel {
  view: RoleView;
  name?: string;
  household: { caseId: string; name?: string; status?: string }[];
  outcome?: ActionOutcome;
}

const isFullView = (view: RoleView): view is CaseView => 'audit' in view && 'steps' in view;

export function casePage(ctx: PageContext, model: CaseModel): Html {
  const t = messages[ctx.lang];
  const view = model.view;
  const title = model.name ?? view.caseId;
  const body = html`<p class="utrecht-paragraph">
      <a class="utrecht-link utrecht-link--html-a" href="/desk">${t.backToDayList}</a>
    </p>
    <h1 class="utrecht-heading-1">${title}</h1>
    <p class="utrecht-paragraph desk-muted">
      ${view.caseId} · ${label(t.statuses, view.status)}${outcomeLine(ctx, view)}
    </p>
    ${model.outcome?.ok ? html`<div class="utrecht-alert utrecht-alert--ok" role="status" id="action-done"><p class="utrecht-paragraph">${t.done(t.actions[model.outcome.action])}</p></div>` : ''}
    ${isFullView(view) ? fullCase(ctx, view, model) : html`<div class="utrecht-alert utrecht-alert--warning" role="status"><p class="utrecht-paragraph">${'needsOperator' in view ? view.needsOperator.detail : ''}</p></div>`}`;
  return layout(ctx, title, body);
}

/**
 * How the case ended, after its status. The case words its outcome in English; a Dutch page says it in Dutch, by
 * the steps that did not end as asked (as `CaseOutcome` does), for the status has said the rest.
 */
function outcomeLine(ctx: PageContext, view: RoleView): string {
  if (!('outcome' in view) || !view.outcome) return '';
  if (ctx.lang === 'en') return ` · ${view.outcome}`;
  if (!('steps' in view) || view.status !== 'completed') return '';
  const t = messages[ctx.lang];
  const short = view.steps.filter((s) => s.state === 'done' && s.outcome && !endedAsAsked(s.outcome));
  return short
    .map((s, i) => `${i === 0 ? ' · ' : ', '}${label(t.stepNames, s.name)} ${label(t.outcomes, s.outcome!)}`)
    .join('');
}

function fullCase(ctx: PageContext, view: CaseView, model: CaseModel): Html {
  const t = messages[ctx.lang];
  // The view leaves the BSN out for roles that may not read it; the page says it exists rather than "no results".
  const bsnHidden =
    !readsBsn(ctx.session!.actor.role) && view.steps.some((s) => s.name === 'brp' && s.outcome === 'registered');
  const visit = view.returnVisit;
  const facts: DataListItem[] = [
    {
      key: t.appointment,
      value: `${deskDateTime(view.appointment.startsAt, ctx.lang)}, ${view.appointment.location}`,
    },
    ...(visit
      ? [
          {
            key: t.returnVisit,
            value: `${deskDateTime(visit.startsAt, ctx.lang)}, ${visit.location} (${label(t.values, visit.purpose)}, ${label(t.visitStates, visit.state)})`,
          },
        ]
      : []),
    {
      key: t.waitsOn,
      value:
        view.waitingOn.length === 0
          ? t.nothing
          : view.waitingOn.map((w) => `${label(t.waits, w)} (${label(t.turns, turnOf(w))})`).join(', '),
      id: 'waits-on',
    },
  ];
  return html`${dataList(facts, { className: 'desk-facts' })} ${actionsSection(ctx, view, model.outcome)}
    <section aria-labelledby="steps-heading">
      <h2 class="utrecht-heading-2" id="steps-heading">${t.steps}</h2>
      <ol class="utrecht-ordered-list desk-timeline">
        ${view.steps
          .filter((s) => s.state !== 'not-wanted')
          .map(
            (s) =>
              html`<li class="utrecht-ordered-list__item desk-step desk-step--${s.state}">
                <strong>${label(t.stepNames, s.name)}</strong>:
                ${label(t.stepStates, s.state)}${s.outcome ? ` · ${label(t.outcomes, s.outcome)}` : ''}${s.waitingOn ? ` · ${t.waitsOn.toLowerCase()} ${label(t.waits, s.waitingOn)}` : ''}${s.detail ? html` <span class="desk-muted">${s.detail}</span>` : ''}
              </li>`,
          )}
      </ol>
    </section>
    <section aria-labelledby="deadlines-heading">
      <h2 class="utrecht-heading-2" id="deadlines-heading">${t.deadlines}</h2>
      ${bulletList(
        view.deadlines.map(
          (d) =>
            `${label(t.deadlineNames, d.name)}: ${t.due.toLowerCase()} ${deskDateTime(d.dueAt, ctx.lang)} (${label(t.deadlineStates, d.state)})`,
        ),
        t.nothing,
      )}
    </section>
    <section aria-labelledby="results-heading">
      <h2 class="utrecht-heading-2" id="results-heading">${t.results}</h2>
      ${bsnHidden ? html`<p class="utrecht-paragraph" id="bsn-hidden">${t.bsnHidden}</p>` : ''}
      ${
        Object.keys(view.results).length === 0
          ? bsnHidden
            ? ''
            : html`<p class="utrecht-paragraph">${t.noResults}</p>`
          : dataList(
              Object.entries(view.results).map(([k, v]) => ({
                key: label(t.resultNames, k),
                value: v,
                data: { result: k },
              })),
              { id: 'results' },
            )
      }
    </section>
    <section aria-labelledby="household-heading">
      <h2 class="utrecht-heading-2" id="household-heading">${t.household}</h2>
      ${bulletList(
        model.household.map(
          (m) =>
            html`<a class="utrecht-link utrecht-link--html-a" href="/desk/cases/${m.caseId}">${m.name ?? m.caseId}</a>
              (${m.status ? label(t.statuses, m.status) : ''})`,
        ),
        t.noHousehold,
      )}
    </section>
    ${auditSection(t, ctx, view.audit)}`;
}

function auditSection(t: Messages, ctx: PageContext, audit: AuditEntry[]): Html {
  return html`<section aria-labelledby="audit-heading">
    <h2 class="utrecht-heading-2" id="audit-heading">${t.audit}</h2>
    ${table(
      [t.at, t.who, t.what, t.reason, t.note],
      audit.map((a) => [
        deskDateTime(a.at, ctx.lang),
        `${a.actor.id} (${t.roles[a.actor.role] ?? a.actor.role})`,
        `${isActionName(a.action) ? t.actions[a.action] : label(t.events, a.action)}${a.detail ? `: ${a.detail}` : ''}`,
        a.reason ?? '',
        a.note ?? '',
      ]),
      { id: 'audit' },
    )}
  </section>`;
}

function actionsSection(ctx: PageContext, view: CaseView, outcome: ActionOutcome | undefined): Html {
  const t = messages[ctx.lang];
  const role = ctx.session!.actor.role;
  const actions = consoleActions(role);
  if (actions.length === 0) return html`<p class="utrecht-paragraph">${t.readOnly}</p>`;
  if (view.status !== 'open') return html`<p class="utrecht-paragraph">${t.closed}</p>`;
  const now = actionsAnswering(view.waitingOn);
  const first = actions.filter((a) => now.has(a));
  const others = actions.filter((a) => !now.has(a));
  const open = outcome !== undefined && !outcome.ok && others.includes(outcome.action);
  return html`<section aria-labelledby="next-heading" class="desk-actions">
    <h2 class="utrecht-heading-2" id="next-heading">${t.nextSteps}</h2>
    ${first.length === 0 ? html`<p class="utrecht-paragraph">${t.noNextSteps}</p>` : first.map((a) => actionForm(ctx, view, a, outcome))}
    ${
      others.length === 0
        ? ''
        : html`<details class="desk-other-actions" ${open ? html` open` : ''}>
            <summary>${t.otherActions}</summary>
            ${others.map((a) => actionForm(ctx, view, a, outcome))}
          </details>`
    }
  </section>`;
}

function actionForm(ctx: PageContext, view: CaseView, action: ActionName, outcome: ActionOutcome | undefined): Html {
  const t = messages[ctx.lang];
  const mine = outcome && outcome.action === action && !outcome.ok ? outcome : undefined;
  const id = `action-${action}`;
  const errorOf = (name: string): string | undefined => mine?.invalidFields?.find((f) => f.name === name)?.reason;
  const valueOf = (name: string): string => (typeof mine?.values?.[name] === 'string' ? mine.values[name] : '');
  return html`<form
    method="post"
    action="/desk/cases/${view.caseId}/actions/${action}"
    class="utrecht-form desk-action"
    id="${id}"
    aria-labelledby="${id}-title"
  >
    <h3 class="utrecht-heading-3" id="${id}-title">${t.actions[action]}</h3>
    ${
      mine
        ? html`<div class="utrecht-alert utrecht-alert--error" role="alert" id="${id}-error">
            <p class="utrecht-paragraph"><strong>${mine.title ?? t.notNow}:</strong> ${mine.message ?? ''}</p>
          </div>`
        : ''
    }
    ${csrfField(ctx.session)}<input type="hidden" name="_key" value="${randomUUID()}" />
    ${formFields(action).map((f) => fieldMarkup(t, id, f, valueOf(f.name), errorOf(f.name)))}
    <button type="submit" class="utrecht-button utrecht-button--primary-action">${t.actions[action]}</button>
  </form>`;
}

function fieldMarkup(t: Messages, formId: string, field: FormField, value: string, error: string | undefined): Html {
  const id = `${formId}-${field.name}`;
  const labelText = html`${label(t.fields, field.name)}${field.required ? '' : html` <span class="desk-muted">(${t.optional})</span>`}`;
  const described = error ? `${id}-error` : field.name === 'reason' && !field.required ? `${id}-hint` : undefined;
  const aria = html`${described ? html` aria-describedby="${described}"` : ''}${error ? html` aria-invalid="true"` : ''}`;
  const errorLine = error
    ? html`<p class="utrecht-form-field-error-message" id="${id}-error">${error}</p>`
    : field.name === 'reason' && !field.required
      ? html`<p class="utrecht-form-field-description" id="${id}-hint">${t.reasonHint}</p>`
      : '';
  // Radios are not `required`: the theme paints an untouched required group as invalid. The case's schema says
  // what is missing, beside the field, when the form comes back.
  if (field.kind === 'choice') {
    return html`<fieldset class="utrecht-form-fieldset utrecht-form-field" ${aria}>
      <legend class="utrecht-form-fieldset__legend utrecht-form-label">${labelText}</legend>
      ${errorLine}${field.options!.map((option, i) =>
        radioButton({
          name: field.name,
          id: `${id}-${i}`,
          value: option,
          label: label(t.values, option),
          checked: option === value,
        }),
      )}
    </fieldset>`;
  }
  const control =
    field.kind === 'long-text' || field.kind === 'lines'
      ? html`<textarea
          class="utrecht-textarea utrecht-textarea--html-textarea"
          id="${id}"
          name="${field.name}"
          rows="3"
          ${field.required ? html` required` : ''}${aria}
        >
${value}</textarea>`
      : html`<input
          class="utrecht-textbox utrecht-textbox--html-input"
          id="${id}"
          name="${field.name}"
          value="${value}"
          type="${field.kind === 'integer' ? 'number' : field.kind === 'date-time' ? 'datetime-local' : 'text'}"
          ${field.min !== undefined ? html` min="${field.min}"` : ''}${field.max !== undefined ? html` max="${field.max}"` : ''}${field.required ? html` required` : ''}${aria}
        />`;
  return html`<div class="utrecht-form-field">
    <label class="utrecht-form-label" for="${id}"
      >${labelText}${field.kind === 'lines' ? ` (${t.onePerLine})` : ''}</label
    >
    ${errorLine}${control}
  </div>`;
}
