import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { HttpProblem } from '../problem';

const packageFile = (pkg: string, file: string): string =>
  path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);

/**
 * The NL Design System's community components (Utrecht, EUPL-1.2) dressed in its neutral example theme
 * ("voorbeeld", EUPL-1.2): Utrecht's own design tokens are the municipality's proprietary brand, not ours to use.
 */
const packagedFiles = {
  'components.css': packageFile('@utrecht/component-library-css', 'dist/index.css'),
  'theme.css': packageFile('@nl-design-system-unstable/voorbeeld-design-tokens', 'dist/theme.css'),
};

/** Layout the components do not give: the header row, the filters, the timeline. Tokens only, no new colours. */
const deskCss = `body { margin: 0; font-family: var(--basis-text-font-family-default, sans-serif); }
.desk-header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: 0.75rem 1.5rem;
  border-block-end: 1px solid var(--basis-color-default-border-subtle, #ccc); }
.desk-brand { margin: 0; font-weight: bold; flex: 1; }
.desk-who { margin: 0; }
.desk-inline { display: inline; margin: 0; }
.desk-main { padding: 1rem 1.5rem 3rem; max-inline-size: 72rem; }
.desk-filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: end; margin-block-end: 1.5rem; }
.desk-filters .utrecht-form-field { margin: 0; }
.desk-muted { color: var(--basis-color-default-color-subdued, #555); font-size: 0.9em; }
.desk-problem { color: var(--basis-color-negative-color-default, #a00); }
.desk-action { border: 1px solid var(--basis-color-default-border-subtle, #ccc); padding: 1rem; margin-block: 1rem; }
.desk-main .utrecht-form-field:not(.utrecht-form-field--radio) > .utrecht-form-label { display: block; }
.desk-action .utrecht-form-field, .desk-action .utrecht-form-fieldset { margin-block: 0.75rem; }
.desk-action .utrecht-textarea { inline-size: 100%; max-inline-size: 40rem; box-sizing: border-box; }
.desk-other-actions > summary { cursor: pointer; padding-block: 0.5rem; }
.desk-timeline .desk-step--waiting { font-weight: bold; }
:focus-visible { outline: 3px solid var(--basis-focus-outline-color, #000); outline-offset: 2px; }
`;

/**
 * Refreshes the day list in place every `data-refresh-seconds`, while the tab is visible: the same URL fetched
 * again, its list swapped in. Everything works without it; a link or form never depends on it.
 */
const deskJs = `(function () {
  var list = document.getElementById('day-list');
  if (!list || !window.fetch || !window.DOMParser) return;
  var seconds = Number(list.getAttribute('data-refresh-seconds')) || 30;
  setInterval(function () {
    if (document.visibilityState !== 'visible') return;
    fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html', 'x-desk-refresh': '1' } })
      .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, 'text/html').getElementById('day-list');
        var current = document.getElementById('day-list');
        if (fresh && current && !current.contains(document.activeElement)) current.innerHTML = fresh.innerHTML;
      })
      .catch(function () { /* the next round tries again */ });
  }, seconds * 1000);
})();
`;

const types: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

const assets = new Map<string, () => string>([
  ['components.css', () => readFileSync(packagedFiles['components.css'], 'utf8')],
  ['theme.css', () => readFileSync(packagedFiles['theme.css'], 'utf8')],
  ['desk.css', () => deskCss],
  ['desk.js', () => deskJs],
]);
const cache = new Map<string, string>();

/** `GET /desk/assets/:name`: the console's own files, from the project's packages; nothing else is served. */
export const serveAsset: RequestHandler = (req, res) => {
  const name = String(req.params.name);
  const load = assets.get(name);
  if (!load) throw new HttpProblem(404, 'Not Found', `There is no console asset ${name.slice(0, 40)}.`);
  if (!cache.has(name)) cache.set(name, load());
  res.setHeader('Cache-Control', 'public, max-age=3600');
  res.type(types[path.extname(name)] ?? 'application/octet-stream').send(cache.get(name));
};
