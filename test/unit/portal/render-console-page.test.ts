/**
 * "Tình hình nộp báo cáo" as the console renders it from the status use case over the portal's
 * in-memory world: rows, counts, badges, the filter controls, and what a hostile unit name becomes.
 */
import type { Unit } from '../../../functions/core/model';
import { deadlineFor } from '../../../functions/core/periods';
import { formStatus, type FormStatusInput } from '../../../functions/core/usecases/form-status';
import { renderConsoleStatusPage } from '../../../functions/portal/render-console-page';
import { createWorld, HU_TH, SO_NV, submission } from './world';

const HOSTILE: Unit = { code: 'SO-XSS', name: '<img src=x onerror=alert(1)>"Sở\' & co', type: 'so-nganh', emails: ['x@example.vn'], active: true, keyVersion: 1 };
const operator = { name: 'Nguyễn Văn <b>An</b>', email: 'an@tinhuy.example.vn', role: 'operator' as const, csrfToken: 'csrf-token-of-the-session' };

async function render(filters: Omit<FormStatusInput, 'formId' | 'period'> = {}) {
  const world = createWorld();
  await world.units.putMany([HOSTILE]);
  // SO-NV on time; SO-XSS accepted after the 2019-Q1 deadline (nộp muộn); HU-TH refused.
  await world.submissions.createIfAbsent(submission({ unitCode: SO_NV.code, formId: 'sap-xep-bo-may', period: '2019-Q1', version: 1, receivedAt: '2019-02-20T02:05:00.000Z', warnings: [{ code: 'W', message: 'w' } as never] }));
  const lateAt = new Date(deadlineFor(world.catalog.require('sap-xep-bo-may'), 'so-nganh', '2019-Q1').getTime() + 3_600_000).toISOString();
  await world.submissions.createIfAbsent(submission({ unitCode: HOSTILE.code, formId: 'sap-xep-bo-may', period: '2019-Q1', version: 1, receivedAt: lateAt }));
  await world.submissions.createIfAbsent(submission({ unitCode: HU_TH.code, formId: 'sap-xep-bo-may', period: '2019-Q1', version: 1, status: 'rejected', receivedAt: '2019-02-21T01:00:00.000Z' }));
  const status = await formStatus({ forms: world.catalog, units: world.units, submissions: world.submissions, reviews: world.reviews, clock: world.clock }, { formId: 'sap-xep-bo-may', period: '2019-Q1', ...filters });
  return renderConsoleStatusPage({
    operator,
    forms: world.catalog.list().map((f) => ({ id: f.id, name: f.name })),
    periods: [{ id: '2019-Q1', label: 'Quý I năm 2019' }, { id: '2018-Q4', label: 'Quý IV năm 2018' }],
    status,
    filters: { type: filters.type, status: filters.status, search: filters.search },
  });
}

/** The visible text of the row of `code`, cell by cell. */
function rowCells(html: string, code: string): string[] {
  const row = new RegExp(`<tr data-code="${code}">(.*?)</tr>`).exec(html)?.[1];
  if (!row) throw new Error(`no row ${code}`);
  return [...row.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
}
const count = (html: string, key: string) => new RegExp(`data-count="${key}">(\\d+)<`).exec(html)?.[1];

describe('renderConsoleStatusPage', () => {
  it('shows one row per unit: code, name, type, deadline, status, uploads, last upload (dd/mm/yyyy hh:mm) and warnings', async () => {
    const html = await render();
    expect(html).toContain('<h2>Tình hình nộp báo cáo</h2>');
    // The first cell is the bulk approval's box (an operator's page), then the "Duyệt" column after the status.
    expect(rowCells(html, SO_NV.code)).toEqual(['', SO_NV.code, SO_NV.name, 'Sở, ban, ngành', expect.stringMatching(/^\d{2}\/\d{2}\/2019 17:00$/), 'đã nộp', 'chờ duyệt', '1', '20/02/2019 09:05', '1 cảnh báo số liệu']);
    expect(rowCells(html, HU_TH.code)).toEqual(['', HU_TH.code, HU_TH.name, 'Huyện ủy, thị ủy, thành ủy', expect.any(String), 'bị từ chối', '—', '1', '21/02/2019 08:00', expect.any(String)]);
  });

  it('gives each status the unit page\'s badge, and "nộp muộn" to a report accepted after the deadline', async () => {
    const html = await render();
    expect(html).toContain(`<tr data-code="${SO_NV.code}">`);
    expect(/<tr data-code="SO-NV">.*?<span class="badge badge-accepted">đã nộp<\/span>/.test(html)).toBe(true);
    expect(/<tr data-code="HU-TH">.*?<span class="badge badge-rejected">bị từ chối<\/span>/.test(html)).toBe(true);
    expect(/<tr data-code="SO-XSS">.*?<span class="badge badge-late">nộp muộn<\/span>/.test(html)).toBe(true);
  });

  it('counts units by status (with nộp muộn), by review state, and by unit type, over every unit whatever the filters', async () => {
    const html = await render({ type: 'huyen' });
    expect([count(html, 'total'), count(html, 'chua-nop'), count(html, 'dang-xu-ly'), count(html, 'da-nop'), count(html, 'bi-tu-choi'), count(html, 'nop-muon')]).toEqual(['3', '0', '0', '2', '1', '1']);
    const soNganh = /<tr data-type="so-nganh">(.*?)<\/tr>/.exec(html)![1]!;
    expect([...soNganh.matchAll(/data-count="([a-z-]+)">(\d+)</g)].map((m) => `${m[1]}=${m[2]}`)).toEqual(['total=2', 'chua-nop=0', 'dang-xu-ly=0', 'da-nop=2', 'bi-tu-choi=0', 'nop-muon=1', 'cho-duyet=2', 'da-duyet=0', 'tra-lai=0']);
    // The filter keeps the rows of the type asked for.
    expect(html).toContain(`<tr data-code="${HU_TH.code}">`);
    expect(html).not.toContain(`<tr data-code="${SO_NV.code}">`);
  });

  it('works without script: a GET form with the form, period, type, status and search, echoing what was asked', async () => {
    const html = await render({ status: 'bi-tu-choi', search: '"><script>x</script>' });
    expect(html).toMatch(/<form class="filters" method="get" action="\/quan-tri\/">/);
    expect(html).toContain('<option value="sap-xep-bo-may" selected>');
    expect(html).toContain('<option value="2019-Q1" selected>Quý I năm 2019</option>');
    expect(html).toContain('<option value="bi-tu-choi" selected>bị từ chối</option>');
    expect(html).toContain('name="search"');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(html).toContain('Không có đơn vị nào khớp bộ lọc.');
  });

  it('escapes a hostile unit name and the operator\'s name, and loads only its own scripts (no inline script)', async () => {
    const html = await render();
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>An</b>');
    expect(rowCells(html, HOSTILE.code)[2]).toBe('&lt;img src=x onerror=alert(1)&gt;&quot;Sở&#39; &amp; co');
    expect(html).toMatch(/<script src="\/assets\/console\.js\?v=[0-9a-f]{10}" defer><\/script>/);
    expect(html).not.toMatch(/<script>|<style>| style="| on[a-z]+="/);
  });
});
