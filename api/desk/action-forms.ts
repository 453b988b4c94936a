import { z } from 'zod';
import { deskLocalTime } from '../../domain/dates';
import { actionNames, type ActionName } from '../../workflows/actions';
import { actionBodies } from '../../workflows/action-bodies';
import type { Role } from '../../workflows/definitions';
import { may } from '../roles';

/** One field of an action's form, read from the JSON Schema of the catalogue's body schema. */
export interface FormField {
  name: string;
  kind: 'choice' | 'text' | 'long-text' | 'integer' | 'lines' | 'date-time';
  required: boolean;
  options?: string[];
  min?: number;
  max?: number;
  maxLength?: number;
}

interface JsonSchemaProperty {
  type?: string;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

/** Free text that may run to a paragraph: the catalogue's notes and reasons. */
const longText = new Set(['note', 'reason']);

/** The fields of an action's form, in the order the catalogue declares them. */
export function formFields(action: ActionName): FormField[] {
  const schema = z.toJSONSchema(actionBodies[action]) as {
    properties?: Record<string, JsonSchemaProperty>;
    required?: string[];
  };
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const base = { name, required: required.has(name) };
    if (property.enum) return { ...base, kind: 'choice', options: property.enum.map(String) };
    if (property.type === 'integer') return { ...base, kind: 'integer', min: property.minimum, max: property.maximum };
    if (property.type === 'array') return { ...base, kind: 'lines' };
    if (property.format === 'date-time') return { ...base, kind: 'date-time' };
    return { ...base, kind: longText.has(name) ? 'long-text' : 'text', maxLength: property.maxLength };
  });
}

/**
 * The request body of a submitted form: empty fields left out, numbers, lists and desk times converted. What
 * cannot be converted is passed on as typed, so the catalogue's schema names the field in its 400.
 */
export function formBody(action: ActionName, form: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of formFields(action)) {
    const raw = form[field.name];
    if (typeof raw !== 'string' || raw.trim() === '') continue;
    const value = raw.trim();
    if (field.kind === 'integer') body[field.name] = /^-?\d+$/.test(value) ? Number(value) : value;
    else if (field.kind === 'lines')
      body[field.name] = value
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean);
    else if (field.kind === 'date-time') body[field.name] = deskLocalTime(value)?.toISOString() ?? value;
    else body[field.name] = field.kind === 'long-text' ? raw : value;
  }
  return body;
}

/** The roles that work cases in the console; operators read them (they repair cases with the operator command). */
export const consoleRoles = ['desk-officer', 'ind-officer', 'expat-advisor', 'operator'] as const satisfies Role[];
export const actingRoles: ReadonlySet<Role> = new Set<Role>(['desk-officer', 'ind-officer', 'expat-advisor']);

/** The actions the console offers a role: the role matrix's, for the roles that act in the console. */
export function consoleActions(role: Role): ActionName[] {
  if (!actingRoles.has(role)) return [];
  return actionNames.filter((action) => may(role, action));
}

/**
 * Which actions answer which wait of a case, to put them first on the page. Only an ordering: the workflow's
 * validator decides whether an action is possible now, and the other actions of the role stay one click away.
 */
const answers: Record<string, ActionName[]> = {
  'desk:check-in': ['check-in'],
  'desk:identity': ['resolve-identity'],
  'desk:address': ['resolve-address'],
  'desk:card-hand-over': ['hand-over-card'],
  'ind:biometrics': ['capture-biometrics', 'record-biometrics-quality'],
  'ind:embassy-prints': ['record-embassy-prints'],
  'ind:decision': ['record-permit-decision', 'request-documents', 'extend-decision-term'],
  // An operator's wait on the permit is often IND refusing to link the booking's number, which an IND officer knows.
  'operator:permit': ['correct-application-number'],
  'ind:return-visa': ['decide-return-visa'],
  'expat:advice': ['record-advice'],
  'newcomer:documents': ['documents-supplied'],
};

export function actionsAnswering(waitingOn: readonly string[]): Set<ActionName> {
  return new Set(waitingOn.flatMap((wait) => answers[wait] ?? []));
}

/** Whose turn a wait is: the part before the colon (`desk`, `ind`, `expat`, `newcomer`, `operator`, `agency`). */
export const turnOf = (wait: string): string => wait.slice(0, wait.indexOf(':'));

const turnsOfRole: Partial<Record<Role, string>> = {
  'desk-officer': 'desk',
  'ind-officer': 'ind',
  'expat-advisor': 'expat',
  operator: 'operator',
};

export const waitsOnRole = (waitingOn: readonly string[], role: Role): boolean =>
  waitingOn.some((wait) => turnOf(wait) === turnsOfRole[role]);
