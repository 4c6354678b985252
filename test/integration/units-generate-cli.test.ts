import { join } from 'node:path';
import { runTonghop, tempDataDir } from '../support/cli';

describe('tonghop units generate', () => {
  const data = tempDataDir();
  afterAll(() => data.remove());

  describe('usage', () => {
    it.each([
      [['--count', '0', '--out', 'u.xlsx'], '--count phải là số nguyên từ 1 đến 20.000'],
      [['--count', '20001', '--out', 'u.xlsx'], '--count phải là số nguyên từ 1 đến 20.000'],
      [['--count', '100', '--out', 'u.txt'], 'Cần --out <tệp.xlsx|tệp.csv>'],
    ])('refuses %j with exit 2 and says why in Vietnamese', async (args, message) => {
      const run = await runTonghop(['units', 'generate', ...args], { TONGHOP_DATA_DIR: data.dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    });
  });

  describe('a generated province', () => {
    it('imports as is: every unit registered with its type and email', async () => {
      const file = join(data.dir, 'tinh-gia-lap.xlsx');
      const generated = await runTonghop(['units', 'generate', '--count', '300', '--out', file], { TONGHOP_DATA_DIR: data.dir });
      expect(generated.code).toBe(0);
      expect(generated.stdout).toContain(`Đã ghi 300 đơn vị giả lập vào ${file}`);

      const imported = await runTonghop(['units', 'import', file, '--json'], { TONGHOP_DATA_DIR: data.dir });
      expect(imported.code).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ ok: true, total: 300 });

      const listed = await runTonghop(['units', 'list', '--json'], { TONGHOP_DATA_DIR: data.dir });
      const units = JSON.parse(listed.stdout) as Array<{ code: string; name: string; type: string; emails: string[] }>;
      expect(units).toHaveLength(300);
      expect(units).toContainEqual({ code: 'BD-00002', name: 'Ban Tổ chức Thành ủy Hà Nội', type: 'ban-dang', emails: ['bd-00002@thanhphohanoi.example'] });
      expect(new Set(units.map((u) => u.type))).toEqual(new Set(['ban-dang', 'so-nganh', 'mttq-doan-the', 'dang-uy-truc-thuoc', 'huyen']));
    }, 180_000);
  });
});
