/** The catalog: every definition file, all versions, checked at load; describe publishes the cell map. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_TEMPLATES_DIR, describeForm, loadFormCatalog } from '../../../functions/core/forms';

describe('loadFormCatalog', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'tonghop-catalog-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const form1 = () => JSON.parse(readFileSync(path.join(DEFAULT_TEMPLATES_DIR, 'sap-xep-bo-may.v1.json'), 'utf8'));

  it('loads both forms of the domain from templates/', async () => {
    const catalog = await loadFormCatalog();
    expect(catalog.list().map((f) => [f.id, f.version, f.periodType])).toEqual([
      ['bien-che-thang', 1, 'month'],
      ['sap-xep-bo-may', 1, 'quarter'],
    ]);
  });

  it('keeps every version: latest by default, older on request; unknown is undefined or NotFoundError', async () => {
    writeFileSync(path.join(dir, 'a.v1.json'), JSON.stringify(form1()));
    writeFileSync(path.join(dir, 'a.v2.json'), JSON.stringify({ ...form1(), version: 2 }));
    const catalog = await loadFormCatalog(dir);
    expect(catalog.get('sap-xep-bo-may')?.version).toBe(2);
    expect(catalog.get('sap-xep-bo-may', 1)?.version).toBe(1);
    expect(catalog.get('nope')).toBeUndefined();
    expect(() => catalog.require('sap-xep-bo-may', 7)).toThrow(expect.objectContaining({ code: 'FORM_NOT_FOUND', statusCode: 404 }));
  });

  it('refuses a definition whose rule names a field the form does not have, naming the file', async () => {
    expect.assertions(1);
    const bad = form1();
    bad.rules.push({ id: 'x', kind: 'compare', severity: 'error', left: ['99.truoc'], op: 'eq', right: ['01.truoc'], message: 'x' });
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(bad));
    await expect(loadFormCatalog(dir)).rejects.toThrow(/bad\.json is invalid[\s\S]*rules\[\d+\] \(x\): Quy tắc nêu trường không có trong biểu mẫu: "99\.truoc"/);
  });

  it('refuses an invalid definition with a readable message naming the file', async () => {
    expect.assertions(1);
    writeFileSync(path.join(dir, 'broken.json'), JSON.stringify({ ...form1(), periodType: 'week' }));
    await expect(loadFormCatalog(dir)).rejects.toThrow(/broken\.json is invalid[\s\S]*periodType/);
  });
});

describe('describeForm', () => {
  it('gives the exact cell map for a unit type, header fields included', async () => {
    const form = (await loadFormCatalog()).require('sap-xep-bo-may');
    const d = describeForm(form, 'so-nganh');
    expect(Object.keys(d)).toEqual(['formId', 'version', 'title', 'fields', 'tables']);
    expect(d.fields[0]).toEqual({ key: '01.truoc', label: '01. Tổng số đầu mối trực thuộc — Trước sắp xếp', type: 'whole', required: true, sheet: 'Báo cáo', cell: 'C11' });
    expect(d.fields.map((f) => f.key)).toEqual(expect.arrayContaining(['header.nguoi_lap', 'header.dien_thoai', 'header.ngay_lap', 'header.thu_truong', '25.noi_dung']));
    expect(d.fields.some((f) => f.key.startsWith('18.'))).toBe(false);
  });

  it('without a unit type, lists section D fields with the unit types that fill them', async () => {
    const d = describeForm((await loadFormCatalog()).require('sap-xep-bo-may'));
    expect(d.fields.find((f) => f.key === '18.truoc')).toEqual(expect.objectContaining({ unitTypes: ['huyen'] }));
  });
});
