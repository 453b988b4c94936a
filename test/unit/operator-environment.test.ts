import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseEnv } from '../../lib/config';
import { temporalTarget } from '../../lib/temporal/connection';
import { OperatorEnvSchema } from '../../operator/config';
import { environmentLine, operatorEnvironment } from '../../operator/environment';
import { stuckQueryLinks } from '../../operator/stuck';
import { testPayloadKeysSpec } from '../fixtures/payload-key';

/** What `npm run cases -- stuck` would link to and say in its first line, run in `cwd` with `given`. */
function operatorIn(cwd: string, given: NodeJS.ProcessEnv): { links: string[]; line: string } {
  const environment = operatorEnvironment({ PAYLOAD_KEYS: testPayloadKeysSpec, ...given }, cwd);
  const config = parseEnv(OperatorEnvSchema, environment.env);
  const target = temporalTarget(config, environment.env);
  return {
    links: stuckQueryLinks(config.TEMPORAL_UI_URL, target.namespace).map((link) => link.url),
    line: environmentLine(target, environment, config.TEMPORAL_UI_URL),
  };
}

describe('operator command: the Temporal UI its links open', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'operator-ui-'));
    mkdirSync(path.join(dir, '.data'));
    // As make dev leaves them with TEMPORAL_PORT=17233 TEMPORAL_UI_PORT=18234.
    writeFileSync(
      path.join(dir, '.data', 'temporal.toml'),
      '[profile.default]\naddress = "127.0.0.1:17233"\nnamespace = "default"\n',
    );
    writeFileSync(path.join(dir, '.data', 'temporal-ui-url'), 'http://localhost:18234\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('beside make dev, links to its UI on the port it runs on, and says where that came from', () => {
    const { links, line } = operatorIn(dir, {});
    assert.ok(links.length > 0);
    for (const link of links) assert.match(link, /^http:\/\/localhost:18234\/namespaces\/default\/workflows\?query=/);
    assert.match(line, /^Temporal 127\.0\.0\.1:17233, namespace default \(plaintext\), from \.data\/temporal\.toml/);
    assert.match(line, /; Temporal UI http:\/\/localhost:18234 from \.data\/temporal-ui-url \(make dev\)$/);
  });

  it('an explicit TEMPORAL_UI_URL wins over make dev', () => {
    const { links, line } = operatorIn(dir, { TEMPORAL_UI_URL: 'https://temporal-ui.example/' });
    for (const link of links) assert.match(link, /^https:\/\/temporal-ui\.example\/namespaces\/default\/workflows\?/);
    assert.match(line, /; Temporal UI https:\/\/temporal-ui\.example\/ from TEMPORAL_UI_URL$/);
  });

  it("does not link to make dev's UI for another Temporal the operator chose", () => {
    const { links, line } = operatorIn(dir, { TEMPORAL_ADDRESS: 'temporal.internal:7233' });
    for (const link of links) assert.match(link, /^http:\/\/localhost:8233\//);
    assert.match(line, /from TEMPORAL_ADDRESS; .*; Temporal UI http:\/\/localhost:8233 from the default$/);
  });

  it('without the file (a make dev of before, or none), links to the default UI', () => {
    rmSync(path.join(dir, '.data', 'temporal-ui-url'));
    const { links, line } = operatorIn(dir, {});
    for (const link of links) assert.match(link, /^http:\/\/localhost:8233\//);
    assert.match(
      line,
      /from \.data\/temporal\.toml \(make dev\); .*; Temporal UI http:\/\/localhost:8233 from the default$/,
    );
  });
});
