import assert from 'node:assert/strict';
import { AesGcmCodec, generatePayloadKey, parsePayloadKeys } from '../../lib/encryption';

describe('payload encryption: the codec', () => {
  it('round-trips a payload, passes old clear payloads through, and names a missing key', async () => {
    const codec = new AesGcmCodec(parsePayloadKeys(generatePayloadKey('k1')));
    const payload = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"passport":"Z1234567"}') };
    const [encrypted] = await codec.encode([payload]);
    assert.ok(!Buffer.from(encrypted!.data!).toString('latin1').includes('Z1234567'));
    const [decrypted] = await codec.decode([encrypted!]);
    assert.equal(Buffer.from(decrypted!.data!).toString(), '{"passport":"Z1234567"}');
    assert.deepEqual(await codec.decode([payload]), [payload]);
    const other = new AesGcmCodec(parsePayloadKeys(generatePayloadKey('k2')));
    await assert.rejects(other.decode([encrypted!]), /unknown key k1: add it to PAYLOAD_KEYS/);
  });
});
