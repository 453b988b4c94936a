import { Router } from 'express';
import { openApiDocument, type HttpMethod, type OpenApiDocument, type Operation } from '../openapi';

/** `GET /openapi.json` and `GET /docs`, both from the one generated document. */
export function docsRouter(): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  router.get('/docs', (_req, res) => {
    // The page is whole as sent: nothing else may load, so it works offline and leaks no visit to a CDN.
    res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.type('html').send((page ??= docsPage(openApiDocument())));
  });
  return router;
}

let page: string | undefined;

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Descriptions mark code with backticks, as in Markdown. */
const prose = (text: string): string => escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');
const pretty = (value: unknown): string => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;
const anchor = (method: string, path: string): string => `${method}${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

const style = `
body { font: 15px/1.45 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
section { border-top: 1px solid #ddd; padding: .5rem 0 1rem; }
.method { display: inline-block; min-width: 3.5rem; font-weight: bold; text-transform: uppercase; }
.get { color: #0a6640; } .post { color: #1b4f9c; }
pre { background: #f6f6f6; padding: .5rem; overflow-x: auto; font-size: 13px; max-height: 24rem; }
table { border-collapse: collapse; } td, th { text-align: left; vertical-align: top; padding: .15rem .6rem .15rem 0; }
.roles { color: #6a3d00; }`;

function renderOperation(method: HttpMethod, path: string, op: Operation): string {
  const parameters = op.parameters?.length
    ? `<h3>Parameters</h3><table>${op.parameters
        .map(
          (p) =>
            `<tr><td><code>${escape(p.name)}</code></td><td>${p.in}${p.required ? ', required' : ''}</td>` +
            `<td><code>${escape(JSON.stringify(p.schema))}</code>${p.description ? ` ${prose(p.description)}` : ''}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const body = op.requestBody
    ? `<h3>Request body (application/json)</h3>${pretty(op.requestBody.content['application/json'].schema)}`
    : '';
  const responses = Object.entries(op.responses)
    .map(([status, response]) => {
      const content = Object.entries(response.content ?? {}).map(([type, { schema }]) => {
        const name = typeof schema.$ref === 'string' ? schema.$ref.split('/').pop() : undefined;
        return name
          ? `${type}: <a href="#schema-${name}">${name}</a>`
          : `${type}: <code>${escape(JSON.stringify(schema))}</code>`;
      });
      return `<tr><td>${status}</td><td>${prose(response.description)}</td><td>${content.join('<br>')}</td></tr>`;
    })
    .join('');
  return `<section id="${anchor(method, path)}">
<h2><span class="method ${method}">${method}</span> <code>${escape(path)}</code></h2>
<p>${prose(op.summary)}</p>
<p class="roles">${prose(op.description)}</p>
${parameters}${body}<h3>Responses</h3><table>${responses}</table>
</section>`;
}

/** A small, self-contained HTML rendering of the document: every operation, then the shared schemas. */
export function docsPage(doc: OpenApiDocument): string {
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    (['get', 'post'] as const).flatMap((method) => (item[method] ? [{ method, path, op: item[method] }] : [])),
  );
  const toc = operations
    .map(
      ({ method, path, op }) =>
        `<li><a href="#${anchor(method, path)}">${method.toUpperCase()} ${escape(path)}</a> ${escape(op.summary)}</li>`,
    )
    .join('');
  const schemas = Object.entries(doc.components.schemas)
    .map(([name, schema]) => `<section id="schema-${name}"><h2>${name}</h2>${pretty(schema)}</section>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)} API</title><style>${style}</style></head>
<body><h1>${escape(doc.info.title)} API</h1><p>${prose(doc.info.description)}</p>
<p>Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>. The machine-readable document is
<a href="/openapi.json">/openapi.json</a> (OpenAPI ${doc.openapi}).</p>
<ul>${toc}</ul>
${operations.map(({ method, path, op }) => renderOperation(method, path, op)).join('\n')}
<h2>Schemas</h2>${schemas}
</body></html>
`;
}
