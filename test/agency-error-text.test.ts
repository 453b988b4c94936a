import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { temporal as proto } from '@temporalio/proto';
import { caseActions } from '../workflows/actions';
import { euBooking } from './fixtures/bookings';
import { actors, checkIn, currentDetails, startCase, waitForCase, type CaseHandle } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';
import { eventually } from './harness/eventually';
import { temporal } from './harness/temporal';

type Answer = 'forward' | 'outage' | 'refusal';

/**
 * A BRP that names the person in its errors, as a real BRP might: in front of the sandbox's BRP, it answers every
 * call with a 503 or a 422 whose detail holds the newcomer's name, passport number and street, or forwards it.
 */
async function talkativeBrp(
  sandboxUrl: string,
  person: string[],
): Promise<{ url: string; answer: Answer; server: Server }> {
  const brp = { url: '', answer: 'forward' as Answer, server: undefined as unknown as Server };
  brp.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (brp.answer !== 'forward') {
        const status = brp.answer === 'outage' ? 503 : 422;
        res.writeHead(status, { 'content-type': 'application/problem+json' });
        res.end(
          JSON.stringify({
            type: brp.answer === 'outage' ? 'agency-unavailable' : 'unprocessable',
            title: 'Registration failed',
            detail: `Cannot register ${person.join(', ')}: record locked`,
          }),
        );
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'host'),
      );
      fetch(`${sandboxUrl}${req.url}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      })
        .then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => brp.server.listen(0, '127.0.0.1', resolve));
  brp.url = `http://127.0.0.1:${(brp.server.address() as AddressInfo).port}`;
  return brp;
}

/** What Temporal stores and shows of a case, undecoded: its history and its description, as bytes. */
async function rawCase(handle: CaseHandle): Promise<{ bytes: string; failures: proto.api.failure.v1.IFailure[] }> {
  const service = temporal().connection.workflowService;
  const execution = { workflowId: handle.workflowId };
  const { history } = await service.getWorkflowExecutionHistory({ namespace: temporal().namespace, execution });
  const described = await service.describeWorkflowExecution({ namespace: temporal().namespace, execution });
  const failures = [
    ...(described.pendingActivities ?? []).map((p) => p.lastFailure),
    ...(history?.events ?? []).map((e) => e.activityTaskFailedEventAttributes?.failure),
  ].filter((f): f is proto.api.failure.v1.IFailure => f != null);
  const response = proto.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
  const bytes = [
    proto.api.history.v1.History.encode(history ?? {}).finish(),
    response.encode(described).finish(),
    // The JSON the Temporal UI receives: the same fields, bytes in base64.
    Buffer.from(JSON.stringify(response.toObject(response.fromObject(described), { bytes: String }))),
  ]
    .map((part) => Buffer.from(part).toString('latin1'))
    .join('\n');
  return { bytes, failures };
}

describe("an agency's error text in Temporal", function () {
  this.timeout(180_000);
  const stack = useCaseStack({ name: 'agency-error-text' });
  let brp: Awaited<ReturnType<typeof talkativeBrp>> | undefined;
  afterEach(() => brp?.server.close());

  it('is encrypted in the history and the pending activity, yet the case names it, blanked, and acts on it', async () => {
    const booking = euBooking();
    const person = [
      `${booking.person.givenNames} ${booking.person.familyName}`,
      `passport ${booking.person.passportNumber}`,
      booking.residence.address.street,
    ];
    const secrets = [booking.person.passportNumber, booking.person.familyName, booking.residence.address.street];
    brp = await talkativeBrp(stack.sandbox.url, person);
    const agencyOverrides = { BRP_URL_TEMPLATE: `${brp.url}/brp/{municipalityCode}` };
    brp.answer = 'outage';

    await stack.runWorkers(
      async () => {
        const handle = await startCase(stack.taskQueue, booking);
        await checkIn(handle);

        const details = await eventually(async () => {
          const text = await currentDetails(handle);
          return /Last error \(attempt \d+/.test(text) ? text : undefined;
        }, 60_000);
        assert.match(details, /Last error \(attempt \d+[^)]*\): brp answered 503 to POST [^\n]*Cannot register/);
        assert.match(details, /\[personal data\]/);
        for (const secret of secrets) assert.ok(!details.includes(secret), `${secret} in the current details`);

        const outage = await rawCase(handle);
        assert.ok(outage.failures.length > 0, 'no pending failure to look at');
        for (const failure of outage.failures) assert.equal(failure.message, 'Encoded failure');
        for (const secret of [...secrets, 'Cannot register'])
          assert.ok(!outage.bytes.includes(secret), `Temporal holds "${secret}" in clear text during the outage`);

        brp!.answer = 'refusal';
        const refused = await waitForCase(handle, (v) => v.waitingOn.includes('operator:brp'), 'operator:brp', 90_000);
        const detail = refused.steps.find((s) => s.name === 'brp')?.detail ?? '';
        assert.match(detail, /brp answered 422 to POST [^)]*Cannot register \[personal data\]/);
        // Every officer and operator reads the step's detail (the API, npm run cases): blanked as in the details.
        for (const secret of [...secrets, booking.person.givenNames])
          assert.ok(!detail.includes(secret), `${secret} in the step's detail: ${detail}`);

        const refusal = await rawCase(handle);
        assert.ok(
          refusal.failures.some((f) => f.applicationFailureInfo?.nonRetryable),
          'no refusal stored',
        );
        for (const failure of refusal.failures) {
          assert.equal(failure.message, 'Encoded failure');
          if (failure.cause) assert.equal(failure.cause.message, 'Encoded failure');
          assert.equal(failure.stackTrace ?? '', '');
        }
        for (const secret of [...secrets, 'Cannot register'])
          assert.ok(!refusal.bytes.includes(secret), `Temporal holds "${secret}" in clear text after the refusal`);

        brp!.answer = 'forward';
        await handle.executeUpdate(caseActions['retry-step'].update, {
          args: [{ actor: actors.operator, step: 'brp' }],
        });
        const view = await waitForCase(
          handle,
          (v) => v.results.bsn !== undefined,
          'registered after the retry',
          90_000,
        );
        assert.ok(!view.waitingOn.includes('operator:brp'), JSON.stringify(view.waitingOn));
        await handle.terminate('test done');
      },
      { agencyOverrides },
    );
  });
});
