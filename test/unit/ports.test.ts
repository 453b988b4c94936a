import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, PortSource, portWindow } from '../harness/ports';

const rangeFile = (text: string): string => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ports-')), 'ip_local_port_range');
  writeFileSync(file, text);
  return file;
};

describe('freePort: ports for test servers, outside the ephemeral range', () => {
  it('looks below the ephemeral range, or above it when too little is left below', () => {
    assert.deepEqual(portWindow(rangeFile('32768\t60999\n')), { low: 10_000, high: 32_767 });
    assert.deepEqual(portWindow(rangeFile('9000 60000\n')), { low: 60_001, high: 65_535 });
    assert.throws(() => portWindow(rangeFile('2000 65000\n')), /leaves no 1000 ports/);
  });

  it('keeps the usual range when the file is missing or unreadable', () => {
    assert.deepEqual(portWindow('/nonexistent/ip_local_port_range'), { low: 10_000, high: 32_767 });
    assert.deepEqual(portWindow(rangeFile('garbage')), { low: 10_000, high: 32_767 });
  });

  it('hands out a port nothing listens on, never from the ephemeral range, and not the same one twice', async () => {
    const { low, high } = portWindow();
    const first = await freePort();
    const second = await freePort();
    for (const port of [first, second]) assert.ok(port >= low && port <= high, `${port} not in ${low}-${high}`);
    assert.notEqual(first, second);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(first, '127.0.0.1', resolve));
    server.close();
  });

  it('passes over a port that is taken', async () => {
    const window = portWindow();
    const start = await freePort();
    const held = net.createServer();
    await new Promise<void>((resolve) => held.listen(start, '127.0.0.1', resolve));
    try {
      const given = await new PortSource(window, start - window.low).take();
      assert.notEqual(given, start);
      assert.ok(given >= window.low && given <= window.high, `${given} not in the window`);
    } finally {
      held.close();
    }
  });
});
