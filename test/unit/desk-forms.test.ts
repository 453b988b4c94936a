import assert from 'node:assert/strict';
import type { z } from 'zod';
import { consoleActions, formBody, formFields } from '../../api/desk/action-forms';
import { html } from '../../api/desk/html';
import { actionNames } from '../../workflows/actions';
import { actionBodies } from '../../workflows/action-bodies';

describe('desk console: forms from the action catalogue', () => {
  it('builds a field for every property of every action body, required as the schema says', () => {
    for (const action of actionNames) {
      const shape = actionBodies[action].shape as Record<string, z.ZodType>;
      const fields = formFields(action);
      assert.deepEqual(
        fields.map((f) => f.name),
        Object.keys(shape),
        action,
      );
      for (const field of fields) assert.equal(field.required, !shape[field.name]!.safeParse(undefined).success);
    }
    assert.deepEqual(
      formFields('extend-decision-term').find((f) => f.name === 'days'),
      { name: 'days', required: true, kind: 'integer', min: 1, max: 90 },
    );
  });

  it('turns a submitted form into the body the catalogue parses', () => {
    assert.deepEqual(formBody('check-in', { identity: 'verified', note: '', _csrf: 'x', _key: 'y', actor: 'me' }), {
      identity: 'verified',
    });
    assert.deepEqual(
      formBody('request-documents', { documents: ' passport copy \r\n\r\n  salary slip ', dueAt: '2027-01-15T09:30' }),
      {
        documents: ['passport copy', 'salary slip'],
        dueAt: '2027-01-15T08:30:00.000Z', // 09:30 in Maastricht in winter
      },
    );
    assert.equal(formBody('schedule-visit', { startsAt: '2027-07-01T09:30' }).startsAt, '2027-07-01T07:30:00.000Z');
    assert.deepEqual(formBody('extend-decision-term', { days: '30', reason: 'advice' }), {
      days: 30,
      reason: 'advice',
    });
    // What cannot be converted is left for the schema to name in its 400.
    assert.deepEqual(formBody('extend-decision-term', { days: 'thirty' }), { days: 'thirty' });
    assert.equal(actionBodies['extend-decision-term'].safeParse({ days: 'thirty', reason: 'x' }).success, false);
  });

  it('offers each officer role only its actions, and an operator none', () => {
    assert.deepEqual(consoleActions('expat-advisor'), ['record-advice']);
    assert.ok(consoleActions('desk-officer').includes('hand-over-card'));
    assert.ok(!consoleActions('desk-officer').includes('capture-biometrics'));
    assert.deepEqual(consoleActions('operator'), []);
    assert.deepEqual(consoleActions('booking-site'), []);
  });

  it('writes what anyone typed as text, never as markup', () => {
    const name = `<script>alert(1)</script>" onmouseover="x`;
    assert.equal(
      String(html`<a title="${name}">${name}</a>`),
      '<a title="&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x">&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x</a>',
    );
  });
});
