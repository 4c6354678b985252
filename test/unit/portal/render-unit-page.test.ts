import { renderMessagePage, renderUnitPage } from '../../../functions/portal/render-unit-page';
import type { UnitReport } from '../../../functions/core/usecases/list-unit-reports';
import { SO_NV } from './world';

const report: UnitReport = {
  formId: 'sap-xep-bo-may', formName: 'Sắp xếp tổ chức bộ máy, tinh giản biên chế', period: '2019-Q2', periodLabel: '6 tháng đầu năm 2019',
  deadline: '2019-06-17T10:00:00.000Z', status: 'not_submitted', overdue: false,
};

const render = (over: Partial<Parameters<typeof renderUnitPage>[0]> = {}) =>
  renderUnitPage({ unit: SO_NV, token: 'tok.en', reports: [report], history: [], maxUploadBytes: 5 * 1024 * 1024, linkExpiresAt: new Date('2019-07-17T10:00:00Z'), ...over });

describe('renderUnitPage', () => {
  it('names the period as people say it and the deadline with its weekday, in Hà Nội time', () => {
    const html = render();
    expect(html).toContain('6 tháng đầu năm 2019');
    expect(html).toContain('17:00 thứ Hai, 17/06/2019');
  });

  it('escapes names coming from the registry and from uploads', () => {
    const html = render({
      unit: { ...SO_NV, name: '<script>alert(1)</script>' },
      history: [{ uploadId: 'jsq000000-0000000000', formId: 'sap-xep-bo-may', formName: 'F', period: '2019-Q2', periodLabel: 'x', status: 'rejected', receivedAt: '2019-06-01T00:00:00Z', fileName: '"><img src=x onerror=alert(1)>.xlsx', late: false, errorCount: 1, warningCount: 0, hasFeedback: true }],
    });
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('tells the page script which status an accepted report gives the card, so a later refusal keeps it', () => {
    const onTime = render({ reports: [{ ...report, status: 'accepted', accepted: { uploadId: 'u1', receivedAt: '2019-06-01T00:00:00Z', version: 1, late: false } }] });
    const late = render({ reports: [{ ...report, status: 'late', accepted: { uploadId: 'u1', receivedAt: '2019-06-20T00:00:00Z', version: 1, late: true } }] });

    expect(onTime).toContain('data-accepted-status="accepted"');
    expect(late).toContain('data-accepted-status="late"');
    expect(render()).not.toContain('data-accepted-status');
  });

  it('gives every upload control a label and makes the drop zone a button', () => {
    const html = render();
    expect(html).toMatch(/<label class="visually-hidden" for="file-sap-xep-bo-may-2019-Q2">Chọn tệp báo cáo/);
    expect(html).toContain('<button type="button" class="dropzone"');
    expect(html).toContain('role="status" aria-live="polite"');
  });

  it('links the form download and past feedback through the unit\'s own path', () => {
    const html = render({ history: [{ uploadId: 'jsq000000-0000000000', formId: 'sap-xep-bo-may', formName: 'F', period: '2019-Q2', periodLabel: 'x', status: 'rejected', receivedAt: '2019-06-01T00:00:00Z', late: false, errorCount: 2, warningCount: 0, hasFeedback: true }] });
    expect(html).toContain('href="/u/tok.en/forms/sap-xep-bo-may/2019-Q2" download');
    expect(html).toContain('href="/u/tok.en/uploads/jsq000000-0000000000/feedback"');
    expect(html).toContain('(2 lỗi)');
  });
});

describe('renderMessagePage', () => {
  it('renders a Vietnamese page with the stable code', () => {
    const html = renderMessagePage({ title: 'Không mở được đường dẫn', message: 'Đường dẫn đã hết hạn.', code: 'LINK_EXPIRED' });
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('Mã lỗi: LINK_EXPIRED');
  });
});
