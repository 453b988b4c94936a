import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startSandbox, type StartedSandbox } from '../../sandbox/app';
import { newcomerCaseWorkflow } from '../../workflows';
import { caseWorkflowId } from '../../workflows/definitions';
import { caseStartMetadata } from '../../workflows/static-summary';
import { euBooking } from '../fixtures/bookings';
import { checkIn, stepOutcome, waitForCase, type CaseHandle } from '../harness/case-driver';
import { eventually } from '../harness/eventually';
import { sandboxAdmin } from '../harness/sandbox-admin';
import { readmeListColumns, readmeQuery } from '../harness/readme-links';
import { launchChromium, screenshot } from './chromium';
import { startUiStack, type UiStack } from './ui-stack';

/** How often the API's codec answered the secret link with 200, from its own /metrics. */
async function codecAnswers(apiUrl: string): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const line = /^http_requests_total\{method="POST",route="\/codec\/t\/:token\/:operation",status="200"\} (\d+)$/m;
  return Number(line.exec(text)?.[1] ?? 0);
}

/** The columns the README tells operators to add to the workflow list, the outcome among them (issue 13 item 3). */
const readmeColumns = readmeListColumns();

describe('Temporal Web UI: an operator finds a case stuck on BRP and reads it decoded', function () {
  let sandbox: StartedSandbox | undefined;
  let stack: UiStack | undefined;
  let browser: Browser | undefined;
  let ui: UiStack;
  let page: Page;
  let handle: CaseHandle;
  let runId: string;
  const booking = euBooking();
  // The README's own saved query, as an operator opens it.
  const stuckQuery = readmeQuery('`AgencyRetrying IS NOT NULL`');
  const openStuckQuery = () =>
    page.goto(`${ui.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(stuckQuery)}`);

  before(async function () {
    this.timeout(150_000);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    sandbox = await startSandbox();
    await sandboxAdmin(sandbox.url).faults({ agency: 'brp', outage: true });
    ui = stack = await startUiStack({ sandboxUrl: sandbox.url });

    const started = await ui.client.workflow.start(newcomerCaseWorkflow, {
      taskQueue: ui.taskQueue,
      workflowId: caseWorkflowId(booking.bookingReference),
      args: [{ booking }],
      ...caseStartMetadata(booking),
    });
    handle = started;
    runId = started.firstExecutionRunId;
    await checkIn(handle);
    await waitForCase(handle, (v) => v.agencyRetrying.includes('brp'), 'AgencyRetrying=brp');
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state === 'failed')
      await screenshot(page, `ui-failed-${test.title.replace(/\W+/g, '-')}.png`).catch(() => undefined);
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await stack?.stop();
    await sandbox?.close();
  });

  it("lists the case under the README's saved query for an agency that keeps failing", async function () {
    this.timeout(60_000);
    await openStuckQuery();
    await page.getByRole('link', { name: handle.workflowId }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'ui-stuck-query.png');
  });

  it("shows the case's input decoded by the API's codec, while Temporal holds only ciphertext", async function () {
    this.timeout(60_000);
    const { history } = await ui.client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: handle.workflowId, runId },
    });
    const raw = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    assert.equal(Buffer.from(raw?.metadata?.encoding ?? []).toString(), 'binary/encrypted');
    assert.doesNotMatch(Buffer.from(raw?.data ?? []).toString('latin1'), /municipalityCode|Hoffmann/);

    const answersBefore = await codecAnswers(ui.apiUrl);
    const decoded = page.waitForResponse((r) => r.url().startsWith(`${ui.apiUrl}/codec/t/${ui.codecToken}/decode`));
    decoded.catch(() => undefined); // awaited below; a timeout must not surface as an unhandled rejection first
    await page.goto(`${ui.uiUrl}/namespaces/default/workflows/${handle.workflowId}/${runId}/history`);
    const input = page.getByRole('textbox', { name: 'Input' });
    await input.filter({ hasText: `"bookingReference": "${booking.bookingReference}"` }).waitFor({ timeout: 30_000 });
    await input.filter({ hasText: '"municipalityCode": "0935"' }).waitFor({ timeout: 5_000 });
    await screenshot(page, 'ui-case-decoded.png');

    const response = await decoded;
    assert.equal(response.request().method(), 'POST');
    assert.equal(await response.request().headerValue('origin'), ui.uiUrl);
    assert.equal(response.status(), 200);
    assert.equal(await response.headerValue('access-control-allow-origin'), ui.uiUrl);
    assert.ok((await codecAnswers(ui.apiUrl)) > answersBefore, 'the API counted the codec calls of the UI');
  });

  it("the stuck case's page says in words that BRP is failing and what to do; its timeline names the activities", async function () {
    this.timeout(120_000);
    // The case has read Temporal's last error of its BRP call once it shows in the case's current details.
    await eventually(async () => {
      const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      return /Last error/.test(metadata.currentDetails ?? '') ? true : undefined;
    }, 60_000);
    await page.goto(`${ui.uiUrl}/namespaces/default/workflows/${handle.workflowId}/${runId}/history`);
    await page.getByText('Register at BRP 0935').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'ui-case-timeline.png');
    // The UI shows the summary and the current details under "User Metadata".
    await page.getByText('User Metadata', { exact: true }).first().click();
    // The UI renders markdown in frames of its own: read the text of every frame, as the operator sees it.
    const text = await eventually(async () => {
      const texts = await Promise.all(
        page.frames().map((f) =>
          f
            .locator('body')
            .innerText()
            .catch(() => ''),
        ),
      );
      const all = texts.join(' ').replace(/\s+/g, ' ');
      return /BRP calls failing since \d{4}-\d\d-\d\d \d\d:\d\d UTC/.test(all) ? all : undefined;
    }, 30_000);
    assert.match(
      text,
      /BRP calls failing since [^.]*UTC; Temporal retries them with back-off\. Last error \(attempt \d+/,
    );
    assert.match(text, /down for maintenance/);
    assert.ok(text.includes(`Case ${booking.bookingReference}: eu-citizen, municipality 0935, desk MIC-Maastricht`));
    assert.match(text, /Next: check BRP/);
    for (const personal of [booking.person.familyName, booking.person.email, booking.person.passportNumber]) {
      assert.ok(!text.includes(personal), `${personal} is on the case's page`);
    }
    await screenshot(page, 'ui-case-explains-itself.png');
  });

  it("the Pending Activities tab shows BRP's last error decoded by the codec, while Temporal holds none of it", async function () {
    this.timeout(60_000);
    const described = await ui.client.workflowService.describeWorkflowExecution({
      namespace: 'default',
      execution: { workflowId: handle.workflowId, runId },
    });
    const lastFailure = described.pendingActivities?.find((p) => p.lastFailure)?.lastFailure;
    assert.equal(lastFailure?.message, 'Encoded failure');
    assert.equal(Buffer.from(lastFailure?.encodedAttributes?.metadata?.encoding ?? []).toString(), 'binary/encrypted');

    await page.goto(`${ui.uiUrl}/namespaces/default/workflows/${handle.workflowId}/${runId}/pending-activities`);
    await page
      .getByText(/brp answered 503 to POST \/registrations: brp is down for maintenance/)
      .first()
      .waitFor({
        timeout: 30_000,
      });
    await screenshot(page, 'ui-pending-activity-decoded.png');
  });

  it("the list with the README's columns shows the stuck case open, waiting on agency:brp, with BRP retrying", async function () {
    this.timeout(60_000);
    // What "Configure Columns" keeps in the browser once the README's columns are added and Run ID, Type and End
    // are removed to make room, as the README says.
    for (const needed of ['CaseStatus', 'WaitingOn', 'AgencyRetrying', 'NextDeadlineAt', 'CaseOutcome']) {
      assert.ok(readmeColumns.includes(needed), `the README's columns lack ${needed}: ${readmeColumns.join(', ')}`);
    }
    const columns = ['Status', 'Workflow ID', ...readmeColumns, 'Start'];
    await page.goto(ui.uiUrl);
    const stored = JSON.stringify({ default: columns.map((label) => ({ label })) });
    await page.evaluate(`localStorage.setItem('namespace-workflow-table-columns', ${JSON.stringify(stored)})`);
    await openStuckQuery();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: handle.workflowId }) });
    await row.waitFor({ timeout: 30_000 });
    for (const column of readmeColumns) {
      await page.getByRole('columnheader', { name: column }).first().waitFor({ timeout: 10_000 });
    }
    const cells = (await row.innerText()).replace(/\s+/g, ' ');
    assert.match(cells, /\bopen\b/);
    assert.match(cells, /agency:brp/);
    assert.match(cells, /\bbrp\b/);
    await screenshot(page, 'ui-stuck-list-columns.png');
  });

  it('no longer lists the case once BRP recovers', async function () {
    this.timeout(90_000);
    await sandboxAdmin(sandbox!.url).clearFaults();
    await waitForCase(handle, (v) => stepOutcome(v, 'brp') === 'registered', 'registered after recovery', 60_000);
    const query = `${stuckQuery} AND WorkflowId = '${handle.workflowId}'`;
    await eventually(async () => ((await ui.client.workflow.count(query)).count === 0 ? true : undefined));

    await openStuckQuery();
    await page.getByText('No Workflows Found').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByRole('link', { name: handle.workflowId }).count(), 0);
    await screenshot(page, 'ui-stuck-cleared.png');
  });
});
