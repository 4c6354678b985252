/**
 * `tonghop operators add|list|remove|link` on a local data dir, and the audit log every operator
 * CLI action writes (operators, units import/revoke, links rotate-key, submissions upload,
 * consolidate --send): the actor is the OS user, and no token or secret is stored.
 */
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { AuditEntry } from '../../functions/core/operators/model';
import { redeemSignIn } from '../../functions/core/operators/sign-in';
import { ingestUpload } from '../../functions/core/usecases/ingest-upload';
import { command as consolidate } from '../../infra/cli/commands/consolidate';
import { command as links } from '../../infra/cli/commands/links';
import { command as operators } from '../../infra/cli/commands/operators';
import { command as submissions } from '../../infra/cli/commands/submissions';
import { command as units } from '../../infra/cli/commands/units';
import { withLocalDeps } from '../../infra/cli/context';
import { silentLog } from '../../infra/local/compose';
import { ensureLocalLinkKeys } from '../../infra/local/local-secrets';
import { runCli as run, seedDataDir, tempDataDir } from '../support/cli';
import { FORM_ID, unitOf, uploadFor, workbookFor } from '../unit/ingest/support';

jest.setTimeout(180_000);

const PERIOD = '2019-Q1';
const actor = `cli:${userInfo().username}`;

describe('tonghop operators (local target)', () => {
  let temp: ReturnType<typeof tempDataDir> | undefined;
  let dataDir: string;

  beforeAll(async () => {
    temp = tempDataDir();
    dataDir = temp.dir;
    await seedDataDir(dataDir, async (deps) => {
      const reporting = unitOf('SO-YTE', 'so-nganh', 'Sở Y tế');
      await deps.units.putMany([reporting]);
      const { bytes } = await workbookFor(reporting, PERIOD, { seed: 3 });
      const { key } = await uploadFor(deps.files, reporting.code, PERIOD, bytes, { at: '2019-03-12T02:00:00.000Z' });
      await ingestUpload(deps, { bucketKey: key, eventTime: '2019-03-12T02:00:00.000Z', size: bytes.length });
    });
  });
  afterAll(() => temp?.remove());

  const auditEntries = () =>
    withLocalDeps((deps) => deps.audit.list({ from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000), limit: 200 }), { log: silentLog });
  const lastOf = (entries: AuditEntry[], action: string) => entries.find((e) => e.action === action);

  it('adds, lists, refuses the last admin’s removal, removes, and prints a sign-in URL whose token redeems once', async () => {
    const added = await run(operators, ['add', '--email', 'QuanTri@Tinh.vn', '--name', 'Quản trị', '--role', 'admin']);
    expect(added).toMatchObject({ code: 0 });
    expect(added.out).toContain('quantri@tinh.vn');
    expect((await run(operators, ['add', '--email', 'quantri@tinh.vn', '--name', 'X', '--role', 'viewer'])).code).toBe(1);
    expect((await run(operators, ['add', '--email', 'not-an-email', '--name', 'X', '--role', 'viewer'])).code).toBe(1);
    expect((await run(operators, ['add', '--email', 'a@tinh.vn'])).code).toBe(2);
    expect((await run(operators, ['add', '--email', 'canbo@tinh.vn', '--name', 'Cán bộ', '--role', 'operator'])).code).toBe(0);

    const listed = await run(operators, ['list', '--json']);
    expect((JSON.parse(listed.out) as Array<{ email: string; role: string }>).map((o) => [o.email, o.role])).toEqual([['canbo@tinh.vn', 'operator'], ['quantri@tinh.vn', 'admin']]);

    const refused = await run(operators, ['remove', '--email', 'quantri@tinh.vn']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('quản trị viên cuối cùng');
    expect((await run(operators, ['remove', '--email', 'canbo@tinh.vn'])).code).toBe(0);

    const link = await run(operators, ['link', '--email', 'quantri@tinh.vn', '--json']);
    expect(link.code).toBe(0);
    const { url } = JSON.parse(link.out) as { url: string };
    const token = url.split('/').at(-1) ?? '';
    expect(url).toBe(`http://localhost:${process.env.PORT ?? 3000}/quan-tri/sign-in/${token}`);
    const redeem = (t: string) => withLocalDeps((deps) => redeemSignIn(deps, t), { log: silentLog });
    await expect(redeem(token)).resolves.toMatchObject({ email: 'quantri@tinh.vn', role: 'admin' });
    await expect(redeem(token)).rejects.toMatchObject({ code: 'SIGNIN_USED' });

    const entries = await auditEntries();
    expect(lastOf(entries, 'operator.add')).toMatchObject({ actor, target: 'canbo@tinh.vn', after: { role: 'operator', active: true } });
    expect(lastOf(entries, 'operator.remove')).toMatchObject({ actor, target: 'canbo@tinh.vn', before: { active: true }, after: { active: false } });
    expect(lastOf(entries, 'operator.link')).toMatchObject({ actor, target: 'quantri@tinh.vn' });
    expect(JSON.stringify(entries)).not.toContain(token);
  });

  it('audits units import and revoke, links rotate-key, submissions upload and consolidate --send', async () => {
    const csv = join(dataDir, 'don-vi.csv');
    writeFileSync(csv, 'code,name,type,emails,active\nSO-TC,Sở Tài chính,so-nganh,vp@sotc.vn,có\n');
    expect((await run(units, ['import', csv])).code).toBe(0);
    expect((await run(units, ['revoke', 'SO-TC'])).code).toBe(0);
    expect((await run(units, ['revoke', 'KHONG-CO'])).code).toBe(1);
    expect((await run(links, ['rotate-key'])).code).toBe(0);
    const file = join(dataDir, 'bao-cao.xlsx');
    writeFileSync(file, (await workbookFor(unitOf('SO-TC', 'so-nganh', 'Sở Tài chính'), PERIOD, { seed: 5 })).bytes);
    expect((await run(submissions, ['upload', '--unit', 'SO-TC', '--form', FORM_ID, '--period', PERIOD, file, '--wait', '0'])).code).toBe(0);
    expect((await run(consolidate, ['--form', FORM_ID, '--period', PERIOD, '--send'])).code).toBe(0);

    const entries = await auditEntries();
    const keys = ensureLocalLinkKeys(dataDir);
    expect(lastOf(entries, 'units.import')).toMatchObject({ actor, target: 'units', after: { total: 1, created: ['SO-TC'] } });
    expect(lastOf(entries, 'units.revoke-links')).toMatchObject({ actor, target: 'SO-TC', before: { keyVersion: 1 }, after: { keyVersion: 2 } });
    expect(lastOf(entries, 'link-keys.rotate')).toMatchObject({ actor, after: { current: keys.current.id } });
    expect(lastOf(entries, 'submission.upload')).toMatchObject({ actor, target: 'SO-TC', after: { formId: FORM_ID, period: PERIOD, fileName: 'bao-cao.xlsx' } });
    expect(lastOf(entries, 'consolidation.send')).toMatchObject({ actor, target: `${FORM_ID}/${PERIOD}`, after: { email: 'sent' } });
    expect(JSON.stringify(entries)).not.toContain(keys.current.secret);
  });
});
