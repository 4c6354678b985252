/**
 * The pre-filled form for a unit and period, with a file name people can read in their
 * Downloads folder ("Sắp xếp tổ chức bộ máy… - Quý I năm 2019 - Sở Nội vụ.xlsx") and an ASCII
 * fallback for old clients (`Bao-cao-sap-xep-bo-may-2019-Q1-SO-NV.xlsx`).
 */
import type { Unit } from '../model';
import { periodLabel } from '../periods';
import type { Clock } from '../ports';
import type { FormLookup, GenerateForm } from './form-lookup';
import { requireReportable } from './reportable-period';

export interface DownloadFormDeps {
  catalog: FormLookup;
  clock: Clock;
  generateForm: GenerateForm;
}

export interface FormDownload {
  bytes: Buffer;
  fileName: string;
  asciiFileName: string;
}

/** Throws 404 FORM_NOT_FOUND / PERIOD_NOT_FOUND. */
export async function downloadForm(deps: DownloadFormDeps, input: { unit: Unit; formId: string; period: string }): Promise<FormDownload> {
  const now = deps.clock.now();
  const form = requireReportable(deps.catalog, input.formId, input.period, now);
  const bytes = await deps.generateForm({ form, unit: input.unit, period: input.period, now });
  const fileName = `${form.name} - ${periodLabel(input.period)} - ${input.unit.name}.xlsx`.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '-');
  const asciiFileName = `Bao-cao-${form.id}-${input.period}-${input.unit.code}.xlsx`.replace(/[^A-Za-z0-9._-]/g, '-');
  return { bytes, fileName, asciiFileName };
}
