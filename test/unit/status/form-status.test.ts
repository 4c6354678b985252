/**
 * `formStatus`: the "Tình hình nộp báo cáo" grid of a form and period, on the in-memory ports —
 * each status, "nộp muộn", an accepted version that still counts after a refused re-upload,
 * forms some unit types do not report on, inactive units, counts, filters, and the storage
 * reads (one listing of the period's submissions, whatever the number of units).
 */
import { createFormCatalog } from '../../../functions/core/forms/catalog';
import type { FormDefinition } from '../../../functions/core/forms/definition';
import type { Unit, UnitType } from '../../../functions/core/model';
import { formStatus, type FormStatusDeps } from '../../../functions/core/usecases/form-status';
import { consolidateReport } from '../../../functions/core/usecases/consolidate-report';
import { sendReminders } from '../../../functions/core/usecases/send-reminders';
import { FakeClock, InMemoryReviewStore, InMemorySubmissionRepository, InMemoryUnitRepository } from '../../support/in-memory';
import { loadForm, memoryDeps, submit } from '../consolidation/fixtures';

const FORM = 'sap-xep-bo-may';
const PERIOD = '2019-Q1';
// 2019-Q1 deadlines: 17/03 (Sunday) and 16/03 (Saturday) both move to Monday 18/03/2019 17:00 (10:00Z).
const DEADLINE = '2019-03-18T10:00:00.000Z';
const BEFORE = '2019-03-15T03:00:00.000Z';
const AFTER_DEADLINE = '2019-03-18T12:00:00.000Z';

const unit = (code: string, type: UnitType, name: string, active = true): Unit => ({ code, name, type, emails: [], active, keyVersion: 1 });

function setup(units: Unit[], now = BEFORE, forms: FormDefinition[] = [loadForm('sap-xep-bo-may')]) {
  const clock = new FakeClock(new Date(now));
  const submissions = new InMemorySubmissionRepository(clock);
  const reviews = new InMemoryReviewStore();
  const deps: FormStatusDeps = { forms: createFormCatalog(forms), units: new InMemoryUnitRepository(units), submissions, reviews, clock };
  return { deps, submissions, clock, reviews };
}

const REGISTRY = [
  unit('SO-YTE', 'so-nganh', 'Sở Y tế'),
  unit('SO-TC', 'so-nganh', 'Sở Tài chính'),
  unit('HU-DA', 'huyen', 'Huyện ủy Đông Anh'),
  unit('BAN-TC', 'ban-dang', 'Ban Tổ chức Tỉnh ủy'),
  unit('DU-KCN', 'dang-uy-truc-thuoc', 'Đảng ủy Khối doanh nghiệp'),
];

describe('formStatus', () => {
  describe('statuses', () => {
    it('shows chưa nộp, đang xử lý, đã nộp and bị từ chối, with versions, last upload and the counting version', async () => {
      const { deps, submissions } = setup(REGISTRY);
      const ok = await submit(submissions, { unitCode: 'SO-YTE', formId: FORM, period: PERIOD, receivedAt: '2019-03-10T02:00:00.000Z', warnings: [{ code: 'W', severity: 'warning', message: 'x' }, { code: 'W2', severity: 'warning', message: 'y' }] });
      await submit(submissions, { unitCode: 'SO-TC', formId: FORM, period: PERIOD, receivedAt: '2019-03-11T02:00:00.000Z', status: 'rejected' });
      const pending = await submit(submissions, { unitCode: 'HU-DA', formId: FORM, period: PERIOD, receivedAt: '2019-03-12T02:00:00.000Z', status: 'pending' });
      await submit(submissions, { unitCode: 'BAN-TC', formId: FORM, period: PERIOD, receivedAt: '2019-03-12T02:00:00.000Z', status: 'rejected' });
      const failed = await submit(submissions, { unitCode: 'BAN-TC', formId: FORM, period: PERIOD, receivedAt: '2019-03-13T02:00:00.000Z', status: 'failed' });

      const result = await formStatus(deps, { formId: FORM, period: PERIOD });

      const byCode = new Map(result.units.map((u) => [u.code, u]));
      expect(byCode.get('SO-YTE')).toEqual({
        code: 'SO-YTE', name: 'Sở Y tế', type: 'so-nganh', deadline: DEADLINE, status: 'da-nop', late: false, overdue: false, lastRejected: false,
        lastUploadStatus: 'accepted', versions: 1, lastUploadAt: '2019-03-10T02:00:00.000Z', latestUploadId: ok.uploadId,
        acceptedUploadId: ok.uploadId, acceptedVersion: 1, warnings: 2, review: { state: 'cho-duyet' },
      });
      expect(byCode.get('SO-TC')).toMatchObject({ status: 'bi-tu-choi', versions: 1, lastUploadStatus: 'rejected' });
      expect(byCode.get('SO-TC')).not.toHaveProperty('acceptedUploadId');
      expect(byCode.get('HU-DA')).toMatchObject({ status: 'dang-xu-ly', versions: 1, latestUploadId: pending.uploadId });
      expect(byCode.get('BAN-TC')).toMatchObject({ status: 'bi-tu-choi', versions: 2, latestUploadId: failed.uploadId, lastUploadAt: '2019-03-13T02:00:00.000Z' });
      expect(byCode.get('DU-KCN')).toEqual({
        code: 'DU-KCN', name: 'Đảng ủy Khối doanh nghiệp', type: 'dang-uy-truc-thuoc', deadline: DEADLINE, status: 'chua-nop', late: false, overdue: false, lastRejected: false, versions: 0,
      });
      expect(result).toMatchObject({ formId: FORM, period: PERIOD, periodLabel: 'Quý I năm 2019' });
    });

    it('marks an accepted version received after the deadline as nộp muộn, and units without one as overdue', async () => {
      const { deps, submissions } = setup(REGISTRY, AFTER_DEADLINE);
      await submit(submissions, { unitCode: 'SO-YTE', formId: FORM, period: PERIOD, receivedAt: '2019-03-18T11:00:00.000Z', late: true });
      await submit(submissions, { unitCode: 'SO-TC', formId: FORM, period: PERIOD, receivedAt: '2019-03-18T09:00:00.000Z' });

      const result = await formStatus(deps, { formId: FORM, period: PERIOD });

      const byCode = new Map(result.units.map((u) => [u.code, u]));
      expect(byCode.get('SO-YTE')).toMatchObject({ status: 'da-nop', late: true, overdue: false });
      expect(byCode.get('SO-TC')).toMatchObject({ status: 'da-nop', late: false, overdue: false });
      expect(byCode.get('HU-DA')).toMatchObject({ status: 'chua-nop', late: false, overdue: true });
      expect(result.counts).toMatchObject({ total: 5, late: 1, overdue: 3 });
    });

    it('still counts an accepted version when a later upload was rejected, and says the last one was refused', async () => {
      const { deps, submissions } = setup(REGISTRY);
      const accepted = await submit(submissions, { unitCode: 'SO-YTE', formId: FORM, period: PERIOD, receivedAt: '2019-03-10T02:00:00.000Z' });
      const refused = await submit(submissions, { unitCode: 'SO-YTE', formId: FORM, period: PERIOD, receivedAt: '2019-03-11T02:00:00.000Z', status: 'rejected' });

      const row = (await formStatus(deps, { formId: FORM, period: PERIOD })).units.find((u) => u.code === 'SO-YTE');

      expect(row).toMatchObject({
        status: 'da-nop', lastRejected: true, lastUploadStatus: 'rejected', versions: 2,
        latestUploadId: refused.uploadId, acceptedUploadId: accepted.uploadId, acceptedVersion: 1,
      });
    });

    it('counts the latest accepted version when a unit re-submitted', async () => {
      const { deps, submissions } = setup(REGISTRY);
      await submit(submissions, { unitCode: 'SO-YTE', formId: FORM, period: PERIOD, receivedAt: '2019-03-10T02:00:00.000Z', warnings: [{ code: 'W', severity: 'warning', message: 'x' }] });
      const second = await submit(submissions, { unitCode: 'SO-YTE', formId: FORM, period: PERIOD, receivedAt: '2019-03-11T02:00:00.000Z' });

      const row = (await formStatus(deps, { formId: FORM, period: PERIOD })).units.find((u) => u.code === 'SO-YTE');

      expect(row).toMatchObject({ status: 'da-nop', lastRejected: false, versions: 2, acceptedUploadId: second.uploadId, acceptedVersion: 2, warnings: 0 });
    });
  });

  describe('which units', () => {
    it('leaves out inactive units and units of a type the form has nothing for, like consolidation and the reminders', async () => {
      // Every section restricted to district committees: no other type reports on this form.
      const base = loadForm('sap-xep-bo-may');
      const districtsOnly: FormDefinition = { ...base, id: 'chi-huyen', sections: base.sections.map((s) => ({ ...s, unitTypes: ['huyen'] })) };
      const registry = [...REGISTRY, unit('HU-CU', 'huyen', 'Huyện ủy Củ Chi', false)];
      const { deps } = setup(registry, BEFORE, [base, districtsOnly]);

      const onlyDistricts = await formStatus(deps, { formId: 'chi-huyen', period: PERIOD });
      const everyone = await formStatus(deps, { formId: FORM, period: PERIOD });

      expect(onlyDistricts.units.map((u) => u.code)).toEqual(['HU-DA']);
      expect(onlyDistricts.counts.byType.map((t) => t.type)).toEqual(['huyen']);
      expect(everyone.units.map((u) => u.code)).toEqual(['BAN-TC', 'SO-TC', 'SO-YTE', 'HU-DA', 'DU-KCN']);

      // The consolidated report and the reminder run expect the same units.
      const shared = { ...memoryDeps(registry, '2019-03-15T01:30:00.000Z'), forms: createFormCatalog([base, districtsOnly]) };
      const consolidated = await consolidateReport(shared, { formId: 'chi-huyen', period: PERIOD, send: false });
      expect(consolidated.notReported.map((u) => u.code)).toEqual(['HU-DA']);
      const reminded = await sendReminders(shared, { formId: 'chi-huyen', period: PERIOD });
      expect(reminded.reminders.map((r) => r.unitCode)).toEqual(['HU-DA']);
    });

    it('defaults to the open period', async () => {
      const { deps } = setup(REGISTRY, '2019-05-02T03:00:00.000Z');

      const result = await formStatus(deps, { formId: FORM });

      expect(result.period).toBe('2019-Q2');
      expect(result.units[0]!.deadline).toBe('2019-06-17T10:00:00.000Z');
    });

    it('refuses an unknown form, a period not yet open and a period id too long to echo', async () => {
      expect.assertions(3);
      const { deps } = setup(REGISTRY);
      await expect(formStatus(deps, { formId: 'khong-co', period: PERIOD })).rejects.toMatchObject({ code: 'FORM_NOT_FOUND', statusCode: 404 });
      await expect(formStatus(deps, { formId: FORM, period: '2019-Q3' })).rejects.toMatchObject({ code: 'PERIOD_NOT_FOUND', statusCode: 404 });
      await expect(formStatus(deps, { formId: FORM, period: 'x'.repeat(5000) })).rejects.toMatchObject({ code: 'PERIOD_INVALID', message: 'Kỳ báo cáo không hợp lệ.' });
    });
  });

  describe('counts and filters', () => {
    async function sample() {
      const ctx = setup(REGISTRY, AFTER_DEADLINE);
      const { submissions } = ctx;
      await submit(submissions, { unitCode: 'SO-YTE', formId: FORM, period: PERIOD, receivedAt: '2019-03-10T02:00:00.000Z' });
      await submit(submissions, { unitCode: 'SO-TC', formId: FORM, period: PERIOD, receivedAt: '2019-03-18T11:00:00.000Z', late: true });
      await submit(submissions, { unitCode: 'HU-DA', formId: FORM, period: PERIOD, receivedAt: '2019-03-12T02:00:00.000Z', status: 'rejected' });
      await submit(submissions, { unitCode: 'BAN-TC', formId: FORM, period: PERIOD, receivedAt: '2019-03-12T02:00:00.000Z', status: 'pending' });
      return ctx;
    }

    const NONE = { 'cho-duyet': 0, 'da-duyet': 0, 'tra-lai': 0 };

    it('counts every expected unit by status and by unit type', async () => {
      const { deps } = await sample();

      const { counts } = await formStatus(deps, { formId: FORM, period: PERIOD });

      expect(counts).toMatchObject({ total: 5, byStatus: { 'chua-nop': 1, 'dang-xu-ly': 1, 'da-nop': 2, 'bi-tu-choi': 1 }, late: 1, overdue: 3 });
      expect(counts.byType).toEqual([
        { type: 'ban-dang', label: 'Các ban đảng, Văn phòng Tỉnh ủy', total: 1, byStatus: { 'chua-nop': 0, 'dang-xu-ly': 1, 'da-nop': 0, 'bi-tu-choi': 0 }, late: 0, overdue: 1, byReview: NONE },
        { type: 'so-nganh', label: 'Sở, ban, ngành', total: 2, byStatus: { 'chua-nop': 0, 'dang-xu-ly': 0, 'da-nop': 2, 'bi-tu-choi': 0 }, late: 1, overdue: 0, byReview: { ...NONE, 'cho-duyet': 2 } },
        { type: 'huyen', label: 'Huyện ủy, thị ủy, thành ủy', total: 1, byStatus: { 'chua-nop': 0, 'dang-xu-ly': 0, 'da-nop': 0, 'bi-tu-choi': 1 }, late: 0, overdue: 1, byReview: NONE },
        { type: 'dang-uy-truc-thuoc', label: 'Đảng ủy trực thuộc', total: 1, byStatus: { 'chua-nop': 1, 'dang-xu-ly': 0, 'da-nop': 0, 'bi-tu-choi': 0 }, late: 0, overdue: 1, byReview: NONE },
      ]);
    });

    it('filters rows by type, status (nộp muộn included) and an accent-insensitive search, keeping the counts whole', async () => {
      const { deps } = await sample();
      const codes = async (filters: { type?: string; status?: string; search?: string }) => {
        const r = await formStatus(deps, { formId: FORM, period: PERIOD, ...filters });
        expect(r.counts.total).toBe(5);
        return r.units.map((u) => u.code);
      };

      expect(await codes({ type: 'so-nganh' })).toEqual(['SO-TC', 'SO-YTE']);
      expect(await codes({ status: 'da-nop' })).toEqual(['SO-TC', 'SO-YTE']);
      expect(await codes({ status: 'nop-muon' })).toEqual(['SO-TC']);
      expect(await codes({ status: 'bi-tu-choi' })).toEqual(['HU-DA']);
      expect(await codes({ search: 'so y te' })).toEqual(['SO-YTE']);
      expect(await codes({ search: 'ĐÔNG ANH' })).toEqual(['HU-DA']);
      expect(await codes({ search: 'dang uy' })).toEqual(['DU-KCN']);
      expect(await codes({ search: 'ban-tc' })).toEqual(['BAN-TC']);
      expect(await codes({ type: 'so-nganh', status: 'nop-muon', search: 'tai chinh' })).toEqual(['SO-TC']);
    });

    it('refuses an unknown type or status and an overlong search', async () => {
      expect.assertions(3);
      const { deps } = setup(REGISTRY);
      await expect(formStatus(deps, { formId: FORM, period: PERIOD, type: 'xa' })).rejects.toMatchObject({ code: 'STATUS_FILTER_INVALID', statusCode: 400 });
      await expect(formStatus(deps, { formId: FORM, period: PERIOD, status: 'accepted' })).rejects.toMatchObject({ code: 'STATUS_FILTER_INVALID' });
      await expect(formStatus(deps, { formId: FORM, period: PERIOD, search: 'a'.repeat(101) })).rejects.toMatchObject({ code: 'STATUS_FILTER_INVALID' });
    });
  });

  describe('storage reads', () => {
    it('lists the period submissions once and the units once, for 200 units as for 2', async () => {
      const many = Array.from({ length: 200 }, (_, i) => unit(`DV${String(i).padStart(3, '0')}`, 'so-nganh', `Đơn vị ${i}`));
      const { deps, submissions, reviews } = setup(many);
      const reviewList = jest.spyOn(reviews, 'listByFormPeriod');
      const reviewGet = jest.spyOn(reviews, 'get');
      for (const u of many.slice(0, 50)) await submit(submissions, { unitCode: u.code, formId: FORM, period: PERIOD, receivedAt: '2019-03-10T02:00:00.000Z' });
      const listSummaries = jest.spyOn(submissions, 'listSummariesByFormPeriod');
      const listByFormPeriod = jest.spyOn(submissions, 'listByFormPeriod');
      const listByUnit = jest.spyOn(submissions, 'listByUnit');
      const get = jest.spyOn(submissions, 'get');
      const listLatestAccepted = jest.spyOn(submissions, 'listLatestAccepted');
      const units = deps.units as InMemoryUnitRepository;
      const unitList = jest.spyOn(units, 'list');
      const unitGet = jest.spyOn(units, 'get');

      const result = await formStatus(deps, { formId: FORM, period: PERIOD });

      expect(result.counts.byStatus['da-nop']).toBe(50);
      expect(listSummaries).toHaveBeenCalledTimes(1);
      expect(listSummaries).toHaveBeenCalledWith(FORM, PERIOD);
      expect(unitList).toHaveBeenCalledTimes(1);
      expect(listByUnit).not.toHaveBeenCalled();
      expect(listByFormPeriod).not.toHaveBeenCalled();
      expect(get).not.toHaveBeenCalled();
      expect(listLatestAccepted).not.toHaveBeenCalled();
      expect(unitGet).not.toHaveBeenCalled();
      // The "Duyệt" column: one read of the period's reviews, never one per unit.
      expect(reviewList.mock.calls).toEqual([[FORM, PERIOD]]);
      expect(reviewGet).not.toHaveBeenCalled();
    });
  });

  describe('review', () => {
    it('shows the review of each unit\'s counting version, counts them, and filters by it; a review of an older version reads chờ duyệt', async () => {
      const { deps, submissions, reviews } = setup(REGISTRY);
      const ytế = await submit(submissions, { unitCode: 'SO-YTE', formId: FORM, period: PERIOD, receivedAt: '2019-03-10T02:00:00.000Z' });
      const tc1 = await submit(submissions, { unitCode: 'SO-TC', formId: FORM, period: PERIOD, receivedAt: '2019-03-10T02:00:00.000Z' });
      await submit(submissions, { unitCode: 'SO-TC', formId: FORM, period: PERIOD, receivedAt: '2019-03-11T02:00:00.000Z' });
      const da = await submit(submissions, { unitCode: 'HU-DA', formId: FORM, period: PERIOD, receivedAt: '2019-03-10T02:00:00.000Z' });
      const at = '2019-03-12T02:00:00.000Z';
      await reviews.put({ formId: FORM, period: PERIOD, unitCode: 'SO-YTE', uploadId: ytế.uploadId, state: 'da-duyet', actor: 'canbo@tinhuy.example.vn', at, rev: 1 }, undefined);
      // SO-TC's first version was returned; it uploaded again, so its counting version awaits review.
      await reviews.put({ formId: FORM, period: PERIOD, unitCode: 'SO-TC', uploadId: tc1.uploadId, state: 'tra-lai', comment: 'Giải trình mã số 07', actor: 'canbo@tinhuy.example.vn', at, rev: 1 }, undefined);
      await reviews.put({ formId: FORM, period: PERIOD, unitCode: 'HU-DA', uploadId: da.uploadId, state: 'tra-lai', comment: 'Sai mã số 16', actor: 'canbo@tinhuy.example.vn', at, rev: 1 }, undefined);

      const all = await formStatus(deps, { formId: FORM, period: PERIOD });
      const byCode = new Map(all.units.map((u) => [u.code, u]));
      expect(byCode.get('SO-YTE')!.review).toEqual({ state: 'da-duyet', actor: 'canbo@tinhuy.example.vn', at });
      expect(byCode.get('SO-TC')!.review).toEqual({ state: 'cho-duyet' });
      expect(byCode.get('HU-DA')!.review).toEqual({ state: 'tra-lai', actor: 'canbo@tinhuy.example.vn', at, comment: 'Sai mã số 16' });
      expect(byCode.get('BAN-TC')).not.toHaveProperty('review');
      expect(all.counts.byReview).toEqual({ 'cho-duyet': 1, 'da-duyet': 1, 'tra-lai': 1 });

      const codes = async (review: string) => (await formStatus(deps, { formId: FORM, period: PERIOD, review })).units.map((u) => u.code);
      expect(await codes('cho-duyet')).toEqual(['SO-TC']);
      expect(await codes('da-duyet')).toEqual(['SO-YTE']);
      expect(await codes('tra-lai')).toEqual(['HU-DA']);
      await expect(formStatus(deps, { formId: FORM, period: PERIOD, review: 'approved' })).rejects.toMatchObject({ code: 'STATUS_FILTER_INVALID', statusCode: 400 });
    });
  });
});
