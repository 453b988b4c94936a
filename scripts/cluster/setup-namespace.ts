import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { msToTs } from '@temporalio/common/lib/time';
import { parseEnv, runMain, TemporalEnvSchema } from '../../lib/config';
import { temporalTarget } from '../../lib/temporal/connection';
import { caseSearchAttributes } from '../../workflows/search-attributes';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;

/** How long cases stay in the cluster's history after they close. */
const retentionMs = 30 * 86_400_000;

/**
 * `make cluster`'s last Temporal step, over the same mTLS connection the API and workers use: registers the
 * namespace and the case search attributes (the list of `workflows/search-attributes.ts`, as for the dev server),
 * and waits until both are visible. Idempotent.
 */
runMain(async () => {
  const target = temporalTarget(parseEnv(TemporalEnvSchema));
  const connection = await Connection.connect({ ...target.connectionOptions, connectTimeout: 60_000 });
  const { namespace } = target;
  try {
    await connection.workflowService
      .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(retentionMs) })
      .catch((err: unknown) => {
        if (!/already exists|AlreadyExists/i.test(String(err))) throw err;
      });
    await until(`namespace ${namespace}`, () => connection.workflowService.describeNamespace({ namespace }));

    const wanted = Object.fromEntries(
      caseSearchAttributes.map((key) => [key.name, IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`]]),
    );
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.fromEntries(
      Object.entries(wanted).filter(([name]) => existing.customAttributes[name] === undefined),
    );
    if (Object.keys(missing).length > 0) {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    }
    await until('the case search attributes', async () => {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const absent = Object.keys(wanted).filter((name) => customAttributes[name] === undefined);
      if (absent.length > 0) throw new Error(`not yet: ${absent.join(', ')}`);
    });
    process.stdout.write(
      `[cluster]   namespace ${namespace} with ${caseSearchAttributes.length} case search attributes (${target.security})\n`,
    );
  } finally {
    await connection.close();
  }
});

async function until(what: string, check: () => Promise<unknown>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(`${what} not ready after ${timeoutMs / 1000} s: ${String(err)}`, { cause: err });
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
