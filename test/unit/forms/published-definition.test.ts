/**
 * `forms export` and `forms show --json` hand out a published version as its author wrote it:
 * the catalog's copy carries the province calendar's days in `holidays`/`workingDays`, and
 * publishing that copy again was refused as different content (FORM_VERSION_CONFLICT).
 */
import { VIETNAM_CALENDAR } from '../../../functions/core/calendar/vietnam';
import { createLiveFormCatalog } from '../../../functions/core/forms/live-catalog';
import { silentLog } from '../../../functions/core/log';
import { publishFormDefinition, readPublishedDefinition } from '../../../functions/core/usecases/publish-form';
import { authoredFormJson } from '../../support/authored-form';
import { InMemoryFormStore } from '../../support/in-memory';

const clock = { now: () => new Date('2026-12-02T03:00:00Z') };

describe('readPublishedDefinition', () => {
  describe('a form published on a deployment with the province calendar', () => {
    it('reads the version as written, which publishes again as a no-op, while the catalog copy has the calendar days', async () => {
      const forms = new InMemoryFormStore();
      await publishFormDefinition({ forms, clock }, { raw: authoredFormJson({ holidays: ['2026-09-11'] }), actor: 'cli:lan' });
      const catalog = createLiveFormCatalog({ store: forms, clock, log: silentLog, loadCalendar: async () => VIETNAM_CALENDAR });
      await catalog.refresh();
      expect(catalog.require('kiem-tra-nhanh-quy').holidays).toEqual(expect.arrayContaining(['2026-09-02', '2026-09-11']));

      const written = await readPublishedDefinition(forms, 'kiem-tra-nhanh-quy', 1);

      expect(written.holidays).toEqual(['2026-09-11']);
      expect(written.workingDays).toBeUndefined();
      expect(await publishFormDefinition({ forms, clock }, { raw: written, actor: 'cli:lan' })).toMatchObject({ outcome: 'unchanged' });
      await expect(publishFormDefinition({ forms, clock }, { raw: catalog.require('kiem-tra-nhanh-quy'), actor: 'cli:lan' })).rejects.toMatchObject({ code: 'FORM_VERSION_CONFLICT' });
    });

    it('refuses a version that is not indexed, or whose stored body no longer matches its index entry (FORM_NOT_FOUND)', async () => {
      expect.assertions(2);
      const forms = new InMemoryFormStore();
      await publishFormDefinition({ forms, clock }, { raw: authoredFormJson(), actor: 'cli:lan' });
      await expect(readPublishedDefinition(forms, 'kiem-tra-nhanh-quy', 2)).rejects.toMatchObject({ code: 'FORM_NOT_FOUND' });
      for (const key of forms.bodies.keys()) forms.bodies.set(key, forms.bodies.get(key)!.replace('Kiểm tra nhanh', 'Sửa tay'));
      await expect(readPublishedDefinition(forms, 'kiem-tra-nhanh-quy', 1)).rejects.toMatchObject({ code: 'FORM_NOT_FOUND' });
    });
  });
});
