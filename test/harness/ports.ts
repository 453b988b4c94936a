import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * Where `freePort()` looks: below the kernel's ephemeral range. A port from within it (what `listen(0)` gives)
 * can be taken by any outgoing connection between the check and the child's bind, and a full run once failed
 * so ("bind: address already in use"); no connection is ever given a port outside it.
 */
export function portWindow(rangeFile = '/proc/sys/net/ipv4/ip_local_port_range'): { low: number; high: number } {
  let ephemeral = [32768, 60999];
  try {
    const read = readFileSync(rangeFile, 'utf8').trim().split(/\s+/).map(Number);
    if (read.length === 2 && read.every((n) => Number.isInteger(n) && n > 0 && n < 65536)) ephemeral = read;
  } catch {
    // Not Linux: the range above is the usual one there as well.
  }
  const [first, last] = ephemeral as [number, number];
  if (first - 10_000 >= 1000) return { low: 10_000, high: first - 1 };
  if (65535 - last >= 1000) return { low: last + 1, high: 65535 };
  throw new Error(`the ephemeral port range ${first}-${last} leaves no 1000 ports for test servers`);
}

/** Hands out ports of a window in turn, passing over those something listens on. */
export class PortSource {
  private next: number;

  constructor(
    private readonly window = portWindow(),
    start = process.pid * 7919,
  ) {
    this.next = start % this.size;
  }

  private get size(): number {
    return this.window.high - this.window.low + 1;
  }

  /** A TCP port on loopback that nothing listens on right now, for a child process (a server) to bind. */
  async take(): Promise<number> {
    for (let tried = 0; tried < 200; tried += 1) {
      const port = this.window.low + this.next;
      this.next = (this.next + 1) % this.size;
      if (await bindable(port)) return port;
    }
    const { low, high } = this.window;
    throw new Error(`no free port among 200 tried in ${low}-${high}: is something holding them all?`);
  }
}

// Each process starts elsewhere in the window, so two suites on one machine rarely try the same ports.
const ports = new PortSource();

/** A TCP port on loopback that nothing listens on right now, for a child process (a server) to bind. */
export function freePort(): Promise<number> {
  return ports.take();
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
