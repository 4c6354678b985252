/**
 * The run-time catalog end to end over the real wire protocol: the S3 + DynamoDB form store
 * against s3rver and dynalite (bodies, conditional index writes, what readers trust), and
 * `npx tonghop forms publish|list|show|export|retire` as an operator runs them — a copy of an
 * existing form published under a new id, exported and re-published (a no-op), a conflicting
 * content refused, a new version applying from a later period, then retired — and `template`
 * working on the published form exactly as on a seed form.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDynamoDocumentClient, createS3Client } from '../../functions/adapters/aws-clients';
import { DynamoS3FormStore } from '../../functions/adapters/dynamo-s3-form-store';
import { S3ObjectStore } from '../../functions/adapters/s3-object-store';
import { DEFAULT_TEMPLATES_DIR } from '../../functions/core/forms/catalog';
import { createLiveFormCatalog } from '../../functions/core/forms/live-catalog';
import { silentLog } from '../../functions/core/log';
import { systemClock } from '../../functions/core/ports';
import { publishFormDefinition } from '../../functions/core/usecases/publish-form';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { runTonghop } from '../support/cli';
import { tempDirs } from '../support/temp-dirs';

jest.setTimeout(240_000);

const seed = () => JSON.parse(readFileSync(path.join(DEFAULT_TEMPLATES_DIR, 'bien-che-thang.v1.json'), 'utf8')) as Record<string, unknown>;
const thuNghiem = (changes: Record<string, unknown> = {}) => ({ ...seed(), id: 'thu-nghiem', name: 'Biểu mẫu thử nghiệm', ...changes });

describe('DynamoS3FormStore (dynalite + s3rver)', () => {
  let emulators: Emulators | undefined;
  let store: DynamoS3FormStore;
  let objects: S3ObjectStore;
  beforeAll(async () => {
    emulators = await startEmulators();
    const options = { region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials };
    objects = new S3ObjectStore({ client: createS3Client(options), bucket: emulators.bucketName });
    store = new DynamoS3FormStore({ client: createDynamoDocumentClient(options), tableName: emulators.tableName, objects });
  });
  afterAll(async () => {
    await emulators?.stop();
  });

  it('stores the body at forms/<id>/v<n>.json, indexes it once, and a live catalog reads it back', async () => {
    const deps = { forms: store, clock: systemClock };
    const first = await publishFormDefinition(deps, { raw: thuNghiem(), actor: 'cli:lan' });
    const again = await publishFormDefinition(deps, { raw: thuNghiem(), actor: 'cli:lan' });

    expect([first.outcome, again.outcome]).toEqual(['published', 'unchanged']);
    expect((await objects.get('forms/thu-nghiem/v1.json'))?.toString('utf8')).toContain('"id":"thu-nghiem"');
    const catalog = createLiveFormCatalog({ store, clock: systemClock, log: silentLog });
    await catalog.refresh();
    expect(catalog.require('thu-nghiem').name).toBe('Biểu mẫu thử nghiệm');
  });

  it('lets only one of two concurrent index writes of a version win', async () => {
    const entry = { formId: 'dong-thoi', version: 1, sha256: 'a'.repeat(64), publishedAt: '2026-12-02T00:00:00.000Z', publishedBy: 'cli:lan' };
    const results = await Promise.all([store.putVersion(entry), store.putVersion({ ...entry, sha256: 'b'.repeat(64) })]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.retire({ formId: 'dong-thoi', retiredAt: entry.publishedAt, retiredBy: 'cli:lan' })).toBe(true);
    expect(await store.retire({ formId: 'dong-thoi', retiredAt: entry.publishedAt, retiredBy: 'cli:minh' })).toBe(false);
    const index = await store.readIndex();
    expect(index.retirements).toEqual([{ formId: 'dong-thoi', retiredAt: entry.publishedAt, retiredBy: 'cli:lan' }]);
  });

  it('ignores a body that was written but never indexed (a publish that lost its index write)', async () => {
    await store.writeBody('mo-coi', 1, JSON.stringify(thuNghiem({ id: 'mo-coi' })));
    const catalog = createLiveFormCatalog({ store, clock: systemClock, log: silentLog });
    await catalog.refresh();
    expect(catalog.get('mo-coi')).toBeUndefined();
  });
});

describe('tonghop forms publish | list | show | export | retire', () => {
  const tempDir = tempDirs('tonghop-forms-publish-');
  let work: string;
  let env: Record<string, string>;
  beforeAll(() => {
    work = tempDir();
    env = { TONGHOP_DATA_DIR: path.join(work, 'data') };
  });
  const file = (name: string, content: unknown) => {
    const p = path.join(work, name);
    writeFileSync(p, JSON.stringify(content));
    return p;
  };

  it('publishes a new form, lists, shows and exports it; the export publishes as a no-op; other content is refused', async () => {
    const published = await runTonghop(['forms', 'publish', file('thu-nghiem.json', thuNghiem({ ghiChu: 'bị bỏ qua' }))], env);
    expect(published.code).toBe(0);
    expect(published.stdout).toContain('Đã phát hành biểu mẫu thu-nghiem phiên bản 1');

    const list = await runTonghop(['forms', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const entries = JSON.parse(list.stdout) as Array<{ id: string; versions: Array<{ publishedBy: string }>; retired: unknown }>;
    // The seed forms are there too (published on first use of the data dir), by `seed`.
    expect(entries.map((e) => e.id)).toEqual(['bien-che-thang', 'sap-xep-bo-may', 'thu-nghiem']);
    expect(entries[0]!.versions[0]!.publishedBy).toBe('seed');
    expect(entries[2]).toEqual(expect.objectContaining({ retired: null, versions: [expect.objectContaining({ version: 1, publishedBy: expect.stringMatching(/^cli:/) })] }));

    const show = await runTonghop(['forms', 'show', 'thu-nghiem'], env);
    expect(show.stdout).toContain('thu-nghiem phiên bản 1 — Biểu mẫu thử nghiệm');
    // A form new to the system applies from the period units are reporting on now (earlier periods are not due).
    expect(show.stdout).toMatch(/Áp dụng: từ kỳ \d{4}-\d{2}\n/);

    const out = path.join(work, 'export.json');
    expect((await runTonghop(['forms', 'export', 'thu-nghiem', '--format', 'json', '--out', out], env)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toContain('ghiChu');
    const republished = await runTonghop(['forms', 'publish', out, '--json'], env);
    expect(republished.code).toBe(0);
    expect(JSON.parse(republished.stdout)).toEqual(expect.objectContaining({ outcome: 'unchanged', formId: 'thu-nghiem', version: 1 }));

    const conflict = await runTonghop(['forms', 'publish', file('doi-ten.json', thuNghiem({ name: 'Tên khác' }))], env);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('đã được phát hành với nội dung khác');

    // The definition workbook export publishes as a no-op too (the calendar's days are not copied into it).
    const xlsx = await runTonghop(['forms', 'export', 'thu-nghiem', '--format', 'xlsx', '--out', path.join(work, 'x.xlsx')], env);
    expect(xlsx.code).toBe(0);
    expect((await runTonghop(['forms', 'publish', path.join(work, 'x.xlsx')], env)).stdout).toContain('đã được phát hành với đúng nội dung này: không thay đổi gì');
  });

  it('applies a new version from its effective period: the template for an earlier period keeps the old version', async () => {
    const v2 = await runTonghop(['forms', 'publish', file('v2.json', thuNghiem({ version: 2, name: 'Biểu mẫu thử nghiệm (2027)' })), '--effective-from', '2027-01'], env);
    expect(v2.code).toBe(0);
    expect(v2.stdout).toContain('áp dụng từ kỳ 2027-01');

    const before = await runTonghop(['template', 'thu-nghiem', '--unit', 'SO-YT', '--period', '2026-12', '--out', path.join(work, 'a.xlsx')], env);
    const after = await runTonghop(['template', 'thu-nghiem', '--unit', 'SO-YT', '--period', '2027-02', '--out', path.join(work, 'b.xlsx')], env);
    expect(before.stdout).toContain('Biểu mẫu thử nghiệm, Sở Y tế, Tháng 12 năm 2026');
    expect(after.stdout).toContain('Biểu mẫu thử nghiệm (2027), Sở Y tế, Tháng 2 năm 2027');
    const describe = await runTonghop(['template', 'thu-nghiem', '--describe', '--json'], env);
    expect(JSON.parse(describe.stdout)).toEqual(expect.objectContaining({ formId: 'thu-nghiem', version: 2 }));
  });

  it('retires the form (audited), keeps it listed as retired, and refuses a bad effective period or an unknown form', async () => {
    const retired = await runTonghop(['forms', 'retire', 'thu-nghiem'], env);
    expect(retired.code).toBe(0);
    expect(retired.stdout).toContain('Đã ngừng sử dụng biểu mẫu thu-nghiem');
    const list = await runTonghop(['forms', 'list'], env);
    expect(list.stdout).toMatch(/thu-nghiem\tBiểu mẫu thử nghiệm \(2027\)\ttháng\tv1 \(từ \d{4}-\d{2}\), v2 \(từ 2027-01\)\tngừng sử dụng từ \d{4}-\d{2}-\d{2}/);

    const audit = await runTonghop(['audit', 'list', '--json'], env);
    const actions = (JSON.parse(audit.stdout) as Array<{ action: string; target: string; actor: string }>).map((e) => `${e.action} ${e.target}`);
    expect(actions).toEqual(expect.arrayContaining(['forms.publish thu-nghiem/v1', 'forms.publish thu-nghiem/v2', 'forms.retire thu-nghiem']));

    const badPeriod = await runTonghop(['forms', 'publish', file('v3.json', { ...seed(), version: 2 }), '--effective-from', '2027-Q1'], env);
    expect(badPeriod.code).toBe(1);
    expect(badPeriod.stderr).toContain('không phải kỳ tháng');
    const unknown = await runTonghop(['forms', 'show', 'khong-co'], env);
    expect(unknown.code).toBe(1);
    expect((await runTonghop(['forms', 'publish'], env)).code).toBe(2);
  });
});
