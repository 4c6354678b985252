import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { importUnits, importUnitsChecked, UnitImportConflictError, UnitImportError } from '../../../functions/core/usecases/import-units';
import { parseCsv, parseUnitsFile } from '../../../functions/core/units/parse-units';
import { InMemoryUnitRepository } from '../../support/in-memory';

const csv = (text: string, bom = true) => Buffer.from((bom ? '\uFEFF' : '') + text, 'utf8');

async function xlsx(rows: unknown[][], sheetName = 'Đơn vị'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  rows.forEach((r) => ws.addRow(r));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function refusal(promise: Promise<unknown>): Promise<UnitImportError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof UnitImportError) return err;
    throw err;
  }
  throw new Error('expected the import to be refused');
}

describe('importUnits', () => {
  describe('CSV', () => {
    it('imports a UTF-8 file with BOM, comma separated, with Vietnamese names and several emails', async () => {
      const units = new InMemoryUnitRepository();
      const file = csv('code,name,type,emails,active\r\nSO-NV,Sở Nội vụ,so-nganh,"vanthu@sonv.example.vn; tccb@sonv.example.vn",có\r\nH-DH,Huyện ủy Đông Hải,huyen,hu@dh.example.vn,\r\n');

      const result = await importUnits({ units }, { bytes: file, fileName: 'don-vi.csv' });

      expect(result).toMatchObject({ created: ['SO-NV', 'H-DH'], total: 2 });
      expect(await units.get('SO-NV')).toEqual({
        code: 'SO-NV', name: 'Sở Nội vụ', type: 'so-nganh', emails: ['vanthu@sonv.example.vn', 'tccb@sonv.example.vn'], active: true, keyVersion: 1,
      });
      expect((await units.get('H-DH'))?.name).toBe('Huyện ủy Đông Hải');
    });

    it('reads semicolon-separated files as Excel writes them in a Vietnamese locale, with Vietnamese headers', async () => {
      const units = new InMemoryUnitRepository();
      const file = csv('Mã đơn vị;Tên đơn vị;Loại;Email;Hoạt động\nBTC;Ban Tổ chức Tỉnh ủy;ban-dang;btc@tu.example.vn,vp@tu.example.vn;không\n', false);

      await importUnits({ units }, { bytes: file, fileName: 'dv.csv' });

      expect(await units.get('BTC')).toMatchObject({ name: 'Ban Tổ chức Tỉnh ủy', emails: ['btc@tu.example.vn', 'vp@tu.example.vn'], active: false });
    });

    it('refuses the whole file, naming each bad row, and writes nothing', async () => {
      const units = new InMemoryUnitRepository();
      const file = csv(
        [
          'code,name,type,emails,active',
          'SO-NV,Sở Nội vụ,so-nganh,a@sonv.example.vn,',
          'SO-TC,Sở Tài chính,so-nganh,khong-phai-email,',
          'XA-1,Xã Một,xa,,',
          'SO-NV,Sở Nội vụ (lần 2),so-nganh,,',
          'SO-YT,,so-nganh,,',
          'SỞ Y,Sở Y tế,so-nganh,,',
        ].join('\n'),
      );

      const err = await refusal(importUnits({ units }, { bytes: file, fileName: 'x.csv' }));

      expect(err.code).toBe('UNITS_IMPORT_INVALID');
      expect(err.issues.map((i) => [i.row, i.code])).toEqual([
        [3, 'UNIT_EMAIL_INVALID'],
        [4, 'UNIT_TYPE_INVALID'],
        [5, 'UNIT_CODE_DUPLICATE'],
        [6, 'UNIT_NAME_MISSING'],
        [7, 'UNIT_CODE_INVALID'],
      ]);
      expect(err.issues[2]?.message).toBe('Dòng 5: mã đơn vị "SO-NV" bị trùng với dòng 2.');
      expect(err.issues[1]?.message).toMatch(/^Dòng 4: loại đơn vị "xa" không hợp lệ/);
      expect(await units.list({ includeInactive: true })).toEqual([]);
    });

    it('names the missing header columns', async () => {
      const err = await refusal(importUnits({ units: new InMemoryUnitRepository() }, { bytes: csv('code,emails\nA,a@b.vn\n'), fileName: 'x.csv' }));

      expect(err.issues).toEqual([expect.objectContaining({ code: 'UNITS_HEADER_MISSING', row: 1 })]);
      expect(err.issues[0]?.message).toContain('name, type');
    });

    it('refuses a file that is not UTF-8', async () => {
      const latin1 = Buffer.from('code,name,type\nA,S\xf4 X,huyen\n', 'latin1');

      const err = await refusal(importUnits({ units: new InMemoryUnitRepository() }, { bytes: latin1, fileName: 'x.csv' }));

      expect(err.issues[0]?.code).toBe('UNITS_FILE_ENCODING');
    });

    it('refuses a header-only file', async () => {
      const template = await readFile(join(__dirname, '../../../templates/units-import.csv'));

      const err = await refusal(importUnits({ units: new InMemoryUnitRepository() }, { bytes: template, fileName: 'units-import.csv' }));

      expect(err.issues[0]?.code).toBe('UNITS_FILE_EMPTY');
    });
  });

  describe('re-import', () => {
    it('keeps the key version of existing units so their links stay valid, and reports what changed', async () => {
      const units = new InMemoryUnitRepository([
        { code: 'A', name: 'Cũ', type: 'huyen', emails: [], active: true, keyVersion: 3 },
        { code: 'B', name: 'Giữ nguyên', type: 'huyen', emails: [], active: true, keyVersion: 1 },
      ]);
      const file = csv('code,name,type\nA,Mới,huyen\nB,Giữ nguyên,huyen\nC,Thêm,huyen\n');

      const result = await importUnits({ units }, { bytes: file, fileName: 'x.csv' });

      expect(result).toEqual({ created: ['C'], updated: ['A'], unchanged: ['B'], total: 3 });
      expect(await units.get('A')).toMatchObject({ name: 'Mới', keyVersion: 3 });
    });
  });

  describe('XLSX', () => {
    it('imports the first sheet, reading hyperlinked emails and boolean active cells', async () => {
      const units = new InMemoryUnitRepository();
      const file = await xlsx([
        ['code', 'name', 'type', 'emails', 'active'],
        ['MTTQ', 'Ủy ban MTTQ Việt Nam tỉnh', 'mttq-doan-the', { text: 'mttq@tinh.example.vn', hyperlink: 'mailto:mttq@tinh.example.vn' }, true],
        [],
        ['DU-CA', 'Đảng ủy Công an tỉnh', 'Đảng ủy trực thuộc', 'ca@tinh.example.vn', false],
      ]);

      await importUnits({ units }, { bytes: file, fileName: 'dv.xlsx' });

      expect(await units.list({ includeInactive: true })).toEqual([
        { code: 'DU-CA', name: 'Đảng ủy Công an tỉnh', type: 'dang-uy-truc-thuoc', emails: ['ca@tinh.example.vn'], active: false, keyVersion: 1 },
        { code: 'MTTQ', name: 'Ủy ban MTTQ Việt Nam tỉnh', type: 'mttq-doan-the', emails: ['mttq@tinh.example.vn'], active: true, keyVersion: 1 },
      ]);
    });

    it('reports Excel row numbers for bad rows', async () => {
      const file = await xlsx([['code', 'name', 'type'], ['A', 'Một', 'huyen'], ['B', 'Hai', 'tinh']]);

      const err = await refusal(importUnits({ units: new InMemoryUnitRepository() }, { bytes: file, fileName: 'dv.xlsx' }));

      expect(err.issues).toEqual([expect.objectContaining({ row: 3, column: 'type', code: 'UNIT_TYPE_INVALID' })]);
    });

    it('refuses a corrupt workbook with a readable message', async () => {
      const err = await refusal(importUnits({ units: new InMemoryUnitRepository() }, { bytes: Buffer.from('PK\x03\x04garbage'), fileName: 'dv.xlsx' }));

      expect(err.issues[0]).toMatchObject({ code: 'UNITS_FILE_UNREADABLE' });
    });

    it('ships a blank template whose filled-in copy imports', async () => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await readFile(join(__dirname, '../../../templates/units-import.xlsx'))) as unknown as ArrayBuffer);
      wb.worksheets[0]!.addRow(['VP-TU', 'Văn phòng Tỉnh ủy', 'ban-dang', 'vp@tinhuy.example.vn', 'có']);
      const units = new InMemoryUnitRepository();

      await importUnits({ units }, { bytes: Buffer.from(await wb.xlsx.writeBuffer()), fileName: 'units-import.xlsx' });

      expect(await units.get('VP-TU')).toMatchObject({ name: 'Văn phòng Tỉnh ủy', type: 'ban-dang' });
    });
  });

  describe('unknown file types', () => {
    it('refuses a file that is neither CSV nor XLSX', async () => {
      const parsed = await parseUnitsFile(Buffer.from('{}'), 'units.json');

      expect(parsed.issues[0]?.code).toBe('UNITS_FILE_TYPE');
    });
  });
});

describe('parseCsv', () => {
  it('keeps separators, doubled quotes and newlines inside quoted fields', () => {
    expect(parseCsv('a,b\n"x, ""y""","line1\nline2"\n')).toEqual([['a', 'b'], ['x, "y"', 'line1\nline2']]);
  });
});

/** Every entry of a zip archive, inflated. */
async function unzip(bytes: Buffer): Promise<Array<{ name: string; data: Buffer }>> {
  const yauzl = (await import('yauzl')).default;
  return new Promise((resolve, reject) => {
    const out: Array<{ name: string; data: Buffer }> = [];
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, archive) => {
      if (err || !archive) return reject(err);
      archive.on('end', () => resolve(out));
      archive.on('entry', (entry: import('yauzl').Entry) => {
        archive.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            archive.readEntry();
          });
        });
      });
      archive.readEntry();
    });
  });
}

/** A minimal zip writer (stored names, deflated data) for archives exceljs would choke on. */
function zip(entries: Array<{ name: string; data: Buffer; declaredSize?: number }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const packed = deflateRawSync(e.data);
    const size = e.declaredSize ?? e.data.length;
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const centralBytes = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralBytes, end]);
}

describe('parseUnitsFile on hostile workbooks', () => {
  it('refuses a small, otherwise valid .xlsx that inflates past the cap, before exceljs loads it', async () => {
    const valid = await xlsx([['code', 'name', 'type'], ['A', 'Một', 'huyen']]);
    const bomb = zip([...(await unzip(valid)), { name: 'xl/media/padding.bin', data: Buffer.alloc(60 * 1024 * 1024) }]);

    const parsed = await parseUnitsFile(bomb, 'dv.xlsx');

    expect(bomb.length).toBeLessThan(1_000_000);
    expect(parsed.issues).toEqual([expect.objectContaining({ code: 'UNITS_FILE_UNREADABLE' })]);
  });

  it('refuses an entry whose real size differs from the size it declares', async () => {
    const liar = zip([{ name: 'xl/workbook.xml', data: Buffer.alloc(100_000, 0x20), declaredSize: 10 }]);

    const parsed = await parseUnitsFile(liar, 'dv.xlsx');

    expect(parsed.issues[0]?.code).toBe('UNITS_FILE_UNREADABLE');
  });
});

describe('importUnitsChecked (the console\'s import)', () => {
  const unit = (code: string, name: string) => ({ code, name, type: 'huyen' as const, emails: [], active: true, keyVersion: 3 });

  it('writes new and changed units by conditional writes, skips unchanged ones, keeps key versions', async () => {
    const repo = new InMemoryUnitRepository([unit('A', 'Huyện ủy A'), unit('B', 'Huyện ủy B')]);
    const updates = jest.spyOn(repo, 'update');

    const result = await importUnitsChecked({ units: repo }, { bytes: csv('code,name,type\nA,Huyện ủy A,huyen\nB,Huyện ủy B mới,huyen\nC,Huyện ủy C,huyen\n'), fileName: 'u.csv' });

    expect(result).toEqual({ created: ['C'], updated: ['B'], unchanged: ['A'], total: 3 });
    expect(updates).toHaveBeenCalledTimes(1);
    expect(await repo.get('B')).toMatchObject({ name: 'Huyện ủy B mới', keyVersion: 3 });
    expect(await repo.get('C')).toMatchObject({ keyVersion: 1 });
  });

  it('leaves out and names a unit another operator changed while the import ran, writing the others', async () => {
    expect.assertions(3);
    const repo = new InMemoryUnitRepository([unit('A', 'Huyện ủy A'), unit('B', 'Huyện ủy B')]);
    const list = repo.list.bind(repo);
    // Someone renames B right after the import read the registry.
    jest.spyOn(repo, 'list').mockImplementationOnce(async (o) => {
      const seen = await list(o);
      await repo.update({ ...unit('B', 'Đổi bởi người khác') }, unit('B', 'Huyện ủy B'));
      return seen;
    });

    await expect(importUnitsChecked({ units: repo }, { bytes: csv('code,name,type\nA,Huyện ủy A mới,huyen\nB,Huyện ủy B mới,huyen\n'), fileName: 'u.csv' })).rejects.toBeInstanceOf(UnitImportConflictError);
    expect((await repo.get('A'))?.name).toBe('Huyện ủy A mới');
    expect((await repo.get('B'))?.name).toBe('Đổi bởi người khác');
  });
});
