import assert from 'node:assert/strict';
import { emailTemplates, languages, milestones, renderEmail, templateId, templateOf } from '../../domain/emails';

describe('unit: e-mail templates', () => {
  /** Every outcome the workflow sends a milestone with (the detail that picks the letter). */
  const sent: Array<[(typeof milestones)[number], Record<string, string>]> = [
    ['case-opened', {}],
    ['rescheduled', {}],
    ['no-show', {}],
    ['brp-registered', {}],
    ['documents-requested', {}],
    ...(['granted', 'refused', 'inadmissible'] as const).map(
      (decision): [(typeof milestones)[number], Record<string, string>] => ['permit-decided', { decision }],
    ),
    ['card-ready', {}],
    ['card-collection-reminder', {}],
    ['return-visa-decided', { decision: 'issued' }],
    ['return-visa-decided', { decision: 'refused' }],
    ['visit-scheduled', { purpose: 'biometrics-retake' }],
    ['visit-scheduled', { purpose: 'card-collection' }],
    ['municipality-informed', { decision: 'refused' }],
    ['municipality-informed', { decision: 'inadmissible' }],
    ...(['completed', 'rejected', 'withdrawn', 'closed-no-show'] as const).map(
      (status): [(typeof milestones)[number], Record<string, string>] => ['case-closed', { status }],
    ),
  ];

  it('has a template for every milestone and outcome, in English and in Dutch', () => {
    for (const [milestone, details] of sent) {
      for (const language of languages) {
        const id = templateId(milestone, details, language);
        assert.ok(templateOf(id), `${id} is missing`);
      }
    }
    assert.deepEqual([...new Set(sent.map(([m]) => m))].sort(), [...milestones].sort(), 'a milestone is never sent');
  });

  it('the two languages of a template ask for the same fields', () => {
    const fields = (text: string) => [...text.matchAll(/\(\(([a-zA-Z_]+)\)\)/g)].map((m) => m[1]).sort();
    for (const [key, letters] of Object.entries(emailTemplates)) {
      assert.deepEqual(fields(letters.nl.subject + letters.nl.body), fields(letters.en.subject + letters.en.body), key);
      assert.notEqual(letters.nl.body, letters.en.body, `${key} is not translated`);
    }
  });

  it('refusals name the objection term; missing fields are named, extra ones ignored', () => {
    assert.match(templateOf('newcomer-permit-decided-refused-en')?.body ?? '', /within 4 weeks/);
    assert.match(templateOf('newcomer-permit-decided-refused-nl')?.body ?? '', /binnen 4 weken/);
    for (const language of ['en', 'nl']) {
      for (const refusal of ['permit-decided-refused', 'permit-decided-inadmissible', 'return-visa-decided-refused']) {
        const body = templateOf(`newcomer-${refusal}-${language}`)?.body ?? '';
        assert.match(
          body,
          /\(\(reason\)\).*\(\(objectionLastDay\)\)/,
          `${refusal} ${language} gives reason and last day`,
        );
      }
    }
    const rendered = renderEmail(templateOf('newcomer-no-show-nl')!, { given_name: 'Lena', other: 'x' });
    assert.deepEqual(rendered.missing, ['rescheduleBy']);
    assert.equal(templateOf('newcomer-no-show-de'), undefined);
    assert.equal(templateOf('newcomer-unknown-en'), undefined);
  });
});
