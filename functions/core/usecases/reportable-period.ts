/**
 * Which (form, period) pairs a unit may download or upload: a known form, and a period of the
 * form's type that has started being reported (not after the currently open period). Older
 * periods stay reportable: late reports are accepted (domain brief).
 */
import { NotFoundError } from '../errors';
import type { FormDefinition } from '../forms/definition';
import { openPeriod, parsePeriod } from '../periods';
import { formForPeriod, type FormLookup } from './form-lookup';

const FIRST_YEAR = 2000;

/**
 * The version of the form that applies to the period (its effective period reached). Throws
 * `NotFoundError` FORM_NOT_FOUND (unknown, or retired unless `includeRetired`: the console still
 * reads a retired form's history) or PERIOD_NOT_FOUND (404) with a Vietnamese message.
 */
export function requireReportable(catalog: FormLookup, formId: string, period: string, now: Date, options: { includeRetired?: boolean } = {}): FormDefinition {
  const form = formForPeriod(catalog, formId, period, options);
  if (!form) {
    const known = catalog.get(formId);
    if (!known) throw new NotFoundError('FORM_NOT_FOUND', `Không có biểu mẫu "${formId}".`);
    if (formForPeriod(catalog, formId, period, { includeRetired: true })) throw new NotFoundError('FORM_NOT_FOUND', `Biểu mẫu "${known.name}" đã ngừng sử dụng.`);
    throw new NotFoundError('PERIOD_NOT_FOUND', `Biểu mẫu "${known.name}" chưa áp dụng cho kỳ báo cáo "${period}".`);
  }
  let parsed;
  try {
    parsed = parsePeriod(period, form.periodType);
  } catch (cause) {
    throw new NotFoundError('PERIOD_NOT_FOUND', `Biểu mẫu "${form.name}" không có kỳ báo cáo "${period}".`, cause);
  }
  const open = parsePeriod(openPeriod(form, now), form.periodType);
  const order = (p: { year: number; index: number }) => p.year * 100 + p.index;
  if (parsed.year < FIRST_YEAR || order(parsed) > order(open)) {
    throw new NotFoundError('PERIOD_NOT_FOUND', `Kỳ báo cáo "${period}" của biểu mẫu "${form.name}" chưa mở hoặc không tồn tại.`);
  }
  return form;
}
