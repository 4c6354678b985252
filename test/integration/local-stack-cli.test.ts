/**
 * The `tonghop` CLI as a user runs it: child processes on a data dir, with and without a
 * running `npm start` (the runtime publishes its endpoints in runtime.json; without it the
 * command starts the emulators itself).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { SAMPLE_PROVINCE } from '../../infra/local/sample-province';
import { silentLog } from '../../infra/local/compose';
import { freePort } from '../support/free-port';
import { tempDirs } from '../support/temp-dirs';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'tonghop.cjs');
const newDataDir = tempDirs('tonghop-cli-');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1', ...env }, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
const tonghop = (args: string[], env: Record<string, string>) => run(process.execPath, [BIN, ...args], env);

describe('tonghop CLI', () => {
  describe('with npm start running on the data dir', () => {
    let runtime: LocalRuntime;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = newDataDir();
      runtime = await startLocalRuntime({ port: 0, dataDir, log: silentLog });
    });
    afterAll(async () => {
      await runtime.stop();
    });

    it('npx tonghop units list --json prints the sample province', async () => {
      const out = await run('npx', ['--no-install', 'tonghop', 'units', 'list', '--json'], { TONGHOP_DATA_DIR: dataDir });

      expect(out.code).toBe(0);
      const units = JSON.parse(out.stdout) as Array<Record<string, unknown>>;
      expect(units).toHaveLength(SAMPLE_PROVINCE.length);
      expect(units.find((u) => u.code === 'SO-NV')).toEqual({ code: 'SO-NV', name: 'Sở Nội vụ', type: 'so-nganh', emails: ['vanthu@sonv.example.vn', 'tccb@sonv.example.vn'] });
      expect(Object.keys(units[0]!).sort()).toEqual(['code', 'emails', 'name', 'type']);
    });

    it('links --json gives every unit a portal link that opens its page', async () => {
      const out = await tonghop(['links', '--period', '2026-Q4', '--json'], { TONGHOP_DATA_DIR: dataDir });

      expect(out.code).toBe(0);
      const links = JSON.parse(out.stdout) as Array<{ unit: string; url: string; token: string }>;
      expect(links).toHaveLength(SAMPLE_PROVINCE.length);
      const link = links.find((l) => l.unit === 'H-DONGHAI')!;
      expect(link.url).toBe(`${runtime.url}/u/${link.token}`);
      const page = await fetch(link.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Huyện ủy Đông Hải');
    });

    it('units import refuses a file with a bad row (exit 1), naming the row, and changes nothing', async () => {
      const file = join(dataDir, 'bad.csv');
      writeFileSync(file, '\uFEFFcode,name,type,emails\nSO-NV,Sở Nội vụ (mới),so-nganh,\nX-1,Xã,xa,\n');

      const out = await tonghop(['units', 'import', file], { TONGHOP_DATA_DIR: dataDir });

      expect(out.code).toBe(1);
      expect(out.stderr).toContain('Dòng 3: loại đơn vị "xa" không hợp lệ');
      expect((await runtime.deps.units.get('SO-NV'))?.name).toBe('Sở Nội vụ');
    });
  });

  describe('without a running instance', () => {
    it('starts the emulators itself and sees the data a previous run left', async () => {
      const dataDir = newDataDir();
      const runtime = await startLocalRuntime({ port: 0, dataDir, log: silentLog });
      await runtime.stop();
      const file = join(dataDir, 'new.csv');
      writeFileSync(file, 'code;name;type;emails\nSO-NGV2;Sở Ngoại vụ (mới);so-nganh;a@ngv.example.vn\n');

      const imported = await tonghop(['units', 'import', file], { TONGHOP_DATA_DIR: dataDir });
      const listed = await tonghop(['units', 'list', '--json'], { TONGHOP_DATA_DIR: dataDir });

      expect(imported.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toHaveLength(SAMPLE_PROVINCE.length + 1);
      expect(existsSync(join(dataDir, 'emulators.lock'))).toBe(false);
    });

    it('says, before the first npm start, that the data dir has no unit registry yet and what to run (exit 0, JSON stays an empty array)', async () => {
      const dataDir = newDataDir();

      const text = await tonghop(['units', 'list'], { TONGHOP_DATA_DIR: dataDir });
      const json = await tonghop(['units', 'list', '--json'], { TONGHOP_DATA_DIR: dataDir });

      expect(text.code).toBe(0);
      expect(text.stderr).toContain(`Thư mục dữ liệu ${dataDir} chưa có danh sách đơn vị`);
      expect(text.stderr).toContain('npm start');
      expect(text.stderr).toContain('npx tonghop units import <tệp.csv|tệp.xlsx>');
      expect(text.stdout).not.toContain('0 đơn vị');
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual([]);
      expect(json.stderr).toContain('chưa có danh sách đơn vị');
    });

    it('points at --all when every unit of the registry has stopped reporting', async () => {
      const dataDir = newDataDir();
      const file = join(dataDir, 'inactive.csv');
      writeFileSync(file, 'code;name;type;emails;active\nSO-CU;Sở cũ;so-nganh;a@cu.example.vn;false\n');

      await tonghop(['units', 'import', file], { TONGHOP_DATA_DIR: dataDir });
      const listed = await tonghop(['units', 'list'], { TONGHOP_DATA_DIR: dataDir });
      const all = await tonghop(['units', 'list', '--all', '--json'], { TONGHOP_DATA_DIR: dataDir });

      expect(listed.code).toBe(0);
      expect(listed.stderr).toContain('Không có đơn vị nào đang hoạt động (1 đơn vị đã ngừng: thêm --all để xem)');
      expect(JSON.parse(all.stdout)).toEqual([expect.objectContaining({ code: 'SO-CU' })]);
    });

    it('exits 2 on a usage error and on a missing file', async () => {
      const dataDir = newDataDir();

      const usage = await tonghop(['links'], { TONGHOP_DATA_DIR: dataDir });
      const missing = await tonghop(['units', 'import', join(dataDir, 'nope.csv')], { TONGHOP_DATA_DIR: dataDir });

      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('--period');
      expect(missing.code).toBe(2);
    });
  });

  describe('start', () => {
    it('stops start-up with a clear message when PORT is not a port', async () => {
      const out = await tonghop(['start'], { PORT: 'ba nghìn', TONGHOP_DATA_DIR: newDataDir() });

      expect(out.code).toBe(2);
      expect(out.stderr).toContain('PORT');
    });

    it('prints the portal URL, how to get links and how the sample admin signs in, answers HTTP, and stops cleanly on SIGTERM', async () => {
      const dataDir = newDataDir();
      const port = await freePort();
      const child = spawn(process.execPath, [BIN, 'start'], { cwd: ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1', PORT: String(port), TONGHOP_DATA_DIR: dataDir } });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.resume();
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not started: ${stdout}`)), 150_000);
        child.stdout.on('data', () => {
          if (stdout.includes('Ctrl-C')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const health = await fetch(`http://localhost:${port}/health`);
      child.kill('SIGTERM');
      const code = await exited;

      expect(stdout).toContain(`http://localhost:${port}`);
      expect(stdout).toContain('npx tonghop links --period');
      expect(stdout).toContain('npx tonghop operators link --email quantri@tinhuy.example.vn');
      expect(stdout).toContain(`http://localhost:${port}/quan-tri/sign-in`);
      expect(health.status).toBe(200);
      expect(code).toBe(0);
      expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);
      expect(existsSync(join(dataDir, 'emulators.lock'))).toBe(false);
    });
  });
});
