/** Damaged uploads (random bytes flipped in the zip, or in a part's XML) always get a coded answer, never an exception. */
import { validateUpload } from '../../../functions/core/forms';
import { buildZip, readZipEntries } from '../../fixtures/forms/zip';
import { fillForm, seededRandom } from '../../support/forms';
import { blankForm, getCatalog, sample } from './harness';

describe('validateUpload on damaged files', () => {
  it('answers every one of 80 seeded corruptions with accepted or a coded Vietnamese error', async () => {
    const catalog = await getCatalog();
    const base = await fillForm(await blankForm('sap-xep-bo-may', 'huyen'), await sample('sap-xep-bo-may', 'huyen', 3));
    const entries = readZipEntries(base);
    const rand = seededRandom(2026);
    const outcomes = new Set<string>();
    for (let i = 0; i < 80; i++) {
      let bytes: Buffer;
      if (i % 2 === 0) {
        bytes = Buffer.from(base);
        for (let k = 0; k < 1 + Math.floor(rand() * 20); k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      } else {
        const parts = entries.map((e) => ({ name: e.name, data: Buffer.from(e.data) }));
        const part = parts[Math.floor(rand() * parts.length)]!;
        for (let k = 0; k < 1 + Math.floor(rand() * 10) && part.data.length; k++) part.data[Math.floor(rand() * part.data.length)] = Math.floor(rand() * 128);
        bytes = buildZip(parts);
      }
      const result = await validateUpload(bytes, { catalog });
      if (!result.accepted) {
        expect(result.errors[0]).toEqual(expect.objectContaining({ code: expect.stringMatching(/^[A-Z_]+$/), severity: 'error', message: expect.stringMatching(/\S{3}/) }));
      }
      outcomes.add(result.accepted ? 'accepted' : result.errors[0]!.code);
    }
    // The corruptions really exercise the refusal paths, not only harmless spots.
    expect([...outcomes]).toEqual(expect.arrayContaining(['FILE_CORRUPT']));
  });
});
