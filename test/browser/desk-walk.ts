import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { Role } from '../../workflows/definitions';
import { eventually } from '../harness/eventually';

/** What an officer does in the console, by keyboard and mouse as a person would; each helper waits for the page. */
export function deskOfficer(page: Page, baseUrl: string) {
  const waitsOn = () => page.locator('#waits-on').innerText();
  return {
    async signIn(role: Role): Promise<void> {
      await page.goto(`${baseUrl}/desk/sign-in`);
      await page.locator(`input[name="token"][value="dev-${role}"]`).check();
      await Promise.all([
        page.waitForURL(`${baseUrl}/desk`),
        page.getByRole('button', { name: /sign in|inloggen/i }).click(),
      ]);
    },
    async signOut(): Promise<void> {
      await Promise.all([
        page.waitForURL(`${baseUrl}/desk/sign-in`),
        page.getByRole('button', { name: /sign out|uitloggen/i }).click(),
      ]);
    },
    /** The day list of a date, chosen in its filter form. */
    async dayList(date: string, filter = 'all'): Promise<void> {
      if (!page.url().startsWith(`${baseUrl}/desk?`) && page.url() !== `${baseUrl}/desk`) {
        await page.goto(`${baseUrl}/desk`);
      }
      await page.locator('#date').fill(date);
      await page.locator('#filter').selectOption(filter);
      await Promise.all([page.waitForEvent('load'), page.locator('.desk-filters button[type="submit"]').click()]);
    },
    async openCase(name: string): Promise<void> {
      await Promise.all([page.waitForURL(/\/desk\/cases\//), page.getByRole('link', { name }).click()]);
    },
    /** Reloads the case page until it waits on `text` (the case moves on by itself: agencies, call-backs). */
    async untilWaitsOn(pattern: RegExp, timeoutMs = 90_000): Promise<string> {
      let last = '';
      try {
        return await eventually(
          async () => {
            await page.reload();
            last = await waitsOn();
            return pattern.test(last) ? last : undefined;
          },
          timeoutMs,
          500,
        );
      } catch (err) {
        throw new Error(`the case never waited on ${pattern}; last: "${last}"`, { cause: err });
      }
    },
    /** Fills an action's form (radio choices by value, other fields by name) and submits it. */
    async act(action: string, fields: Record<string, string> = {}): Promise<void> {
      const form = page.locator(`#action-${action}`);
      if (!(await form.isVisible())) await page.locator('details.desk-other-actions > summary').click();
      for (const [name, value] of Object.entries(fields)) {
        const radio = form.locator(`input[type="radio"][name="${name}"][value="${value}"]`);
        if ((await radio.count()) > 0) await radio.check();
        else await form.locator(`[name="${name}"]`).fill(value);
      }
      // The next document's load: the case page after the redirect, or the page with the refusal.
      await Promise.all([page.waitForEvent('load'), form.locator('button[type="submit"]').press('Enter')]);
      await page.locator('#action-done, [role="alert"]').first().waitFor();
    },
    async done(): Promise<boolean> {
      return page.locator('#action-done').isVisible();
    },
    /** The actions whose forms the page offers. */
    async offeredActions(): Promise<string[]> {
      const actions: string[] = [];
      for (const form of await page.locator('form[action*="/actions/"]').all()) {
        actions.push(((await form.getAttribute('action')) ?? '').replace(/.*\/actions\//, ''));
      }
      return actions.sort();
    },
  };
}

/** axe-core's browser build, from the project's own packages. */
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact?: string | null;
  nodes: { target: unknown[] }[];
}

/**
 * axe-core on the page as it is: no serious or critical violation of WCAG 2.x A/AA (2.2 included). Evaluated through
 * the DevTools protocol, which the page's Content-Security-Policy does not govern, so the policy stays as served.
 */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(options: object): Promise<{ violations: AxeViolation[] }> } })
      .axe;
    const results = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `accessibility of ${what}`,
  );
}
