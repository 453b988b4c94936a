import { Connection } from '@temporalio/client';
import { parseEnv, payloadKeysOf, runMain } from '../lib/config';
import { createCaseClient } from '../lib/temporal/client';
import { temporalTarget } from '../lib/temporal/connection';
import { diagnoseTemporalConnection } from '../lib/temporal/diagnose';
import { isUnrunnable } from '../lib/temporal/visibility';
import { applicationNumberPattern } from '../domain/rules';
import { stepNames, type StepName } from '../workflows/definitions';
import { caseActions, OperatorError } from './actions';
import { formatDuration, OperatorEnvSchema, type OperatorConfig } from './config';
import { environmentLine, operatorEnvironment, type OperatorEnvironment } from './environment';
import { caseSummary, caseText, savedQueriesText, stuckJson, stuckTable, terminalSafe, unrunnableText } from './format';
import { stuckCasesReportWorkflowType, stuckCheckScheduleId, upsertStuckCheckSchedule } from './schedule';
import { defaultStuckNorms, findStuckCases, stuckQueryLinks } from './stuck';

const usage = `usage: npm run cases -- <command>

  stuck [--json]                  cases stuck on a failing agency, an operator, a deadline or a person; why; what next
  show <caseId> [--json]          status, steps, waiting on, deadlines and the last audit entries of a case
  retry <caseId> <step>           retry a step that waits on an operator, now
  skip <caseId> <step> <reason>   skip a step; the reason goes into the audit trail
  correct-number <caseId> <applicationNumber> <reason>
                                  link this IND application instead of the booking's, which IND refused to link
  cancel <caseId> <reason>        withdraw the case; what can be undone is undone
  schedule-stuck-check            create or update the daily Temporal Schedule ${stuckCheckScheduleId}

steps: ${stepNames.join(', ')}
exit codes: 0 done (stuck cases found is not a failure), 1 the case or Temporal refused, 2 bad arguments or environment`;

type Command =
  | { name: 'help' }
  | { name: 'stuck'; json: boolean }
  | { name: 'show'; caseId: string; json: boolean }
  | { name: 'retry'; caseId: string; step: StepName }
  | { name: 'skip'; caseId: string; step: StepName; reason: string }
  | { name: 'correct-number'; caseId: string; applicationNumber: string; reason: string }
  | { name: 'cancel'; caseId: string; reason: string }
  | { name: 'schedule-stuck-check' };

/** The command, or what is wrong with the arguments. */
function parseArgs([name, ...rest]: string[]): Command | string {
  const flags = rest.filter((a) => a.startsWith('--'));
  const positional = rest.filter((a) => !a.startsWith('--'));
  const json = flags.includes('--json');
  const onlyJson = flags.every((f) => f === '--json') ? undefined : `unknown option ${flags.join(' ')}`;
  const step = (value: string | undefined): value is StepName => stepNames.includes(value as StepName);
  const [caseId, second] = rest;
  const reason = (from: number): string => rest.slice(from).join(' ').trim();
  switch (name) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { name: 'help' };
    case 'stuck':
      return onlyJson ?? (positional.length > 0 ? 'stuck takes no arguments' : { name, json });
    case 'show': {
      const [id, ...extra] = positional;
      return onlyJson ?? (id && extra.length === 0 ? { name, caseId: id, json } : 'show needs one case id');
    }
    case 'retry':
      if (!caseId || rest.length !== 2) return 'retry needs a case id and a step';
      return step(second) ? { name, caseId, step: second } : `unknown step "${second}"`;
    case 'skip':
      if (!caseId || !reason(2)) return 'skip needs a case id, a step and a reason';
      return step(second) ? { name, caseId, step: second, reason: reason(2) } : `unknown step "${second}"`;
    case 'correct-number':
      if (!caseId || !second || !reason(2)) return 'correct-number needs a case id, an application number and a reason';
      return applicationNumberPattern.test(second)
        ? { name, caseId, applicationNumber: second, reason: reason(2) }
        : `"${second}" is not an IND application number (3-32 capitals, digits and dashes)`;
    case 'cancel':
      return caseId && reason(1) ? { name, caseId, reason: reason(1) } : 'cancel needs a case id and a reason';
    case 'schedule-stuck-check':
      return rest.length === 0 ? { name } : 'schedule-stuck-check takes no arguments';
    default:
      return `unknown command "${name}"`;
  }
}

/** Everything the command prints passes `terminalSafe`: a case's text must not act on the operator's terminal. */
const out = (text: string): boolean => process.stdout.write(`${terminalSafe(text)}\n`);

async function run(
  command: Exclude<Command, { name: 'help' }>,
  config: OperatorConfig,
  environment: OperatorEnvironment,
): Promise<void> {
  const temporal = temporalTarget(config, environment.env);
  process.stderr.write(`${environmentLine(temporal, environment, config.TEMPORAL_UI_URL)}\n`);
  const connection = await Connection.connect(temporal.connectionOptions).catch(async (err: Error) => {
    const problem = await diagnoseTemporalConnection(temporal);
    throw new OperatorError(
      `cannot reach Temporal at ${temporal.address} (${temporal.security}): ${problem?.message ?? err.message}`,
    );
  });
  try {
    const client = createCaseClient(connection, { ...config, TEMPORAL_NAMESPACE: temporal.namespace });
    const actor = { id: config.OPERATOR_ID, role: 'operator' } as const;
    const cases = caseActions({
      client,
      connection,
      actor,
      timeoutMs: config.OPERATOR_TIMEOUT_MS,
      ...(config.PAYLOAD_KEYS ? { payloadKeys: payloadKeysOf(config) } : {}),
    });
    const waits = (view: { waitingOn: string[] }): string => `it now waits on: ${view.waitingOn.join(', ') || '-'}`;
    switch (command.name) {
      case 'stuck': {
        const norms = { ...defaultStuckNorms, humanNormMs: config.STUCK_HUMAN_NORM };
        const progress = (n: number): boolean => process.stderr.write(`scanned ${n} cases…\n`);
        const { scanned, cases: stuck } = await findStuckCases(client, new Date(), norms, progress);
        out(command.json ? stuckJson(stuck) : stuckTable(stuck, scanned));
        if (!command.json) out(savedQueriesText(stuckQueryLinks(config.TEMPORAL_UI_URL, temporal.namespace)));
        return;
      }
      case 'show': {
        const view = await cases.show(command.caseId);
        if (isUnrunnable(view)) out(command.json ? JSON.stringify(view, null, 2) : unrunnableText(view));
        else out(command.json ? JSON.stringify(caseSummary(view, 10), null, 2) : caseText(view, 10));
        return;
      }
      case 'retry':
        out(
          `${command.caseId}: retry of ${command.step} accepted; ${waits(await cases.retry(command.caseId, command.step))}`,
        );
        return;
      case 'skip': {
        const view = await cases.skip(command.caseId, command.step, command.reason);
        out(`${command.caseId}: ${command.step} skipped by ${actor.id}; ${waits(view)}`);
        return;
      }
      case 'correct-number': {
        const view = await cases.correctNumber(command.caseId, command.applicationNumber, command.reason);
        out(`${command.caseId}: now links ${command.applicationNumber}; ${waits(view)}`);
        return;
      }
      case 'cancel':
        await cases.cancel(command.caseId, command.reason);
        out(`${command.caseId}: withdrawal accepted; the case undoes what it can and closes`);
        return;
      case 'schedule-stuck-check': {
        const taskQueue = config.TEMPORAL_TASK_QUEUE;
        const done = await upsertStuckCheckSchedule(client, { taskQueue, humanNormMs: config.STUCK_HUMAN_NORM });
        out(
          `schedule ${stuckCheckScheduleId} ${done}: daily at 06:00 Europe/Amsterdam it starts ` +
            `${stuckCasesReportWorkflowType} on ${taskQueue} (human norm ${formatDuration(config.STUCK_HUMAN_NORM)})`,
        );
        return;
      }
    }
  } finally {
    await connection.close();
  }
}

runMain(async () => {
  const command = parseArgs(process.argv.slice(2));
  if (typeof command === 'string') {
    process.stderr.write(`${command}\n\n${usage}\n`);
    process.exitCode = 2;
    return;
  }
  if (command.name === 'help') {
    out(usage);
    return;
  }
  try {
    const environment = operatorEnvironment();
    await run(command, parseEnv(OperatorEnvSchema, environment.env), environment);
  } catch (err) {
    if (!(err instanceof OperatorError)) throw err;
    process.stderr.write(`${terminalSafe(err.message)}\n`);
    process.exitCode = 1;
  }
});
