import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Express } from 'express';
import request from 'supertest';
import type { OpenApiDocument, Operation } from '../../api/openapi';
import { roles } from '../../workflows/definitions';
import { offlineTestApp, tokenOf } from '../harness/api';

/** What `router.listRoutes()` (express 5's router 2.3) answers: routes, and mounted routers to recurse into. */
interface RouteInfo {
  path: string | RegExp;
  methods?: string[];
  router?: Lister;
}
interface Lister {
  listRoutes(): RouteInfo[];
}

/** Every method and path the app serves, nested routers included; `HEAD` is implied by `GET`. */
function servedRoutes(app: Express): Array<{ method: string; path: string }> {
  const walk = (router: Lister, prefix: string): Array<{ method: string; path: string }> =>
    router.listRoutes().flatMap((route) => {
      const path = `${prefix}/${String(route.path)}`.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
      if (route.router) return walk(route.router, path);
      return (route.methods ?? []).filter((m) => m !== 'HEAD').map((method) => ({ method, path }));
    });
  return walk(app.router as unknown as Lister, '');
}

/** An express pattern as a test of a documented path: `:param` stands for a `{param}` or for one literal segment. */
const servesPath = (pattern: string, documented: string): boolean =>
  new RegExp(
    `^${pattern
      .split('/')
      .map((s) => (s.startsWith(':') ? '(\\{[^/{}]+\\}|[^/{}]+)' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}$`,
  ).test(documented);

function documentedOperations(doc: OpenApiDocument): Array<{ method: string; path: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    (['get', 'post', 'options'] as const).flatMap((method) => {
      const op = item[method];
      return op ? [{ method: method.toUpperCase(), path, op }] : [];
    }),
  );
}

/** A documented operation as a request, with a well-formed case id that no case has. */
function call(app: Express, method: string, path: string, token?: string): request.Test {
  const url = path.replace('{caseId}', 'case-DOC-PROBE-1');
  const req =
    method === 'POST'
      ? request(app).post(url).send({})
      : method === 'OPTIONS'
        ? request(app).options(url)
        : request(app).get(url);
  return token ? req.set('authorization', token) : req;
}

function isNoRoute(res: request.Response): boolean {
  const detail: unknown = res.body?.detail;
  return res.status === 404 && typeof detail === 'string' && detail.startsWith('No route');
}

describe('api: OpenAPI document and docs page', () => {
  let app: Express;
  let doc: OpenApiDocument;

  before(async () => {
    app = offlineTestApp();
    doc = (await request(app).get('/openapi.json').expect(200).expect('content-type', /json/)).body;
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(doc.openapi, '3.1.0');
    const broken = await new Validator().validate({ ...doc, paths: { '/x': { get: { responses: 'none' } } } });
    assert.equal(broken.valid, false, 'the validator should reject a broken document');
  });

  it('documents every route the app serves, and every documented operation is served', async () => {
    // The desk console's pages and forms are for people in a browser, not part of the API's contract.
    const served = servedRoutes(app).filter((route) => !route.path.startsWith('/desk'));
    const documented = documentedOperations(doc);
    assert.ok(served.length >= 8, `express reported only ${served.length} routes`);
    for (const route of served) {
      assert.ok(
        documented.some((d) => d.method === route.method && servesPath(route.path, d.path)),
        `${route.method} ${route.path} is served but not documented`,
      );
    }
    for (const { method, path } of documented) {
      assert.ok(
        served.some((r) => r.method === method && servesPath(r.path, path)),
        `${method} ${path} is documented but no express route serves it`,
      );
      const res = await call(app, method, path);
      assert.ok(!isNoRoute(res), `${method} ${path} answered ${res.status} ${JSON.stringify(res.body)}`);
    }
  });

  it('states for each operation exactly the roles the API lets through', async () => {
    for (const { method, path, op } of documentedOperations(doc)) {
      if (!op['x-roles']) {
        assert.deepEqual(op.security, [], `${method} ${path} has no roles, so it must be public`);
        const res = await call(app, method, path);
        assert.notEqual(res.status, 401, `${method} ${path} is documented public but wants a token`);
        continue;
      }
      assert.equal((await call(app, method, path)).status, 401, `${method} ${path} without a token`);
      for (const role of roles) {
        const res = await call(app, method, path, tokenOf[role]);
        if (op['x-roles'].includes(role)) {
          assert.ok(
            ![401, 403].includes(res.status),
            `${role} is documented for ${method} ${path} but got ${res.status}`,
          );
        } else {
          assert.equal(res.status, 403, `${role} is not documented for ${method} ${path} but got ${res.status}`);
        }
      }
    }
  });

  it('generates request bodies and query parameters from the zod schemas', () => {
    const checkIn = doc.paths['/v1/cases/{caseId}/actions/check-in']?.post;
    assert.deepEqual(checkIn?.requestBody?.content['application/json'].schema.required, ['identity']);
    assert.equal(doc.paths['/v1/cases/{caseId}/actions/hand-over-card']?.post?.requestBody?.required, false);
    const create = doc.paths['/v1/cases']?.post?.requestBody?.content['application/json'].schema;
    assert.ok(create?.properties && 'bookingReference' in create.properties);
    const query = doc.paths['/v1/cases']?.get?.parameters?.map((p) => p.name);
    assert.deepEqual(query, [
      'status',
      'waitingOn',
      'municipality',
      'location',
      'appointmentDate',
      'householdReference',
      'slaBreached',
      'agencyRetrying',
      'sort',
      'pageSize',
      'pageToken',
    ]);
    const problem = doc.components.schemas.Problem;
    assert.deepEqual(problem?.required, ['type', 'title', 'status', 'instance', 'requestId']);
  });

  it('serves /docs as Swagger UI from its own files, with try-it-out on the one document', async () => {
    const res = await request(app)
      .get('/docs')
      .expect(200)
      .expect('content-type', /text\/html/);
    const policy = String(res.headers['content-security-policy']);
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, /script-src 'self'(;|$)/, 'only its own scripts, none inline, no eval');
    assert.doesNotMatch(policy, /unsafe/, 'no unsafe-inline or unsafe-eval');
    assert.match(policy, /connect-src 'self'(;|$)/, 'try-it-out calls this API and nothing else');
    const loads = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(loads.length >= 3, `the page loads ${loads.join(', ')}`);
    for (const url of loads) {
      assert.match(url, /^\/docs\/assets\/[\w.-]+$/, `/docs loads ${url}, not one of its own files`);
      const asset = await request(app).get(url).expect(200);
      assert.ok(Number(asset.headers['content-length'] ?? asset.text?.length ?? 0) > 0, `${url} is empty`);
    }
    assert.doesNotMatch(res.text, /<script>/, 'no inline script');
    const init = (
      await request(app)
        .get('/docs/assets/docs.js')
        .expect(200)
        .expect('content-type', /javascript/)
    ).text;
    assert.match(init, /url: '\/openapi\.json'/);
    assert.match(init, /tryItOutEnabled: true/);
    assert.match(init, /validatorUrl: null/, 'no validator badge, which sends the document elsewhere');
    const bundle = await request(app).get('/docs/assets/swagger-ui-bundle.js').expect(200);
    assert.match(String(bundle.headers['content-type']), /javascript/);
    assert.match(String(bundle.headers['cache-control']), /max-age/);
  });

  it('serves no other file of the viewer or of the disk under /docs/assets', async () => {
    for (const probe of [
      'index.html',
      'swagger-initializer.js',
      'package.json',
      '..%2F..%2Fpackage.json',
      '%2e%2e%2f%2e%2e%2fpackage.json',
      '__proto__',
      'constructor',
      'hasOwnProperty',
    ]) {
      const res = await request(app).get(`/docs/assets/${probe}`);
      assert.equal(res.status, 404, `/docs/assets/${probe} answered ${res.status}`);
    }
    const traversal = await request(app).get('/docs/assets/../../package.json');
    assert.notEqual(traversal.status, 200);
    assert.doesNotMatch(traversal.text, /"dependencies"/);
  });
});
