/**
 * The local API Gateway and Scheduler stand-ins: real HTTP requests translated into payload v2
 * events and back, and the two 15-minute schedules (walks over the catalog) with their retries.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { signLinkToken } from '../../functions/core/links';
import { consoleLog, silentLog } from '../../infra/local/compose';
import { PayloadTooLargeError, toApiGatewayEvent, writeApiGatewayResult } from '../../infra/local/http-gateway';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { startSchedules } from '../../infra/local/schedules';
import { tempDirs } from '../support/temp-dirs';

// jest 30 ignores the project-level testTimeout; the shared machine can be slow.
jest.setTimeout(120_000);

const newDataDir = tempDirs('tonghop-gateway-');

/** A GET with the request target sent exactly as given (fetch would normalise it). */
function getRaw(base: string, target: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: target, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}


describe('local API Gateway (payload v2)', () => {
  let server: Server;
  let base: string;
  let seen: APIGatewayProxyEventV2[];
  let reply: (event: APIGatewayProxyEventV2) => APIGatewayProxyResultV2;

  beforeAll(async () => {
    server = createServer((req, res) => {
      toApiGatewayEvent(req, { maxBytes: 1024 })
        .then((event) => {
          seen.push(event);
          writeApiGatewayResult(res, reply(event), req.method);
        })
        .catch((err) => {
          res.writeHead(err instanceof PayloadTooLargeError ? 413 : 500);
          res.end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    seen = [];
    reply = () => ({ statusCode: 204 });
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('passes path, query, lower-cased headers, cookies and a JSON body as text', async () => {
    await fetch(`${base}/api/uploads?x=1&y=a%20b`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t', Cookie: 'a=1; b=2' },
      body: JSON.stringify({ tên: 'Sở Nội vụ' }),
    });

    expect(seen[0]).toMatchObject({
      version: '2.0',
      rawPath: '/api/uploads',
      rawQueryString: 'x=1&y=a%20b',
      queryStringParameters: { x: '1', y: 'a b' },
      cookies: ['a=1', 'b=2'],
      isBase64Encoded: false,
      body: '{"tên":"Sở Nội vụ"}',
      requestContext: { http: { method: 'POST', path: '/api/uploads' } },
    });
    expect(seen[0]?.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer t' });
  });

  it('base64-encodes a binary body byte for byte', async () => {
    const bytes = Buffer.from([0, 255, 1, 254, 80, 75]);

    await fetch(`${base}/bin`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes });

    expect(seen[0]?.isBase64Encoded).toBe(true);
    expect(Buffer.from(seen[0]?.body ?? '', 'base64')).toEqual(bytes);
  });

  it('passes the path as sent, a leading double slash included', async () => {
    await getRaw(base, '//u/abc?x=1');

    expect(seen[0]).toMatchObject({ rawPath: '//u/abc', rawQueryString: 'x=1', requestContext: { http: { path: '//u/abc' } } });
  });

  it('answers 413 when the body is over the limit, without calling the handler', async () => {
    const response = await fetch(`${base}/big`, { method: 'POST', body: 'x'.repeat(3000) });

    expect(response.status).toBe(413);
    expect(seen).toEqual([]);
  });

  it('writes status, headers, cookies and a base64 body back as bytes', async () => {
    reply = () => ({ statusCode: 201, headers: { 'X-Test': 'ok' }, cookies: ['s=1; HttpOnly'], body: Buffer.from([1, 2, 3]).toString('base64'), isBase64Encoded: true });

    const response = await fetch(`${base}/file`);

    expect(response.status).toBe(201);
    expect(response.headers.get('x-test')).toBe('ok');
    expect(response.headers.get('set-cookie')).toBe('s=1; HttpOnly');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
  });

  it('turns a bare object result into a 200 JSON response, as API Gateway does', async () => {
    reply = () => ({ ok: true }) as unknown as APIGatewayProxyResultV2;

    const response = await fetch(`${base}/bare`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});

describe('local schedules', () => {
  it('starts two jobs, consolidation and reminders, each ticking every 15 minutes in Vietnamese time, whatever the forms', () => {
    const schedules = startSchedules({ consolidate: async () => undefined, remind: async () => undefined }, silentLog);
    try {
      const jobs = schedules.list();
      expect(jobs.map((j) => [j.kind, j.cron])).toEqual([['consolidate', '*/15 * * * *'], ['remind', '*/15 * * * *']]);
      for (const job of jobs) {
        const next = job.nextRun()!;
        expect(next.getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
        expect([next.getUTCMinutes() % 15, next.getUTCSeconds()]).toEqual([0, 0]);
      }
    } finally {
      schedules.stop();
    }
  });

  it('retries a failed walk with the same { walk: true } event, and runs one form when asked', async () => {
    const calls: unknown[] = [];
    let failures = 1;
    const schedules = startSchedules({
      consolidate: async (event) => {
        calls.push(event);
        if (failures-- > 0) throw new Error('DynamoDB unavailable');
        return { status: 'done' };
      },
      remind: async () => undefined,
    }, silentLog, { backoffMs: 1 });

    await schedules.runNow('consolidate');
    await schedules.runNow('consolidate', 'sap-xep-bo-may');
    schedules.stop();

    expect(calls).toEqual([{ walk: true }, { walk: true }, { formId: 'sap-xep-bo-may' }]);
  });
});

describe('local gateway logs', () => {
  let runtime: LocalRuntime | undefined;
  let log = '';
  let token: string;
  beforeAll(async () => {
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    runtime = await startLocalRuntime({ port: 0, dataDir: newDataDir(), log: consoleLog(output) });
    token = signLinkToken((await runtime.deps.secrets.getLinkKeys()).current, { u: 'SO-NV', v: 1, exp: Math.floor(Date.now() / 1000) + 3600 });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('never writes a unit token to the log for a malformed link, but keeps the path\'s shape', async () => {
    const shapes = ['//u/<t>', '/U/<t>', '/u//<t>', '/x/u/<t>', '/u%2F<t>', '/api/me/<t>'];

    const statuses = [];
    for (const shape of shapes) statuses.push(await getRaw(runtime!.url, shape.replace('<t>', token)));

    expect(statuses).toEqual(shapes.map(() => 404));
    for (const shape of shapes) expect(log).toContain(`"path":"${shape.replace('<t>', '[token:')}`);
    expect(log).not.toContain(token.split('.')[0]);
    expect(log).not.toContain(token.split('.')[1]);
  });

  it('keeps the token out of its own error log too (a request cut off mid-body)', async () => {
    const before = log.length;
    const { hostname, port } = new URL(runtime!.url);
    const req = request({ host: hostname, port, path: `/x/u/${token}?t=${token}`, method: 'POST', headers: { 'content-length': '1000', 'content-type': 'application/json' } });
    req.on('error', () => undefined);
    req.write('{"formId":');
    await new Promise((r) => setTimeout(r, 200));
    req.destroy();
    for (let i = 0; i < 100 && !log.slice(before).includes('request failed'); i += 1) await new Promise((r) => setTimeout(r, 50));

    expect(log.slice(before)).toContain('"path":"/x/u/[token:');
    expect(log).not.toContain(token.split('.')[1]);
  });
});
