import assert from 'node:assert/strict';
import { stuckCheckScheduleId } from '../operator/schedule';
import { temporalCliPath } from '../scripts/temporal-binaries';
import { caseActions } from '../workflows/actions';
import { defaultCaseTaskQueue } from '../workflows/definitions';
import { euBooking } from './fixtures/bookings';
import { startApiStack, type ApiStack } from './harness/api-stack';
import { actors, checkIn, startCase, waitForCase, waitingOn, type CaseHandle } from './harness/case-driver';
import { eventually } from './harness/eventually';
import {
  blockAfter,
  blocksRunAsWritten,
  commandsAfter,
  inlineCommand,
  ok,
  readme,
  shell,
  type Run,
} from './harness/readme';
import { sandboxAdmin } from './harness/sandbox-admin';
import { temporal, testPayloadKeysSpec } from './harness/temporal';

const { curl: curlMarker, cli: cliMarker, operator: operatorMarker } = blocksRunAsWritten;

describe('README: the Temporal CLI and operator commands, run as written', function () {
  this.timeout(300_000);
  let stack: ApiStack;
  let env: Record<string, string>;
  /** The only change to a command: the API's address, which is the harness's own. */
  let asHere: (command: string) => string;

  before(async function () {
    this.timeout(180_000);
    // The README's cases run on the default task queue; no other suite uses it.
    stack = await startApiStack(defaultCaseTaskQueue);
    env = { T: temporalCliPath(), TEMPORAL_ADDRESS: temporal().address, TEMPORAL_NAMESPACE: temporal().namespace };
    const api = new URL(stack.url).host;
    asHere = (command) => command.replaceAll('localhost:3000', api);
  });
  after(async () => {
    await stack?.stop();
  });

  it('carries no date that expires: the appointment is computed, the only date is a birth date', () => {
    const commands = [blockAfter(curlMarker), ...commandsAfter(cliMarker), ...commandsAfter(operatorMarker)].join('\n');
    assert.match(commands, /\$\(date -d '\+7 days'/);
    assert.doesNotMatch(commands.replace(/"dateOfBirth": ?"\d{4}-\d\d-\d\d"/g, ''), /\d{4}-\d\d-\d\d/);
    // Nowhere else in the README either: a date there is a birth date, or a fact dated as of when it was checked.
    const dated = readme.replace(/"dateOfBirth": ?"\d{4}-\d\d-\d\d"/g, '').match(/.{0,60}\d{4}-\d\d-\d\d.{0,20}/g);
    assert.deepEqual(dated ?? [], []);
  });

  it('takes a case from booking to completed with curl, as written', async () => {
    const run = ok(await shell(asHere(blockAfter(curlMarker)), env));
    assert.match(run.stdout, /"caseId":"case-BK-CURL-0001"/);
    assert.match(run.stdout, /"action":"check-in"/);
    assert.match(run.stdout, /"action":"record-advice"/);
    // The last command again until the case has finished its BRP registration, as someone at the terminal would.
    const last = asHere(blockAfter(curlMarker).trim().split('\n').at(-1)!);
    await eventually(async () => {
      const status = ok(await shell(`API=${new URL(stack.url).host}; ${last}`, env));
      return /"status":"completed"/.test(status.stdout) ? true : undefined;
    }, 60_000);
  });

  it('takes a case from booking to completed with the Temporal CLI alone, every answer decoded', async () => {
    const commands = commandsAfter(cliMarker);
    const expectations: [RegExp, (run: Run) => void][] = [
      [/^\$T workflow start /, (run) => assert.match(run.stdout, /case-BK-DEMO-0001/)],
      [/^\$T workflow list /, (run) => assert.match(run.stdout, /case-BK-DEMO-0001/)],
      [
        /--name checkIn /,
        (run) => assert.match(run.stdout, /action:check-in actor:map\[id:desk-7 role:desk-officer\]/),
      ],
      [/--name recordAdvice /, (run) => assert.match(run.stdout, /action:record-advice actor:map\[id:expat-2/)],
      [/--type caseStatus /, (run) => assert.match(run.stdout, /"caseId":"case-BK-DEMO-0001"/)],
      [/^\$T workflow result /, (run) => assert.match(run.stdout, /"status":"completed"/)],
    ];
    assert.equal(commands.length, expectations.length, `README commands:\n${commands.join('\n')}`);
    for (const [i, command] of commands.entries()) {
      const [pattern, expect] = expectations[i]!;
      assert.match(command, pattern, `README command ${i + 1} changed: ${command}`);
      if (command.includes('workflow list')) {
        // Visibility follows the case a moment later; an operator would look again.
        const listed = await eventually(async () => {
          const run = ok(await shell(asHere(command), env));
          return run.stdout.includes('case-BK-DEMO-0001') ? run : undefined;
        });
        expect(listed);
        continue;
      }
      expect(ok(await shell(asHere(command), env)));
    }
    const history = JSON.stringify(await temporal().client.workflow.getHandle('case-BK-DEMO-0001').fetchHistory());
    assert.ok(!history.includes('Hoffmann') && !history.includes('C01X00T47'), 'the input went through the codec');
  });

  it('drives the real CLI through the codec: workflow show, the caseStatus query, the UI metadata query', async () => {
    const codec = `--codec-endpoint ${stack.url}/codec --codec-auth 'Bearer dev-operator'`;
    const id = 'case-BK-DEMO-0001';
    // The README's own example of the codec flags, on this case.
    const readmeShow = inlineCommand('temporal workflow show ').replace(/^temporal /, '$T ');
    const show = ok(await shell(`${asHere(readmeShow.replace('<caseId>', id))} --detailed`, env));
    assert.match(show.stdout, /WorkflowExecutionCompleted/);
    assert.match(show.stdout, /^input\[0\]\.booking\.person\.givenNames: Lena$/m, 'the start input, decoded');
    assert.match(show.stdout, /^result\[0\]\.status: completed$/m, 'the result, decoded');

    const status = ok(await shell(`$T workflow query --workflow-id ${id} --type caseStatus ${codec}`, env));
    assert.match(status.stdout, /"status":"completed"/);
    assert.doesNotMatch(status.stdout, /Hoffmann|C01X00T47|lena@example\.org|1994-09-03/);

    const metadata = ok(
      await shell(`$T workflow query --workflow-id ${id} --type __temporal_workflow_metadata ${codec} -o json`, env),
    );
    assert.match(metadata.stdout, /"description":\s*"The case without personal data[^"]*",\s*"name":\s*"caseStatus"/);
    assert.match(metadata.stdout, /"name":\s*"retryStep"/);
    assert.doesNotMatch(metadata.stdout, /caseBooking/);
    // Besides the SDK's own (`__`), caseStatus alone: a second query would be one more place personal data could leak.
    const queries = /"queryDefinitions":\s*(\[[^\]]*\])/.exec(metadata.stdout)?.[1] ?? '[]';
    assert.deepEqual(
      (JSON.parse(queries) as { name: string }[]).map((q) => q.name).filter((name) => !name.startsWith('__')),
      ['caseStatus'],
      metadata.stdout,
    );

    const without = await shell(`$T workflow query --workflow-id ${id} --type caseStatus`, env);
    assert.doesNotMatch(without.stdout, /"status":"completed"/, 'without the codec the answer is ciphertext');
  });

  it('refuses a hand-typed Update of the CLI in a role that may not take it', async () => {
    const codec = `--codec-endpoint ${stack.url}/codec --codec-auth 'Bearer dev-operator'`;
    const handle = await startCase(defaultCaseTaskQueue, euBooking({ services: ['advice'] }));
    await waitingOn(handle, 'desk:check-in');
    const forged = await shell(
      `$T workflow update execute --workflow-id ${handle.workflowId} --name checkIn ${codec} ` +
        `--input '{"actor":{"id":"me","role":"operator"},"identity":"verified"}'`,
      env,
    );
    assert.notEqual(forged.code, 0);
    assert.match(forged.stderr + forged.stdout, /the role operator may not check-in; only desk-officer may/);
    const view = await waitingOn(handle, 'desk:check-in');
    assert.deepEqual(view.audit, []);
    await handle.executeUpdate(caseActions.withdraw.update, { args: [{ actor: actors.operator, reason: 'test' }] });
  });

  it('runs the operator examples on a case whose BRP step waits on an operator', async () => {
    const commands = commandsAfter(operatorMarker);
    const admin = sandboxAdmin(stack.sandbox.url);
    await admin.faults({ agency: 'brp', answer: { status: 409, call: '^POST /brp/' } });
    const operatorEnv = { TEMPORAL_ADDRESS: temporal().address, PAYLOAD_KEYS: testPayloadKeysSpec };
    let handle: CaseHandle | undefined;
    try {
      handle = await startCase(defaultCaseTaskQueue, {
        ...euBooking({ services: ['brp-registration', 'advice'] }),
        bookingReference: 'BK-DEMO-0002',
      });
      await checkIn(handle);
      await waitingOn(handle, 'operator:brp');
      const h = handle;
      const steps: Record<string, (command: string) => Promise<void>> = {
        stuck: async (command) => {
          const listed = await eventually(async () => {
            const run = ok(await shell(command, operatorEnv));
            return run.stdout.includes('case-BK-DEMO-0002') ? run : undefined;
          });
          if (command.includes('--json')) {
            const json = listed.stdout.slice(listed.stdout.indexOf('\n['));
            const found = (JSON.parse(json) as { caseId: string; waitingOn: string[] }[]).find(
              (c) => c.caseId === 'case-BK-DEMO-0002',
            );
            assert.ok(found?.waitingOn.includes('operator:brp'), listed.stdout);
          } else assert.match(listed.stdout, /case-BK-DEMO-0002 .*waiting-on-operator/);
          assert.match(listed.stderr, /^Temporal \S+, namespace default \(plaintext\), from TEMPORAL_ADDRESS;/m);
        },
        show: async (command) => {
          const run = ok(await shell(command, operatorEnv));
          assert.match(run.stdout, /^case-BK-DEMO-0002 {2}open/m);
          assert.match(run.stdout, /operator:brp/);
        },
        retry: async (command) => {
          const run = ok(await shell(command, operatorEnv));
          assert.match(run.stdout, /case-BK-DEMO-0002: retry of brp accepted/);
          await waitingOn(h, 'operator:brp'); // BRP still refuses
        },
        skip: async (command) => {
          const run = ok(await shell(command, operatorEnv));
          assert.match(run.stdout, /case-BK-DEMO-0002: brp skipped by operator-cli/);
          const view = await waitForCase(h, (v) => v.audit.some((a) => a.action === 'skip-step'), 'skipped');
          const skip = view.audit.find((a) => a.action === 'skip-step');
          assert.equal(skip?.detail, 'brp: registered by hand at the municipality');
        },
        // This case has no IND application: the case refuses the correction, and says why.
        'correct-number': async (command) => {
          const run = await shell(command, operatorEnv);
          assert.equal(run.code, 1, run.stderr);
          assert.match(run.stderr, /case-BK-DEMO-0002: .*links no number that could be corrected/);
        },
        cancel: async (command) => {
          const run = ok(await shell(command, operatorEnv));
          assert.match(run.stdout, /case-BK-DEMO-0002: withdrawal accepted/);
          assert.equal((await h.result()).status, 'withdrawn');
        },
        'schedule-stuck-check': async (command) => {
          const run = ok(await shell(command, operatorEnv));
          assert.match(run.stdout, /schedule stuck-cases-daily (created|updated)/);
        },
      };
      for (const command of commands) {
        const subcommand = /^npm run cases -- (\S+)/.exec(command)?.[1] ?? '';
        const step = steps[subcommand];
        assert.ok(step, `the test does not know what to expect of the README's "${command}"`);
        await step(command);
      }
      assert.deepEqual(
        [...new Set(commands.map((c) => /^npm run cases -- (\S+)/.exec(c)?.[1]))],
        Object.keys(steps),
        'every operator command the test knows is in the README',
      );
    } finally {
      await admin.clearFaults();
      await temporal()
        .client.schedule.getHandle(stuckCheckScheduleId)
        .delete()
        .catch(() => undefined);
    }
  });
});
