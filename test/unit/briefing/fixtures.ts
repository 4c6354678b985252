/**
 * A small province for the briefing tests: named units of known types, reports with chosen
 * figures (only the fields a test cares about) in any period, and the report + briefing built
 * through the same use case entries the consolidation, the draft report and the console use.
 */
import type { FormValues, Unit, UnitType } from '../../../functions/core/model';
import { briefingFor, buildReportFor } from '../../../functions/core/usecases/consolidate-report';
import { memoryDeps, submit } from '../consolidation/fixtures';

export const FORM = 'sap-xep-bo-may';
/** 07:30 on 19/03/2019, after every 2019-Q1 deadline (18/03/2019, the 16th and 17th being a weekend). */
export const NOW = '2019-03-19T00:30:00Z';

export function unit(code: string, type: UnitType, name = `Đơn vị ${code}`): Unit {
  return { code, name, type, emails: [`${code.toLowerCase()}@example.vn`], active: true, keyVersion: 1 };
}

export const figures = (fields: Record<string, number>): FormValues => ({ fields: { 'header.nguoi_lap': 'Nguyễn Văn A', ...fields }, tables: {} });

export function province(units: Unit[], now = NOW) {
  const deps = memoryDeps(units, now);
  return {
    deps,
    /** An accepted report; on time unless `receivedAt` says otherwise. */
    report: (u: Unit, period: string, fields: Record<string, number>, receivedAt = onTime(period)) =>
      submit(deps.submissions, { unitCode: u.code, formId: FORM, period, receivedAt, values: figures(fields) }),
    /** Returns ("trả lại") the unit's latest accepted report of the period. */
    returnReport: async (u: Unit, period: string) => {
      const latest = (await deps.submissions.listLatestAccepted(FORM, period)).find((a) => a.unitCode === u.code)!;
      await deps.reviews.put({ formId: FORM, period, unitCode: u.code, uploadId: latest.uploadId, state: 'tra-lai', comment: 'Số liệu chưa khớp', actor: 'lan@tinhuy.example.vn', at: now, rev: 1 }, undefined);
    },
    briefing: async (period = '2019-Q1', formId = FORM) => {
      const report = await buildReportFor(deps, { formId, period });
      return { report, briefing: await briefingFor(deps, report) };
    },
  };
}

/** The 10th of the period's last month: before every deadline. */
export function onTime(period: string): string {
  const m = /^(\d{4})-(?:Q(\d)|(\d{2}))$/.exec(period)!;
  const month = m[2] ? Number(m[2]) * 3 : Number(m[3]);
  return `${m[1]}-${String(month).padStart(2, '0')}-10T02:00:00.000Z`;
}

/** The 25th of the period's last month: after every deadline. */
export function late(period: string): string {
  return onTime(period).replace('-10T', '-25T');
}
