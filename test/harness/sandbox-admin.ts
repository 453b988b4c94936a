import type { FaultRequest } from '../../sandbox/faults';
import assert from 'node:assert/strict';

export interface LedgerEntry {
  agency: string;
  operation: string;
  idempotencyKey: string;
  caseRef: string;
  at: string;
}

/** The admin token (SANDBOX_ADMIN_TOKEN) of the suites' sandboxes, as `make dev` gives one to its sandbox. */
export const testSandboxAdminToken = 'test-sandbox-admin-token-5c1e';

/**
 * Drives the agency sandbox's `/_admin` API the way a tester at the desk would; with `adminToken` as its bearer
 * token, without one as a caller on loopback.
 */
export function sandboxAdmin(baseUrl: string, adminToken?: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${baseUrl}/_admin${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} /_admin${path} answered ${res.status}: ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  return {
    decide: (applicationNumber: string, decision: 'granted' | 'refused' | 'inadmissible', reason?: string) =>
      call('POST', '/ind/decide', { applicationNumber, decision, ...(reason ? { reason } : {}) }),
    cardReady: (orderId: string) => call('POST', '/ind/card-ready', { orderId }),
    /** A sponsor files an application before the appointment; a booking then gives its number. */
    fileAsSponsor: (applicationNumber: string, purpose: string, sponsorNumber = 'RS-100234') =>
      call('POST', '/ind/applications', { applicationNumber, purpose, sponsorNumber }),
    faults: (fault: FaultRequest) => call('PUT', '/faults', fault),
    clearFaults: () => call('DELETE', '/faults'),
    ledger: async (caseRef?: string): Promise<LedgerEntry[]> => {
      const body = (await call('GET', `/ledger${caseRef ? `?caseRef=${encodeURIComponent(caseRef)}` : ''}`)) as {
        entries: LedgerEntry[];
      };
      return body.entries;
    },
  };
}
