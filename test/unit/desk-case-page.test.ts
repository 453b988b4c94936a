import assert from 'node:assert/strict';
import { casePage } from '../../api/desk/case-page';
import { messages, type Lang } from '../../api/desk/i18n';
import type { Actor, CaseView, StepView } from '../../workflows/definitions';
import { caseView } from '../fixtures/case-views';

const done = (name: StepView['name'], outcome: string): StepView => ({ name, state: 'done', outcome });

const closed = (status: CaseView['status'], outcome: string, steps: StepView[]): CaseView =>
  caseView({
    caseId: 'case-BK-PAGE-0001',
    bookingReference: 'BK-PAGE-0001',
    status,
    outcome,
    purpose: 'highly-skilled-migrant',
    services: ['brp-registration', 'residence-permit'],
    steps,
  });

/** The case page as the console renders it for an officer signed in as `actor`. */
function pageFor(view: CaseView, lang: Lang, actor: Actor = { id: 'desk-1', role: 'desk-officer' }): string {
  const session = { id: 'session-1', actor, csrfToken: 'csrf', expiresAt: Number.MAX_SAFE_INTEGER, seenAt: 0 };
  return String(casePage({ lang, here: `/desk/cases/${view.caseId}`, session }, { view, household: [] }));
}

/** The line under the case's name: its id, its status and how it ended. */
function statusLine(view: CaseView, lang: Lang): string {
  const page = pageFor(view, lang);
  const line = /<p class="utrecht-paragraph desk-muted">([\s\S]*?)<\/p>/.exec(page)?.[1];
  assert.ok(line !== undefined, 'no status line on the page');
  return line.replace(/\s+/g, ' ').trim();
}

describe('desk console: how a case ended, in the page language', () => {
  const refused = closed('completed', 'completed: permit refused, card not-issued', [
    done('check-in', 'verified'),
    done('brp', 'registered'),
    done('permit', 'refused'),
    done('card', 'not-issued'),
  ]);

  it('a Dutch page names the steps that did not end as asked, in Dutch, and no English', () => {
    const nl = messages.nl;
    assert.equal(
      statusLine(refused, 'nl'),
      `case-BK-PAGE-0001 · ${nl.statuses.completed} · ${nl.stepNames.permit} ${nl.outcomes.refused}, ` +
        `${nl.stepNames.card} ${nl.outcomes['not-issued']}`,
    );
  });

  it("an English page keeps the case's own words", () => {
    assert.equal(
      statusLine(refused, 'en'),
      `case-BK-PAGE-0001 · ${messages.en.statuses.completed} · completed: permit refused, card not-issued`,
    );
  });

  it('a Dutch page of a case that ended otherwise says its status alone, and of one that went as asked too', () => {
    const withdrawn = closed('withdrawn', 'withdrawn: application withdrawn', [done('permit', 'withdrawn')]);
    assert.equal(statusLine(withdrawn, 'nl'), `case-BK-PAGE-0001 · ${messages.nl.statuses.withdrawn}`);
    const asked = closed('completed', 'completed: check-in verified, brp registered', [done('brp', 'registered')]);
    assert.equal(statusLine(asked, 'nl'), `case-BK-PAGE-0001 · ${messages.nl.statuses.completed}`);
  });
});

describe("desk console: an IND officer's next steps when IND would not link the booking's application", () => {
  it('puts the correction of the application number first while the permit waits on an operator', () => {
    const view = caseView({
      caseId: 'case-BK-PAGE-0002',
      bookingReference: 'BK-PAGE-0002',
      status: 'open',
      services: ['residence-permit'],
      steps: [{ name: 'permit', state: 'waiting', waitingOn: 'operator:permit' }],
      waitingOn: ['operator:permit'],
    });
    const page = pageFor(view, 'en', { id: 'ind-1', role: 'ind-officer' });
    const next = page.slice(page.indexOf('id="next-heading"'), page.indexOf('<details class="desk-other-actions"'));
    assert.match(next, /id="action-correct-application-number"/);
    assert.match(next, /name="applicationNumber"/);
    assert.doesNotMatch(
      next,
      /id="action-record-permit-decision"/,
      'nothing to decide before IND holds the application',
    );
  });
});
