/**
 * `TONGHOP_SAMPLE=2025`: the embedded runtime seeds today's two-tier province (its own unit
 * types, 100 commune committees) on the first start of an empty data dir, and the seed forms
 * (which name the 2019 `huyen` type) still load, download, accept uploads and consolidate.
 */
import ExcelJS from 'exceljs';
import { signLinkToken } from '../../functions/core/links';
import { consolidateReport } from '../../functions/core/usecases/consolidate-report';
import { openPeriod } from '../../functions/core/periods';
import { useCaseDeps } from '../../infra/cli/commands/consolidate';
import { silentLog } from '../../infra/local/compose';
import { loadLocalConfig } from '../../infra/local/config';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { SAMPLE_PROVINCE_2025, UNIT_TYPES_2025 } from '../../infra/local/sample-province';
import { fillForm, sampleValues } from '../support/forms';
import { tempDirs } from '../support/temp-dirs';
import { putIssuedUpload } from '../support/uploads';

jest.setTimeout(180_000);

const newDataDir = tempDirs('tonghop-2025-');
const FORM = 'sap-xep-bo-may';

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('TONGHOP_SAMPLE', () => {
  it('is 2019 unless set, accepts 2025, and refuses anything else naming the variable', () => {
    expect(loadLocalConfig({}, '/tmp').sample).toBe('2019');
    expect(loadLocalConfig({ TONGHOP_SAMPLE: '2025' }, '/tmp').sample).toBe('2025');
    expect(() => loadLocalConfig({ TONGHOP_SAMPLE: '2030' }, '/tmp')).toThrow(/TONGHOP_SAMPLE: phải là một trong: 2019, 2025/);
  });
});

describe('local runtime with the 2025 sample province', () => {
  let runtime: LocalRuntime | undefined;
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  it('seeds the two-tier province and its types, serves a commune committee its form, accepts its report and consolidates by the 2025 types', async () => {
    runtime = await startLocalRuntime({ port: 0, dataDir: newDataDir(), log: silentLog, sample: '2025', ingestBackoffMs: 10 });
    const commune = SAMPLE_PROVINCE_2025.find((u) => u.type === 'dang-uy-xa')!;
    const form = runtime.catalog.require(FORM);
    const period = openPeriod(form, new Date());

    // Seeded: units, and the registry the catalog was built with.
    expect(runtime.seeded).toBe(true);
    expect(await runtime.deps.units.list()).toHaveLength(SAMPLE_PROVINCE_2025.length);
    expect((await runtime.deps.unitTypeStore.read())?.types.map((t) => t.code)).toEqual(UNIT_TYPES_2025.map((t) => t.code));
    expect(runtime.catalog.unitTypes.offered().map((t) => t.code)).toEqual(['ban-dang', 'so-nganh', 'mttq-doan-the', 'dang-uy-truc-thuoc', 'dang-uy-xa']);

    // The commune committee's page names its type and lets it download the form.
    const { current } = await runtime.deps.secrets.getLinkKeys();
    const token = signLinkToken(current, { u: commune.code, v: 1, exp: Math.floor(Date.now() / 1000) + 3600 });
    const page = await fetch(`${runtime.url}/u/${token}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain(commune.name);
    expect(html).toContain('Đảng ủy xã, phường, đặc khu');
    const download = await fetch(`${runtime.url}/u/${token}/forms/${FORM}/${period}`);
    expect(download.status).toBe(200);
    const blank = Buffer.from(await download.arrayBuffer());

    // Filled and uploaded, it is accepted (section D, for the legacy huyen type, is not on its form).
    const bytes = await fillForm(blank, sampleValues(form, commune.type, 5));
    const { uploadId } = await putIssuedUpload(runtime.deps.files, { formId: FORM, period, unitCode: commune.code, bytes });
    await waitFor(async () => (await runtime!.deps.submissions.get(uploadId))?.status !== undefined && (await runtime!.deps.submissions.get(uploadId))?.status !== 'pending');
    expect((await runtime.deps.submissions.get(uploadId))?.status).toBe('accepted');

    // Consolidated: every unit expected, the by-type sheet in the 2025 order, no column for the legacy type.
    const result = await consolidateReport(await useCaseDeps(runtime.deps.handlers.consolidate), { formId: FORM, period, send: false });
    expect(result).toMatchObject({ unitsReported: 1, unitsExpected: SAMPLE_PROVINCE_2025.length });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(result.workbook as unknown as ExcelJS.Buffer);
    const rows: unknown[][] = [];
    wb.getWorksheet('Theo loại đơn vị')!.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    expect(rows.find((r) => r[0] === 'Mã số')!.slice(3)).toEqual(['Các ban đảng, Văn phòng Tỉnh ủy', 'Sở, ban, ngành', 'MTTQ và các đoàn thể', 'Đảng ủy trực thuộc', 'Đảng ủy xã, phường, đặc khu', 'Toàn tỉnh']);
    expect(rows.find((r) => r[1] === 'Số đơn vị đã báo cáo')!.slice(7)).toEqual(['1/100', `1/${SAMPLE_PROVINCE_2025.length}`]);
  });

  it('keeps the saved types across a restart, and a used data dir is not reseeded by another TONGHOP_SAMPLE', async () => {
    const dataDir = newDataDir();
    runtime = await startLocalRuntime({ port: 0, dataDir, log: silentLog });
    expect(await runtime.deps.unitTypeStore.read()).toBeUndefined();
    await runtime.stop();

    runtime = await startLocalRuntime({ port: 0, dataDir, log: silentLog, sample: '2025' });

    expect(runtime.seeded).toBe(false);
    expect(await runtime.deps.unitTypeStore.read()).toBeUndefined();
    expect(runtime.catalog.unitTypes.has('dang-uy-xa')).toBe(false);
    expect((await runtime.deps.units.list()).some((u) => u.type === 'huyen')).toBe(true);
  });
});
