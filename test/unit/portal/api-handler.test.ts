import { generateForm } from '../../../functions/core/forms';
import { createApiHandler } from '../../../functions/handlers/api';
import type { Log } from '../../../functions/core/log';
import { httpEvent } from './http-event';
import { createWorld, HU_TH, SO_NV, submission } from './world';

const UPLOAD_ORIGIN = 'http://127.0.0.1:4569';

function setup() {
  const world = createWorld();
  const lines: string[] = [];
  const record = (level: string) => (message: string, ...extra: Array<Record<string, unknown>>) => void lines.push(`${level} ${message} ${JSON.stringify(extra)}`);
  const logger: Log = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  const handler = createApiHandler({ ...world, config: { ...world.config, uploadOrigin: UPLOAD_ORIGIN }, generateForm, logger });
  const call = async (...args: Parameters<typeof httpEvent>) => {
    const res = await handler(httpEvent(...args));
    return { ...res, json: () => JSON.parse(res.body ?? '') as Record<string, unknown> };
  };
  return { world, handler, call, lines };
}

const uploadBody = JSON.stringify({ formId: 'sap-xep-bo-may', period: '2019-Q1', fileName: 'Báo cáo.xlsx', size: 40_000 });

describe('API handler', () => {
  describe('GET /u/<token> (the unit page)', () => {
    it('renders the unit\'s Vietnamese page with its open reports, deadlines and statuses', async () => {
      const { world, call } = setup();

      const res = await call('GET', `/u/${world.tokenFor(SO_NV)}`);

      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('<html lang="vi">');
      expect(res.body).toContain('Sở Nội vụ');
      expect(res.body).toContain('Quý I năm 2019');
      expect(res.body).toContain('Tháng 3 năm 2019');
      expect(res.body).toContain('17:00 thứ Hai, 18/03/2019');
      expect(res.body).toContain('chưa nộp');
      expect(res.body).toContain('nộp muộn'); // 2018-Q4: deadline passed, nothing accepted
    });

    it('sends the security headers a page with a secret URL needs, allowing only itself and the upload endpoint', async () => {
      const { world, call } = setup();

      const res = await call('GET', `/u/${world.tokenFor(SO_NV)}`);

      expect(res.headers).toMatchObject({ 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
      const csp = res.headers['content-security-policy']!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain(`connect-src 'self' ${UPLOAD_ORIGIN}`);
      expect(csp).toContain(`form-action 'self' ${UPLOAD_ORIGIN}`);
      expect(res.body).not.toMatch(/<script>|<style>| style="| on[a-z]+="/); // nothing inline for the CSP to block
      expect(res.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // every asset from the app itself
    });

    it('opens the same page when a mail client added a trailing slash to the link', async () => {
      const { world, call } = setup();
      const res = await call('GET', `/u/${world.tokenFor(SO_NV)}/`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Sở Nội vụ');
    });

    it('shows a Vietnamese error page (401) for a revoked link', async () => {
      const { world, call } = setup();
      const token = world.tokenFor(SO_NV);
      await world.units.bumpKeyVersion('SO-NV');

      const res = await call('GET', `/u/${token}`);

      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('đã bị thu hồi');
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  describe('GET /api/me', () => {
    it('returns the unit and its reports with deadline and status', async () => {
      const { world, call } = setup();
      await world.submissions.createIfAbsent(submission({ unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1', status: 'rejected', receivedAt: '2019-02-28T01:00:00Z' }));

      const res = await call('GET', '/api/me', { bearer: world.tokenFor(SO_NV) });

      expect(res.statusCode).toBe(200);
      const body = res.json() as { unit: unknown; reports: Array<Record<string, unknown>> };
      expect(body.unit).toEqual({ code: 'SO-NV', name: 'Sở Nội vụ', type: 'so-nganh' });
      expect(body.reports).toContainEqual(expect.objectContaining({ formId: 'sap-xep-bo-may', period: '2019-Q1', deadline: '2019-03-18T10:00:00.000Z', status: 'rejected' }));
    });

    describe('401 with a stable code and a Vietnamese message', () => {
      it.each([
        ['missing', () => ({}), 'LINK_MISSING'],
        ['not a bearer token', () => ({ headers: { authorization: 'Basic abc' } }), 'LINK_MISSING'],
        ['invalid', () => ({ bearer: 'abc.def' }), 'LINK_INVALID'],
      ] as const)('when the token is %s', async (_name, options, code) => {
        const { call } = setup();
        const res = await call('GET', '/api/me', options());
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual({ code, message: expect.stringMatching(/đường dẫn|mã truy cập/i) });
      });

      it('when the token has expired', async () => {
        const { world, call } = setup();
        const token = world.tokenFor(SO_NV, { exp: Math.floor(Date.parse('2019-03-01T02:59:59Z') / 1000) });
        const res = await call('GET', '/api/me', { bearer: token });
        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({ code: 'LINK_EXPIRED', message: expect.stringContaining('hết hạn') });
      });

      it('when the link was revoked by bumping the unit\'s key version', async () => {
        const { world, call } = setup();
        const token = world.tokenFor(SO_NV);
        await world.units.bumpKeyVersion('SO-NV');
        const res = await call('GET', '/api/me', { bearer: token });
        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({ code: 'LINK_REVOKED' });
      });
    });
  });

  describe('GET /api/forms/<formId>/<period>', () => {
    it('returns the pre-filled workbook as base64 with a readable UTF-8 file name and an ASCII fallback', async () => {
      const { world, call } = setup();

      const res = await call('GET', '/api/forms/sap-xep-bo-may/2019-Q1', { bearer: world.tokenFor(SO_NV) });

      expect(res.statusCode).toBe(200);
      expect(res.isBase64Encoded).toBe(true);
      expect(Buffer.from(res.body!, 'base64').subarray(0, 2).toString()).toBe('PK');
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="Bao-cao-sap-xep-bo-may-2019-Q1-SO-NV.xlsx"; filename*=UTF-8''${encodeURIComponent('Sắp xếp tổ chức bộ máy, tinh giản biên chế - Quý I năm 2019 - Sở Nội vụ.xlsx')}`,
      );
    });

    it.each([
      ['an unknown form', '/api/forms/khong-co/2019-Q1', 'FORM_NOT_FOUND'],
      ['an unknown period', '/api/forms/sap-xep-bo-may/2019-Q9', 'PERIOD_NOT_FOUND'],
    ])('answers 404 for %s', async (_name, path, code) => {
      const { world, call } = setup();
      const res = await call('GET', path, { bearer: world.tokenFor(SO_NV) });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code });
    });

    it('serves the same workbook to the page\'s plain link, with the token in the path', async () => {
      const { world, call } = setup();
      const res = await call('GET', `/u/${world.tokenFor(SO_NV)}/forms/sap-xep-bo-may/2019-Q1`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toContain('Bao-cao-sap-xep-bo-may-2019-Q1-SO-NV.xlsx');
    });
  });

  describe('POST /api/uploads', () => {
    it('answers 201 with a presigned POST bound to this unit\'s key', async () => {
      const { world, call } = setup();

      const res = await call('POST', '/api/uploads', { bearer: world.tokenFor(SO_NV), body: uploadBody });

      expect(res.statusCode).toBe(201);
      const body = res.json() as { uploadId: string; fields: Record<string, string>; url: string; expiresAt: string };
      expect(body.fields['key']).toBe(`uploads/sap-xep-bo-may/2019-Q1/SO-NV/${body.uploadId}.xlsx`);
      expect(body).toMatchObject({ url: 'http://files.test/upload', expiresAt: '2019-03-01T03:15:00.000Z' });
    });

    it('accepts a base64-encoded body (API Gateway sends binary-safe bodies that way)', async () => {
      const { world, handler } = setup();
      const event = { ...httpEvent('POST', '/api/uploads', { bearer: world.tokenFor(SO_NV) }), body: Buffer.from(uploadBody).toString('base64'), isBase64Encoded: true };
      expect((await handler(event)).statusCode).toBe(201);
    });

    it.each([
      ['not JSON', '{"formId":', /JSON/],
      ['missing fields', JSON.stringify({ formId: 'sap-xep-bo-may' }), /Thiếu kỳ báo cáo.*Thiếu tên tệp/],
      ['a size that is not a number', JSON.stringify({ formId: 'sap-xep-bo-may', period: '2019-Q1', fileName: 'a.xlsx', size: '12' }), /Dung lượng tệp/],
    ])('answers 400 with a Vietnamese message for a body %s', async (_name, body, message) => {
      const { world, call } = setup();
      const res = await call('POST', '/api/uploads', { bearer: world.tokenFor(SO_NV), body });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ code: 'BODY_INVALID', message: expect.stringMatching(message) });
    });

    it('answers 413 when the declared size is over the limit', async () => {
      const { world, call } = setup();
      const res = await call('POST', '/api/uploads', { bearer: world.tokenFor(SO_NV), body: JSON.stringify({ ...JSON.parse(uploadBody), size: 6 * 1024 * 1024 }) });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'FILE_TOO_LARGE', message: expect.stringContaining('vượt quá mức cho phép 5 MB') });
    });

    it('answers 404 for an unknown form', async () => {
      const { world, call } = setup();
      const res = await call('POST', '/api/uploads', { bearer: world.tokenFor(SO_NV), body: JSON.stringify({ ...JSON.parse(uploadBody), formId: 'khong-co' }) });
      expect(res.statusCode).toBe(404);
    });

    it('answers 401 without a token, before reading the body', async () => {
      const { call } = setup();
      const res = await call('POST', '/api/uploads', { body: '{' });
      expect(res.statusCode).toBe(401);
    });
  });

  describe('GET /api/uploads/<uploadId>', () => {
    it('answers pending for a freshly issued upload, then the outcome once ingested', async () => {
      const { world, call } = setup();
      const token = world.tokenFor(SO_NV);
      const { uploadId } = (await call('POST', '/api/uploads', { bearer: token, body: uploadBody })).json() as { uploadId: string };

      const before = await call('GET', `/api/uploads/${uploadId}`, { bearer: token });
      await world.submissions.createIfAbsent(submission({ uploadId, unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1', status: 'rejected', errors: [{ code: 'X', severity: 'error', message: 'Ô D12 phải là số nguyên.', cell: 'D12' }], feedbackKey: `feedback/${uploadId}.xlsx` }));
      const after = await call('GET', `/api/uploads/${uploadId}`, { bearer: token });

      expect(before.json()).toMatchObject({ status: 'pending', errors: [], warnings: [] });
      expect(after.json()).toMatchObject({ status: 'rejected', errors: [{ cell: 'D12', message: 'Ô D12 phải là số nguyên.' }], feedbackUrl: expect.stringContaining('feedback') });
    });

    it('answers 403 for another unit\'s upload, pending or processed', async () => {
      const { world, call } = setup();
      const { uploadId } = (await call('POST', '/api/uploads', { bearer: world.tokenFor(HU_TH), body: uploadBody })).json() as { uploadId: string };

      const pending = await call('GET', `/api/uploads/${uploadId}`, { bearer: world.tokenFor(SO_NV) });
      await world.submissions.createIfAbsent(submission({ uploadId, unitCode: 'HU-TH', formId: 'sap-xep-bo-may', period: '2019-Q1' }));
      const processed = await call('GET', `/api/uploads/${uploadId}`, { bearer: world.tokenFor(SO_NV) });
      const feedback = await call('GET', `/api/uploads/${uploadId}/feedback`, { bearer: world.tokenFor(SO_NV) });

      expect([pending.statusCode, processed.statusCode, feedback.statusCode]).toEqual([403, 403, 403]);
      expect(processed.json()).toMatchObject({ code: 'UPLOAD_FORBIDDEN' });
    });

    it('answers 404 for an id never issued', async () => {
      const { world, call } = setup();
      const res = await call('GET', '/api/uploads/jsq000000-0000000000', { bearer: world.tokenFor(SO_NV) });
      expect(res.statusCode).toBe(404);
    });
  });

  describe('GET /api/uploads/<uploadId>/feedback', () => {
    it('redirects to a presigned download of the annotated workbook', async () => {
      const { world, call } = setup();
      await world.submissions.createIfAbsent(submission({ uploadId: 'jsq55555a-abcdefghij', unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1', status: 'rejected', feedbackKey: 'feedback/jsq55555a-abcdefghij.xlsx' }));

      const res = await call('GET', '/api/uploads/jsq55555a-abcdefghij/feedback', { bearer: world.tokenFor(SO_NV) });

      expect(res.statusCode).toBe(302);
      expect(res.headers['location']).toBe(`http://files.test/${encodeURIComponent('feedback/jsq55555a-abcdefghij.xlsx')}`);
    });
  });

  describe('assets and unknown routes', () => {
    it('serves the stylesheet and the script itself, cacheable', async () => {
      const { call } = setup();
      const css = await call('GET', '/assets/portal.css');
      const js = await call('GET', '/assets/portal.js');
      expect([css.statusCode, css.headers['content-type'], css.headers['cache-control']]).toEqual([200, 'text/css; charset=utf-8', 'public, max-age=86400']);
      expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(js.body).toContain('/api/uploads');
    });

    it('answers 404 and 405 in JSON for unknown routes and methods', async () => {
      const { call } = setup();
      expect((await call('GET', '/api/khong-co')).statusCode).toBe(404);
      expect((await call('DELETE', '/api/me')).statusCode).toBe(405);
    });
  });

  describe('failures and logs', () => {
    it('answers 500 with a generic Vietnamese message and no stack trace when a dependency fails, and logs it without the token', async () => {
      const { world, call, lines } = setup();
      jest.spyOn(world.submissions, 'listByUnit').mockRejectedValue(new Error('DynamoDB unavailable'));
      const token = world.tokenFor(SO_NV);

      const res = await call('GET', '/api/me', { bearer: token });
      const page = await call('GET', `/u/${token}`);

      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ code: 'INTERNAL_ERROR', message: expect.stringContaining('Hệ thống đang gặp sự cố') });
      expect(res.body).not.toContain('DynamoDB');
      expect(page.statusCode).toBe(500);
      expect(page.body).not.toMatch(/DynamoDB|at .*\.ts/);
      expect(lines.join('\n')).toContain('DynamoDB unavailable');
      expect(lines.join('\n')).not.toContain(token);
      expect(lines.join('\n')).not.toContain(token.split('.')[1]);
    });

    it('never writes a token to the logs, whatever the request', async () => {
      const { world, call, lines } = setup();
      const token = world.tokenFor(SO_NV);
      const revoked = world.tokenFor(HU_TH);
      await world.units.bumpKeyVersion('HU-TH');

      await call('GET', `/u/${token}`);
      await call('POST', '/api/uploads', { bearer: token, body: uploadBody });
      await call('GET', `/u/${revoked}`);
      await call('GET', `/u/${token}/forms/khong-co/2019-Q1`);

      expect(lines.length).toBeGreaterThan(2);
      for (const t of [token, revoked]) {
        expect(lines.join('\n')).not.toContain(t.split('.')[1]);
      }
    });

    it.each([
      ['//u/<t>', '//u/[token:'],
      ['/U/<t>', '/U/[token:'],
      ['/u//<t>', '/u//[token:'],
      ['/x/u/<t>', '/x/u/[token:'],
      ['/u%2F<t>', '/u%2F[token:'],
      ['/api/me/<t>', '/api/me/[token:'],
      ['/u/<t>/forms/khong-co', '/u/[token:'],
      ['/x/u/<%t>', '/x/u/[token:'],
    ])('logs the malformed path %s with its token redacted but its shape kept', async (shape, logged) => {
      const { world, call, lines } = setup();
      const token = world.tokenFor(SO_NV);
      // `<%t>`: the token with every character percent-encoded (a mail client's doing).
      const encoded = [...token].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');

      const res = await call('GET', shape.replace('<t>', token).replace('<%t>', encoded));

      expect(res.statusCode).toBe(404);
      const log = lines.join('\n');
      expect(log).toContain(logged);
      expect(log).not.toContain(token.split('.')[0]);
      expect(log).not.toContain(token.split('.')[1]);
      expect(log).not.toContain(encoded.slice(0, 60));
    });

    it('redacts a token carried in the message and stack of an unexpected error', async () => {
      const { world, call, lines } = setup();
      const token = world.tokenFor(SO_NV);
      jest.spyOn(world.submissions, 'listByUnit').mockRejectedValue(new TypeError(`Invalid URL: https://baocao.example.vn/u/${encodeURIComponent(token)}`));

      const res = await call('GET', `/u/${token}`);

      expect(res.statusCode).toBe(500);
      const log = lines.join('\n');
      expect(log).toContain('Invalid URL: https://baocao.example.vn/u/[token:');
      expect(log).not.toContain(token.split('.')[1]);
    });
  });
});
