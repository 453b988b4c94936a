import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { encodeErrorToFailure, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { temporal as proto } from '@temporalio/proto';
import request from 'supertest';
import { createDataConverter } from '../../lib/data-converter';
import { AesGcmCodec, parsePayloadKeys } from '../../lib/encryption';
import { offlineTestApp, testCodecUrlToken, tokens } from '../harness/api';
import { testPayloadKeysSpec } from '../fixtures/payload-key';

const codec = new AesGcmCodec(parsePayloadKeys(testPayloadKeysSpec));
const clear = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"passportNumber":"Z1234567"}') };
const asJson = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

describe('codec server for the Temporal UI and CLI', () => {
  let app: ReturnType<typeof offlineTestApp>;
  before(() => {
    app = offlineTestApp();
  });

  it('decodes for an operator, and for nobody else', async () => {
    const [encrypted] = await codec.encode([clear]);
    const body = { payloads: [asJson(encrypted!)] };
    const decoded = await request(app)
      .post('/codec/decode')
      .set('authorization', tokens.operator)
      .send(body)
      .expect(200);
    assert.equal(
      Buffer.from(String(decoded.body.payloads[0].data), 'base64').toString(),
      '{"passportNumber":"Z1234567"}',
    );

    await request(app).post('/codec/decode').send(body).expect(401);
    const refused = await request(app).post('/codec/decode').set('authorization', tokens.desk).send(body).expect(403);
    assert.match(String(refused.body.detail), /desk-officer may not decode-payloads/);
    await request(app).post('/codec/t/wrong-link-0123456789abcdef/decode').send(body).expect(403);
    const byLink = await request(app).post(`/codec/t/${testCodecUrlToken}/decode`).send(body).expect(200);
    assert.deepEqual(byLink.body, decoded.body);
  });

  it("answers the UI's CORS preflight for its origin only", async () => {
    const ui = await request(app)
      .options(`/codec/t/${testCodecUrlToken}/decode`)
      .set('origin', 'http://localhost:8233')
      .set('access-control-request-headers', 'content-type, x-namespace')
      .expect(204);
    assert.equal(ui.headers['access-control-allow-origin'], 'http://localhost:8233');
    assert.match(String(ui.headers['access-control-allow-headers']), /x-namespace/);
    const other = await request(app).options('/codec/decode').set('origin', 'http://evil.example').expect(204);
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  it('encodes what it decodes', async () => {
    const encoded = await request(app)
      .post('/codec/encode')
      .set('authorization', tokens.operator)
      .send({ payloads: [asJson(clear)] })
      .expect(200);
    assert.ok(!Buffer.from(String(encoded.body.payloads[0].data), 'base64').toString('latin1').includes('Z1234567'));
  });

  it('answers what the Temporal CLI sends for a call without arguments: no payloads, an empty or null list', async () => {
    for (const operation of ['encode', 'decode']) {
      for (const body of [{}, { payloads: [] }, { payloads: null }]) {
        const res = await request(app)
          .post(`/codec/${operation}`)
          .set('authorization', tokens.operator)
          .send(body)
          .expect(200);
        assert.deepEqual(res.body, { payloads: [] }, `${operation} ${JSON.stringify(body)}`);
      }
      const empty = await request(app).post(`/codec/${operation}`).set('authorization', tokens.operator).expect(200);
      assert.deepEqual(empty.body, { payloads: [] }, `${operation} without a body`);
    }
    const bad = await request(app)
      .post('/codec/decode')
      .set('authorization', tokens.operator)
      .send({ payloads: 'all of them' })
      .expect(400);
    assert.match(String(bad.headers['content-type']), /^application\/problem\+json/);
  });

  it("decodes a failure's encoded attributes, as the UI sends them to show an agency's error", async () => {
    const converter = loadDataConverter(createDataConverter(parsePayloadKeys(testPayloadKeysSpec)));
    const said = 'brp answered 422 to POST /brp/0935/registrations: Cannot register Lena Hoffmann, passport C01X00T47';
    const failure = await encodeErrorToFailure(converter, ApplicationFailure.nonRetryable(said, 'AgencyRejected'));
    const stored = Buffer.from(proto.api.failure.v1.Failure.encode(failure).finish()).toString('latin1');
    assert.equal(failure.message, 'Encoded failure');
    assert.ok(!stored.includes('C01X00T47') && !stored.includes('Hoffmann'), 'the failure holds the text in clear');

    const decoded = await request(app)
      .post(`/codec/t/${testCodecUrlToken}/decode`)
      .send({ payloads: [asJson(failure.encodedAttributes!)] })
      .expect(200);
    const attributes = JSON.parse(Buffer.from(String(decoded.body.payloads[0].data), 'base64').toString()) as {
      message: string;
      stack_trace: string;
    };
    assert.equal(attributes.message, said);
    assert.match(attributes.stack_trace, /ApplicationFailure/);
  });
});
