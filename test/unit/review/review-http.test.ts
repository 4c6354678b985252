/**
 * What a unit meets over HTTP once Ban Tổ chức reviewed or locked: the portal's API refuses an
 * upload in a locked period with 409 PERIOD_LOCKED, and the unit's page shows a return.
 */
import { generateForm } from '../../../functions/core/forms';
import type { Log } from '../../../functions/core/log';
import { lockPeriod } from '../../../functions/core/usecases/period-locks';
import { reviewSubmission } from '../../../functions/core/usecases/review-submission';
import { createApiHandler } from '../../../functions/handlers/api';
import { InMemoryAuditLog, RecordingMailer } from '../../support/in-memory';
import { httpEvent } from '../portal/http-event';
import { createWorld, HU_TH, SO_NV, submission } from '../portal/world';

const silent: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const uploadBody = JSON.stringify({ formId: 'sap-xep-bo-may', period: '2019-Q1', fileName: 'Báo cáo.xlsx', size: 40_000 });
const operator = { id: 'lan@tinhuy.example.vn', role: 'operator' as const };

function setup() {
  const world = createWorld();
  const handler = createApiHandler({ ...world, generateForm, logger: silent });
  const deps = { ...world, audit: new InMemoryAuditLog(), mailer: new RecordingMailer(), portalUrl: world.config.portalUrl, mail: { from: 'tonghop@tinhuy.example.vn' } };
  return { world, handler, deps };
}

describe('portal under review and locks', () => {
  it('answers POST /api/uploads in a locked period with 409 PERIOD_LOCKED and a Vietnamese message', async () => {
    const { world, handler, deps } = setup();
    await lockPeriod(deps, { formId: 'sap-xep-bo-may', period: '2019-Q1', actor: operator });

    const res = await handler(httpEvent('POST', '/api/uploads', { bearer: world.tokenFor(SO_NV), body: uploadBody }));
    const other = await handler(httpEvent('POST', '/api/uploads', { bearer: world.tokenFor(HU_TH), body: JSON.stringify({ ...JSON.parse(uploadBody), formId: 'bien-che-thang', period: '2019-03' }) }));

    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body ?? '')).toEqual({ code: 'PERIOD_LOCKED', message: expect.stringContaining('đã khóa từ 10:00 ngày 01/03/2019') });
    expect(JSON.parse(res.body ?? '').message).toContain('Ban Tổ chức Tỉnh ủy');
    expect(other.statusCode).toBe(201); // another form's period stays open
    const me = JSON.parse((await handler(httpEvent('GET', '/api/me', { bearer: world.tokenFor(SO_NV) }))).body ?? '') as { reports: Array<{ formId: string; period: string; locked?: unknown }> };
    expect(me.reports.filter((r) => r.locked).map((r) => `${r.formId} ${r.period}`)).toEqual(['sap-xep-bo-may 2019-Q1']);
    const page = await handler(httpEvent('GET', `/u/${world.tokenFor(SO_NV)}`));
    expect(page.body).toContain('<strong>Kỳ báo cáo đã khóa từ');
  });

  it('shows a returned report as "trả lại" with the comment on the unit\'s page and in /api/me', async () => {
    const { world, handler, deps } = setup();
    const s = submission({ unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1' });
    await world.submissions.createIfAbsent(s);
    await reviewSubmission(deps, { uploadId: s.uploadId, action: 'return', comment: 'Đề nghị giải trình mã số 07.', actor: operator });

    const page = await handler(httpEvent('GET', `/u/${world.tokenFor(SO_NV)}`));
    const me = JSON.parse((await handler(httpEvent('GET', '/api/me', { bearer: world.tokenFor(SO_NV) }))).body ?? '') as { reports: Array<{ period: string; status: string; review?: { comment?: string } }> };

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<span class="badge badge-returned">trả lại</span>');
    expect(page.body).toContain('Đề nghị giải trình mã số 07.');
    expect(me.reports.find((r) => r.period === '2019-Q1')).toMatchObject({ status: 'returned', review: { comment: 'Đề nghị giải trình mã số 07.' } });
  });
});
