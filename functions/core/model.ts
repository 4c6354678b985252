/**
 * Domain model shared by every capability. Names follow ../shared/DOMAIN.md:
 * form (biểu mẫu), unit (đơn vị), period (kỳ báo cáo), submission, consolidation (tổng hợp).
 * Runtime-checked shapes live beside their zod schemas; these are plain types.
 */

/**
 * A unit type's code (loại đơn vị), e.g. `so-nganh` or `dang-uy-xa`: data a deployment defines
 * (functions/core/units/unit-types.ts), not a fixed list. Labels and order come from the
 * registry (`catalog.unitTypes`).
 */
export type UnitType = string;

/** A reporting unit (đơn vị báo cáo) in the registry. */
export interface Unit {
  code: string;
  name: string;
  type: UnitType;
  emails: string[];
  active: boolean;
  /** Bumped to revoke every upload link issued for this unit. */
  keyVersion: number;
}

/** A value read from a form: numbers for numeric fields, strings for text and dates (ISO yyyy-mm-dd). */
export type FieldValue = number | string;

/** One row of a repeating table (form 2), keyed by column key. */
export type TableRow = Record<string, FieldValue | null>;

/** What a form reader extracts: scalar fields by key (`01.truoc`, `header.nguoi_lap`) and table rows by table key. */
export interface FormValues {
  fields: Record<string, FieldValue>;
  tables: Record<string, TableRow[]>;
}

export type Severity = 'error' | 'warning';

/**
 * One problem found in an upload. `code` is stable for machines, `message` is Vietnamese for
 * the uploader; `sheet`/`cell` locate it in the uploader's own workbook when it has a place.
 */
export interface ValidationIssue {
  code: string;
  severity: Severity;
  message: string;
  sheet?: string;
  cell?: string;
  field?: string;
}

/** The outcome of reading and validating one uploaded workbook. */
export interface ValidationResult {
  accepted: boolean;
  formId?: string;
  version?: number;
  unit?: string;
  period?: string;
  values: FormValues;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

export type SubmissionStatus = 'pending' | 'accepted' | 'rejected' | 'failed';

/** One uploaded file and what became of it. Every upload gets one, accepted or not. */
export interface Submission {
  uploadId: string;
  unitCode: string;
  formId: string;
  period: string;
  /** Upload order within (unit, form, period): 1, 2, … Derived from `receivedAt` then `uploadId`. */
  version?: number;
  status: SubmissionStatus;
  s3Key: string;
  s3VersionId?: string;
  etag?: string;
  sha256?: string;
  size?: number;
  fileName?: string;
  receivedAt: string;
  processedAt?: string;
  /** The unit's deadline for this form and period (ISO date-time, Asia/Ho_Chi_Minh). */
  deadline?: string;
  late?: boolean;
  /** Which link (token id) the upload came through. */
  linkId?: string;
  formVersion?: number;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** S3 key of the annotated workbook for the uploader, when there is one. */
  feedbackKey?: string;
}

/** A unit code: unaccented letters, digits, `-` and `_`, at most 40 characters (e.g. SO-NV). */
export const UNIT_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
