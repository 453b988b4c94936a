import { z } from 'zod';
import type { UnrunnableCaseView } from '../lib/temporal/visibility';
import { bookingSiteFields, type BookingSiteCaseView } from './case-views';
import { caseStatuses, roles, stepNames, visitPurposes, type CaseView, type Role } from '../workflows/definitions';
import { actionNames, caseActions } from '../workflows/actions';
import { actionBodies } from '../workflows/action-bodies';
import { apiVersion } from './http-hygiene';
import { roleMatrix, type Permission } from './roles';
import { sortedListLimit } from './sorted-list';
import {
  callbackSchemas,
  caseIdPattern,
  CreateCaseRequestSchema,
  householdReferencePattern,
  ListCasesQuerySchema,
  type CallbackKind,
} from './schemas';

export type JsonSchema = z.core.JSONSchema.BaseSchema;

/** The files of the `/docs` page (api/routes/docs.ts): Swagger UI's and the page's initializer. */
export const docsAssetNames = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon.png', 'docs.js'] as const;
export type HttpMethod = 'get' | 'post' | 'options';

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema | boolean;
}
export interface Response {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Record<string, { schema: JsonSchema }>;
}
export interface Operation {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security: Array<Record<string, string[]>>;
  /** The roles the role matrix lets do this; absent on public operations. */
  'x-roles'?: Role[];
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, Response>;
}
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: Array<{ name: string; description: string }>;
  paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, Record<string, string>> };
}

const ActorSchema = z.object({ id: z.string(), role: z.enum(roles) });
/** The case view of `workflows/definitions.ts`, as zod, so the document can show it. */
export const CaseViewSchema = z.object({
  caseId: z.string(),
  bookingReference: z.string(),
  householdReference: z.string().optional(),
  status: z.enum(caseStatuses),
  outcome: z.string().optional(),
  municipalityCode: z.string(),
  purpose: z.string(),
  services: z.array(z.string()),
  appointment: z.object({ location: z.string(), startsAt: z.string() }),
  returnVisit: z
    .object({
      purpose: z.enum(visitPurposes),
      location: z.string(),
      startsAt: z.string(),
      state: z.enum(['scheduled', 'done', 'missed', 'cancelled']),
    })
    .optional(),
  steps: z.array(
    z.object({
      name: z.enum(stepNames),
      state: z.enum(['not-wanted', 'blocked', 'waiting', 'running', 'done']),
      outcome: z.string().optional(),
      waitingOn: z.string().optional(),
      detail: z.string().optional(),
    }),
  ),
  waitingOn: z.array(z.string()),
  deadlines: z.array(
    z.object({
      name: z.string(),
      dueAt: z.string(),
      state: z.enum(['running', 'paused', 'met', 'breached', 'stopped']),
    }),
  ),
  slaBreached: z.boolean(),
  agencyRetrying: z.array(z.string()),
  results: z.record(z.string(), z.string()),
  references: z.object({ biometricsCapture: z.string().optional(), cardOrder: z.string().optional() }),
  audit: z.array(
    z.object({
      at: z.string(),
      actor: ActorSchema,
      action: z.string(),
      detail: z.string().optional(),
      reason: z.string().optional(),
      note: z.string().optional(),
    }),
  ),
  bookedBy: z.string().optional(),
});
type Plain<T> = T extends object ? { [K in keyof T]: Plain<T[K]> } : T;
type Equals<A, B> = (<T>() => T extends Plain<A> ? 1 : 2) extends <T>() => T extends Plain<B> ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
/** Does not compile once `CaseViewSchema` and `CaseView` differ in any field, optional or nested ones too. */
export type CaseViewSchemaMatchesCaseView = Assert<Equals<z.infer<typeof CaseViewSchema>, CaseView>>;

/** What the booking site sees of a case (`api/case-views.ts`). */
export const BookingSiteCaseViewSchema = CaseViewSchema.pick(
  Object.fromEntries(bookingSiteFields.map((f) => [f, true])) as { [K in (typeof bookingSiteFields)[number]]: true },
);
export type BookingSiteSchemaMatches = Assert<Equals<z.infer<typeof BookingSiteCaseViewSchema>, BookingSiteCaseView>>;

/** `UnrunnableCaseView` of lib/temporal/visibility.ts: a case whose workflow cannot run, as last indexed. */
export const UnrunnableCaseSchema = z.object({
  caseId: z.string(),
  status: z.string(),
  needsOperator: z.object({
    problem: z.enum(['workflow-task-failing', 'history-does-not-replay']),
    cause: z.string(),
    attempt: z.number().int(),
    detail: z.string(),
    next: z.string(),
  }),
  municipalityCode: z.string().optional(),
  purpose: z.string().optional(),
  appointment: z.object({ location: z.string().optional(), startsAt: z.string().optional() }).optional(),
  waitingOn: z.array(z.string()),
  agencyRetrying: z.array(z.string()),
  slaBreached: z.boolean(),
  nextDeadlineAt: z.string().optional(),
});
export type UnrunnableCaseSchemaMatches = Assert<Equals<z.infer<typeof UnrunnableCaseSchema>, UnrunnableCaseView>>;

const CaseSummarySchema = z.object({
  caseId: z.string(),
  status: z.enum(caseStatuses).optional(),
  waitingOn: z.array(z.string()),
  municipality: z.string().optional(),
  purpose: z.string().optional(),
  location: z.string().optional(),
  appointmentAt: z.iso.datetime().optional(),
  nextDeadlineAt: z.iso.datetime().optional(),
  slaBreached: z.boolean(),
  agencyRetrying: z.array(z.string()),
  personOverdue: z.string().optional().describe('A wait on a person past the norm, e.g. `desk:address`'),
  outcome: z.string().optional().describe('How a closed case ended, e.g. `completed: permit refused`'),
  householdReference: z.string().optional(),
});
const CasePageSchema = z.object({ cases: z.array(CaseSummarySchema), nextPageToken: z.string().optional() });
const CreatedCaseSchema = z.object({
  caseId: z.string(),
  status: z.string(),
  case: z.union([CaseViewSchema, BookingSiteCaseViewSchema, UnrunnableCaseSchema]),
});
const HouseholdSchema = z.object({
  householdReference: z.string(),
  members: z.array(z.union([CaseViewSchema, BookingSiteCaseViewSchema, UnrunnableCaseSchema])),
});
const AcceptedSchema = z.object({ accepted: z.literal(true), caseId: z.string() });

/** RFC 7807 problem details, as `sendProblem` in api/problem.ts writes them; some carry extra members. */
export const ProblemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string(),
  requestId: z.string(),
  invalidParams: z.array(z.object({ name: z.string(), reason: z.string() })).optional(),
});

/** Request shapes are what a caller may send (`input`), responses what the API sends (`output`). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const result: JsonSchema = {
    ...z.toJSONSchema(schema, {
      io,
      // `format` already says it, and zod's long regular expression for it only buries the field in the docs.
      override: ({ jsonSchema: s }) => {
        if (s.pattern && (s.format === 'date-time' || s.format === 'date' || s.format === 'email')) delete s.pattern;
      },
    }),
  };
  // OpenAPI 3.1's dialect is the default; a `$schema` on every body is noise.
  delete result.$schema;
  return result;
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const apiVersionHeader: { description: string; schema: JsonSchema } = {
  description: 'The full version of the API (semantic versioning), on every answer.',
  schema: { type: 'string', examples: [apiVersion] },
};

const json = (description: string, schema: JsonSchema): Response => ({
  description,
  content: { 'application/json': { schema } },
});

const problemMeaning = {
  400: 'The body or query does not match its schema (`invalidParams` names each field), or is not JSON.',
  401: 'No bearer token, or one that is unknown, expired or not signed for this API.',
  403: "The caller's role may not do this (see the roles above).",
  404: 'There is no such case.',
  409: 'The case cannot take this now: the workflow gives its reason in `detail`, or the case is closed.',
  413: 'The body is larger than 64 kB.',
  415: 'A body that is not `application/json`.',
  422: 'The booking breaks an intake rule; `invalidParams` names the fields.',
  503: 'Temporal or a case worker did not answer in time; retry after `Retry-After` seconds.',
} as const;
type ProblemStatus = keyof typeof problemMeaning;

function problems(statuses: ProblemStatus[], meaning: Partial<Record<ProblemStatus, string>> = {}) {
  return Object.fromEntries(
    statuses.map((status): [string, Response] => [
      String(status),
      {
        description: meaning[status] ?? problemMeaning[status],
        content: { 'application/problem+json': { schema: ref('Problem') } },
      },
    ]),
  );
}
const bodyProblems: ProblemStatus[] = [400, 401, 403, 413, 415];

interface OperationSpec {
  operationId: string;
  summary: string;
  tag: string;
  /** The permission `requirePermission` checks; none makes the operation public. */
  permission?: Permission;
  parameters?: Parameter[];
  body?: z.ZodType;
  responses: Record<string, Response>;
}

function operation({ operationId, summary, tag, permission, parameters, body, responses }: OperationSpec): Operation {
  // Roles are read from the matrix `requirePermission` enforces, so the document cannot drift from it.
  const allowed = permission ? roles.filter((role) => roleMatrix[role].has(permission)) : undefined;
  return {
    operationId,
    summary,
    description: allowed ? `Roles: ${allowed.join(', ')} (permission \`${permission}\`).` : 'Public: no token.',
    tags: [tag],
    security: allowed ? [{ bearerAuth: [] }] : [],
    ...(allowed ? { 'x-roles': allowed } : {}),
    ...(parameters ? { parameters } : {}),
    // Actions read a missing body as `{}`, so a body is required only where `{}` is not a valid one.
    ...(body
      ? {
          requestBody: {
            required: !body.safeParse({}).success,
            content: { 'application/json': { schema: jsonSchema(body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

const camel = (words: string): string => words.replace(/[-/](\w)/g, (_m, c: string) => c.toUpperCase());
const caseIdParameter: Parameter = {
  name: 'caseId',
  in: 'path',
  required: true,
  description: '`case-` and the booking reference.',
  schema: { type: 'string', pattern: caseIdPattern.source },
};
const requestIdHeader: Parameter = {
  name: 'x-request-id',
  in: 'header',
  required: false,
  description:
    'Echoed in the response (a malformed one is replaced); without `Idempotency-Key` it is the idempotency key of an action.',
  schema: { type: 'string' },
};
const idempotencyKeyHeader: Parameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'IETF draft idempotency key; when absent, `x-request-id` is the key. A retry with the same key and request is ' +
    'the same action, applied at most once and answered alike; the same key with another request is refused (422).',
  schema: { type: 'string', minLength: 1, maxLength: 257 },
};
/** The case as the caller's role sees it: officers the whole view, the booking site its part. */
const caseView = (description: string) => json(description, { oneOf: [ref('CaseView'), ref('BookingSiteCaseView')] });
const locationHeader = { description: 'The case: `/v1/cases/{caseId}`.', schema: { type: 'string' } } as const;

function listCasesParameters(): Parameter[] {
  const query = jsonSchema(ListCasesQuerySchema, 'input');
  return Object.entries(query.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: query.required?.includes(name) ?? false,
    schema,
  }));
}

function buildDocument(): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {
    '/v1/cases': {
      post: operation({
        operationId: 'createCase',
        summary: 'Start the case of a booking (the same booking again finds the same case)',
        tag: 'cases',
        permission: 'create-case',
        body: CreateCaseRequestSchema,
        responses: {
          '201': { ...json('The case was started.', ref('CreatedCase')), headers: { Location: locationHeader } },
          '200': {
            ...json('This booking already has this case.', ref('CreatedCase')),
            headers: { Location: locationHeader },
          },
          '202': {
            ...json(
              'Temporal holds the case, but no worker has run it yet; the same booking again answers the same way ' +
                'until one has. GET the case after `Retry-After` seconds.',
              jsonSchema(AcceptedSchema, 'output'),
            ),
            headers: { Location: locationHeader },
          },
          ...problems([...bodyProblems, 409, 422, 503], {
            409: 'The booking reference already has a case with other content.',
          }),
        },
      }),
      get: operation({
        operationId: 'listCases',
        summary:
          "Find cases by status, what they wait on, municipality, location, SLA or failing agency; a desk's day " +
          "(`appointmentDate`, on the desk's clock, Europe/Amsterdam) or a household in appointment order",
        tag: 'cases',
        permission: 'list-cases',
        parameters: listCasesParameters(),
        responses: {
          '200': json('One page of cases.', ref('CasePage')),
          ...problems([400, 401, 403, 422, 503], {
            400: 'A query parameter or `pageToken` is not valid.',
            422: `A sorted list (a day, a household) would hold more than ${sortedListLimit} cases; narrow it.`,
          }),
        },
      }),
    },
    '/v1/cases/{caseId}': {
      get: operation({
        operationId: 'getCase',
        summary: 'Read a case: status, steps, what it waits on, deadlines, results and audit trail',
        tag: 'cases',
        permission: 'read-case',
        parameters: [caseIdParameter],
        responses: {
          '200': json(
            'The case; or, when its workflow cannot run, what Temporal knows of it and why it needs an operator.',
            { oneOf: [ref('CaseView'), ref('BookingSiteCaseView'), ref('UnrunnableCase')] },
          ),
          ...problems([401, 403, 404, 503]),
        },
      }),
    },
    '/v1/households/{householdReference}': {
      get: operation({
        operationId: 'getHousehold',
        summary: "Every member's case of a household, each as the caller's role sees it, in appointment order",
        tag: 'cases',
        permission: 'read-household',
        parameters: [
          {
            name: 'householdReference',
            in: 'path',
            required: true,
            description: "The booking site's opaque household reference.",
            schema: { type: 'string', pattern: householdReferencePattern.source },
          },
        ],
        responses: {
          '200': json('The household.', ref('Household')),
          ...problems([401, 403, 404, 503], { 404: 'No case of this household that the caller may see.' }),
        },
      }),
    },
  };
  // One path per action rather than one `{action}` path with a `oneOf` body: each action has its own roles and
  // body, and reads as its own entry in the docs; `oneOf` could not even tell the empty bodies apart.
  for (const action of actionNames) {
    paths[`/v1/cases/{caseId}/actions/${action}`] = {
      post: operation({
        operationId: camel(action),
        summary: caseActions[action].summary,
        tag: 'actions',
        permission: action,
        parameters: [caseIdParameter, requestIdHeader, idempotencyKeyHeader],
        body: actionBodies[action],
        responses: {
          '200': caseView('The case after the action.'),
          ...problems([...bodyProblems, 404, 409, 422, 503], {
            422:
              'The idempotency key was already used for another request on this case, or a refusal (permit, ' +
              'return visa, address, identity) came without its `reason`; nothing was changed.',
          }),
        },
      }),
    };
  }
  // Likewise one path per call-back: the set of agencies and events is closed, and each has its own body.
  for (const kind of Object.keys(callbackSchemas) as CallbackKind[]) {
    paths[`/v1/agency-callbacks/${kind}`] = {
      post: operation({
        operationId: `${camel(kind)}Callback`,
        summary: `An agency reports ${kind}; the same call-back twice changes the case once`,
        tag: 'agency call-backs',
        permission: 'agency-callback',
        body: callbackSchemas[kind],
        responses: {
          '202': json('The case has the call-back.', jsonSchema(AcceptedSchema, 'output')),
          ...problems([...bodyProblems, 404, 409, 503], { 404: 'Unknown case, or unknown application of the case.' }),
        },
      }),
    };
  }
  // The codec server of the Temporal UI and CLI (Temporal's remote codec protocol).
  const payloads = z.object({
    payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })),
  });
  const tokenParameter: Parameter = {
    name: 'token',
    in: 'path',
    required: true,
    schema: jsonSchema(z.string(), 'input'),
    description: 'CODEC_URL_TOKEN',
  };
  const operationParameter: Parameter = {
    name: 'operation',
    in: 'path',
    required: true,
    schema: jsonSchema(z.enum(['decode', 'encode']), 'input'),
  };
  const codecParameters = (withToken: boolean): Parameter[] =>
    withToken ? [tokenParameter, operationParameter] : [operationParameter];
  for (const [path, withToken] of [
    ['/codec/{operation}', false],
    ['/codec/t/{token}/{operation}', true],
  ] as const) {
    paths[path] = {
      post: operation({
        operationId: withToken ? 'codecByLink' : 'codec',
        summary: withToken
          ? 'Decode or encode payloads for the Temporal UI, authorised by the secret link (CODEC_URL_TOKEN)'
          : 'Decode or encode payloads for the Temporal UI and CLI',
        tag: 'operations',
        ...(withToken ? {} : { permission: 'decode-payloads' as const }),
        parameters: codecParameters(withToken),
        body: payloads,
        responses: {
          '200': json('The payloads, decoded or encoded.', jsonSchema(payloads, 'output')),
          ...problems([400, 401, 403, 404]),
        },
      }),
      options: operation({
        operationId: withToken ? 'codecByLinkPreflight' : 'codecPreflight',
        summary: 'CORS preflight of the Temporal UI',
        tag: 'operations',
        parameters: codecParameters(withToken),
        responses: { '204': { description: 'Allowed for the origins of CODEC_CORS_ORIGINS.' } },
      }),
    };
  }
  const publicGet = (operationId: string, summary: string, responses: Record<string, Response>) => ({
    get: operation({ operationId, summary, tag: 'operations', responses }),
  });
  const text = (description: string, type: string): Response => ({
    description,
    content: { [type]: { schema: { type: 'string' } } },
  });
  paths['/healthz'] = publicGet('liveness', 'The process answers', {
    '200': json('Live.', jsonSchema(z.object({ status: z.literal('ok') }), 'output')),
  });
  paths['/readyz'] = publicGet('readiness', 'Temporal answers', {
    '200': json('Ready.', jsonSchema(z.object({ status: z.literal('ready'), temporal: z.literal('up') }), 'output')),
    ...problems([503], { 503: 'Temporal does not answer yet (`temporal: "down"`).' }),
  });
  paths['/metrics'] = publicGet('metrics', 'HTTP and process metrics, for Prometheus', {
    '200': text('The Prometheus text format.', 'text/plain'),
  });
  paths['/openapi.json'] = {
    ...publicGet('openApi', 'This document; any origin may read it (CORS)', {
      '200': json('OpenAPI 3.1.', { type: 'object' }),
    }),
    options: operation({
      operationId: 'openApiPreflight',
      summary: 'CORS preflight of this document',
      tag: 'operations',
      responses: { '204': { description: 'Any origin may GET the document, without credentials.' } },
    }),
  };
  paths['/docs'] = publicGet('docs', 'This document in Swagger UI, with try-it-out', {
    '200': text('A page.', 'text/html'),
  });
  paths['/docs/assets/{file}'] = {
    get: operation({
      operationId: 'docsAsset',
      summary: 'The files of the /docs page (Swagger UI, served from this API, never from a CDN)',
      tag: 'operations',
      parameters: [
        {
          name: 'file',
          in: 'path',
          required: true,
          schema: jsonSchema(z.enum([...docsAssetNames]), 'input'),
        },
      ],
      responses: {
        '200': { description: 'The file.' },
        ...problems([404]),
      },
    }),
  };

  // Every answer carries API-Version (api/http-hygiene.ts), so every response in the document says so.
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item)) {
      for (const response of Object.values(operation.responses)) {
        response.headers = { 'API-Version': apiVersionHeader, ...response.headers };
      }
    }
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'South Limburg one-stop desk',
      version: apiVersion,
      description: 'One durable Temporal workflow per newcomer case. Errors are RFC 7807 problem details.',
    },
    tags: [
      { name: 'cases', description: 'Start, find and read cases.' },
      { name: 'actions', description: 'Officer actions, each an Update of the case workflow.' },
      { name: 'agency call-backs', description: 'Agencies report decisions and results.' },
      { name: 'operations', description: 'Health, readiness, metrics and documentation.' },
    ],
    paths,
    components: {
      schemas: {
        CaseView: jsonSchema(CaseViewSchema, 'output'),
        UnrunnableCase: jsonSchema(UnrunnableCaseSchema, 'output'),
        BookingSiteCaseView: jsonSchema(BookingSiteCaseViewSchema, 'output'),
        CreatedCase: jsonSchema(CreatedCaseSchema, 'output'),
        CasePage: jsonSchema(CasePageSchema, 'output'),
        Household: jsonSchema(HouseholdSchema, 'output'),
        Problem: jsonSchema(ProblemSchema, 'output'),
      },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token of API_TOKENS, or a JWT (JWT_SECRET or JWT_JWKS_URL) with `sub` and a `role` claim.',
        },
      },
    },
  };
}

let document: OpenApiDocument | undefined;
/** The OpenAPI 3.1 document of the API, generated once from the zod schemas and the role matrix. */
export function openApiDocument(): OpenApiDocument {
  return (document ??= buildDocument());
}
