import { caseActions } from '../workflows/actions';
import assert from 'node:assert/strict';
import { Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { temporal as proto } from '@temporalio/proto';
import { createDataConverter } from '../lib/data-converter';
import { generatePayloadKey, parsePayloadKeys } from '../lib/encryption';
import { newcomerCaseWorkflow } from '../workflows';
import * as d from '../workflows/definitions';
import { vvrBooking } from './fixtures/bookings';
import { actors, checkIn, stepOutcome, waitForCase, type CaseHandle } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';
import { temporal } from './harness/temporal';

/** Every byte Temporal stores for a case, as an operator with database access would see it. */
async function rawHistory(workflowId: string): Promise<string> {
  const { connection } = temporal();
  const response = await connection.workflowService.getWorkflowExecutionHistory({
    namespace: temporal().namespace,
    execution: { workflowId },
  });
  return Buffer.from(proto.api.history.v1.History.encode(response.history ?? {}).finish()).toString('latin1');
}

function keyIdsIn(raw: string): string[] {
  return ['key-a', 'key-b'].filter((id) => raw.includes(id));
}

describe('payload encryption', () => {
  const stack = useCaseStack({ name: 'encryption' });

  it('keeps personal data out of the stored history, and running and finished cases readable across a key rotation', async () => {
    const keyA = generatePayloadKey('key-a');
    const before = createDataConverter(parsePayloadKeys(keyA));
    const after = createDataConverter(parsePayloadKeys(`${keyA},${generatePayloadKey('key-b')}`));
    const clientWith = (dataConverter: typeof before) =>
      new Client({ connection: temporal().connection, namespace: temporal().namespace, dataConverter });
    const { taskQueue } = stack;
    const booking = vvrBooking({ services: ['brp-registration', 'residence-permit'] });

    let handle: CaseHandle = clientWith(before).workflow.getHandle(d.caseWorkflowId(booking.bookingReference));
    const registered = await (
      await stack.workers({ dataConverter: before })
    ).runUntil(async () => {
      await clientWith(before).workflow.start(newcomerCaseWorkflow, {
        taskQueue,
        workflowId: handle.workflowId,
        args: [{ booking }],
      });
      await checkIn(handle);
      return waitForCase(handle, (v) => stepOutcome(v, 'brp') === 'registered', 'registered');
    });

    const raw = await rawHistory(handle.workflowId);
    for (const secret of [
      booking.person.passportNumber,
      booking.person.familyName,
      booking.person.email,
      booking.person.dateOfBirth,
      booking.residence.address.street,
      registered.results.bsn!,
    ]) {
      assert.ok(!raw.includes(secret), `the stored history holds ${secret} in clear text`);
    }
    assert.deepEqual(keyIdsIn(raw), ['key-a']);

    // Rotation: the new key encrypts, the old one still decrypts what the running case wrote before.
    handle = clientWith(after).workflow.getHandle(handle.workflowId);
    const result = await (
      await stack.workers({ dataConverter: after })
    ).runUntil(async () => {
      await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.operator, reason: 'key rotation test' }],
      });
      const closed = await handle.result();
      // The booking the case started from, written with the old key, read with the rotated keys.
      const started = (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
      const [input] = (await decodeArrayFromPayloads(
        clientWith(after).options.loadedDataConverter,
        started?.input?.payloads,
      )) as [d.NewcomerCaseInput];
      assert.equal(input.booking.person.passportNumber, booking.person.passportNumber);
      return closed;
    });
    assert.equal(result.status, 'withdrawn');
    assert.deepEqual(keyIdsIn(await rawHistory(handle.workflowId)), ['key-a', 'key-b']);
  });
});
