/**
 * The operator console over the real local HTTP server (`npm start`'s runtime on port 0, the
 * embedded emulators): the sample admin asks for a sign-in link, the email lands in the outbox,
 * opening its link shows the confirmation page (spending nothing), its button's POST sets the
 * session cookie, and the cookie reads the status grid.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { PassThrough } from 'node:stream';
import { consoleLog } from '../../infra/local/compose';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { openPeriod } from '../../functions/core/periods';
import { tempDirs } from '../support/temp-dirs';

// jest 30 ignores the project-level testTimeout; the shared machine can be slow.
jest.setTimeout(120_000);

const newDataDir = tempDirs('tonghop-console-');

describe('console sign-in over the local HTTP server', () => {
  let runtime: LocalRuntime | undefined;
  let dataDir: string;
  let log = '';

  beforeAll(async () => {
    dataDir = newDataDir();
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    runtime = await startLocalRuntime({ port: 0, dataDir, log: consoleLog(output) });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('emails a link to the outbox; the link shows a button whose POST opens a session whose cookie reads the status grid', async () => {
    const { url, consoleAdmin } = runtime!;
    expect(consoleAdmin).toBeDefined();

    const asked = await fetch(`${url}/quan-tri/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: consoleAdmin }) });
    expect(asked.status).toBe(202);

    const outbox = join(dataDir, 'outbox');
    const emails = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    expect(emails).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(outbox, emails[0]!)));
    const link = new RegExp(`${url}/quan-tri/sign-in/[A-Za-z0-9_-]{43}`).exec(mail.text ?? '')?.[0];
    expect(link).toBeDefined();

    // Opening the link (as a mail scanner would, twice) only shows the button.
    for (let i = 0; i < 2; i++) {
      const shown = await fetch(link!, { redirect: 'manual' });
      expect(shown.status).toBe(200);
      expect(shown.headers.getSetCookie()).toEqual([]);
      expect(await shown.text()).toContain(`<form method="post" action="${new URL(link!).pathname}">`);
    }
    const opened = await fetch(link!, { method: 'POST', redirect: 'manual', headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/quan-tri/');
    const setCookie = opened.headers.getSetCookie();
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toMatch(/^tonghop-phien=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict/);
    const cookie = setCookie[0]!.split(';')[0]!;

    const form = runtime!.catalog.list()[0]!;
    const period = openPeriod(form, new Date());
    const grid = await fetch(`${url}/api/admin/status/${form.id}/${period}`, { headers: { cookie } });
    expect(grid.status).toBe(200);
    const body = (await grid.json()) as { formId: string; period: string; units: Array<{ code: string; status: string }> };
    expect(body).toMatchObject({ formId: form.id, period });
    expect(body.units.length).toBeGreaterThan(0);

    const home = await fetch(`${url}/quan-tri/`, { headers: { cookie }, redirect: 'manual' });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(consoleAdmin!);

    const anonymous = await fetch(`${url}/api/admin/status/${form.id}/${period}`);
    expect(anonymous.status).toBe(401);

    // "Tổng hợp ngay": the CSRF token from /me, the portal's Origin; the workbook downloads from the emulated S3.
    const { csrfToken } = (await (await fetch(`${url}/api/admin/me`, { headers: { cookie } })).json()) as { csrfToken: string };
    const built = await fetch(`${url}/api/admin/consolidations`, {
      method: 'POST',
      headers: { cookie, origin: url, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ formId: form.id, period, send: false }),
    });
    expect(built.status).toBe(200);
    const result = (await built.json()) as { downloadUrl: string; email: { status: string } };
    expect(result.email.status).toBe('not-requested');
    const download = await fetch(result.downloadUrl);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).subarray(0, 2).toString('latin1')).toBe('PK');
    const audit = (await (await fetch(`${url}/api/admin/audit`, { headers: { cookie } })).json()) as { entries: Array<{ actor: string; action: string }> };
    expect(audit.entries[0]).toMatchObject({ actor: consoleAdmin, action: 'consolidation.build' });

    // A used link, asked again, is refused and logged; neither the token nor the session id is in the log.
    expect((await fetch(link!, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(link!, { method: 'POST', redirect: 'manual', headers: { origin: url } })).status).toBe(401);
    expect(log).toContain('sign-in link refused');
    expect(log).not.toContain(link!.split('/').at(-1)!);
    expect(log).not.toContain(cookie.split('=')[1]!);
  });
});
