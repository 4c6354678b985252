import { UNIT_TYPES_2019 } from '../../../functions/core/units/unit-types';

import { checkUnitRecords } from '../../../functions/core/units/parse-units';
import { SAMPLE_PROVINCE, seedSampleProvince } from '../../../infra/local/sample-province';
import { InMemoryUnitRepository } from '../../support/in-memory';

const UNIT_TYPES = UNIT_TYPES_2019.map((t) => t.code);

describe('sample province', () => {
  it('has about fifty units covering every unit type, with reserved-domain emails', () => {
    const types = new Set(SAMPLE_PROVINCE.map((u) => u.type));

    expect(SAMPLE_PROVINCE.length).toBeGreaterThanOrEqual(45);
    expect(SAMPLE_PROVINCE.length).toBeLessThanOrEqual(60);
    expect([...types].sort()).toEqual([...UNIT_TYPES].sort());
    expect(SAMPLE_PROVINCE.flatMap((u) => u.emails).every((e) => e.endsWith('.example.vn'))).toBe(true);
  });

  it('passes the same checks as an imported registry (unique codes, valid emails)', () => {
    const records = [['code', 'name', 'type', 'emails'], ...SAMPLE_PROVINCE.map((u) => [u.code, u.name, u.type, u.emails.join(';')])];

    const parsed = checkUnitRecords(records);

    expect(parsed.issues).toEqual([]);
    expect(parsed.rows).toHaveLength(SAMPLE_PROVINCE.length);
  });

  it('seeds an empty registry once and leaves a non-empty registry alone', async () => {
    const units = new InMemoryUnitRepository();

    expect(await seedSampleProvince(units)).toBe(true);
    await units.bumpKeyVersion('SO-NV');
    expect(await seedSampleProvince(units)).toBe(false);

    expect(await units.list()).toHaveLength(SAMPLE_PROVINCE.length);
    expect((await units.get('SO-NV'))?.keyVersion).toBe(2);
  });
});
