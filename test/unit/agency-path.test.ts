import assert from 'node:assert/strict';
import { agencyPath } from '../../activities/http';

describe('agency paths: an id is one segment, whatever it holds', () => {
  it('encodes each value as encodeURIComponent does, and leaves the literal parts as written', () => {
    const id = '../x/?y=1#z';
    assert.equal(agencyPath`/applications/${id}/withdrawal`, `/applications/${encodeURIComponent(id)}/withdrawal`);
    assert.equal(agencyPath`/cards/${'ORD-1'}`, '/cards/ORD-1');
    assert.equal(agencyPath`/applications`, '/applications');
    assert.equal(agencyPath`/a/${'b c'}/${'d/e'}`, '/a/b%20c/d%2Fe');
  });
});
