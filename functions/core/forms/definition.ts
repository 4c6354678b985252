/**
 * The form definition schema. A form (biểu mẫu) is data: a JSON file under `templates/`
 * validated by `FormDefinitionSchema`. Adding a form is adding a file; no code change.
 *
 * Field keys are `<mã số>.<column>` for rows (e.g. `01.truoc`) and `header.<key>` for header
 * fields (e.g. `header.nguoi_lap`). Repeating tables (form 2) are keyed by table key.
 *
 * zod/mini keeps the Lambda bundles small (classic zod adds ~450 KB).
 */
import * as z from 'zod/mini';
import { UNIT_TYPE_CODE_PATTERN } from '../units/unit-types';

const Key = z.string().check(z.regex(/^[a-z0-9_]+$/, 'khóa chỉ gồm a-z, 0-9, _'));
/** A unit type code from the deployment's registry (checked against it by `checkFormDefinition`). */
const UnitTypeSchema = z.string().check(z.regex(UNIT_TYPE_CODE_PATTERN, 'mã loại đơn vị chỉ gồm a-z, 0-9 và "-"'));
const IsoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));
const HhMm = z.string().check(z.regex(/^\d{2}:\d{2}$/));

/** Decimal places of a `decimal` column without `decimals`. */
export const DEFAULT_DECIMALS = 2;

/** whole = whole number; decimal; money = whole đồng (may be billions); text; date; choice = one of `choices`. */
export const FieldTypeSchema = z.enum(['whole', 'decimal', 'money', 'text', 'date', 'choice']);
export type FieldType = z.infer<typeof FieldTypeSchema>;

export const ColumnSchema = z.object({
  key: Key,
  label: z.string(),
  type: FieldTypeSchema,
  /** Lower bound for numbers (default 0 for whole and money). */
  min: z.optional(z.number()),
  max: z.optional(z.number()),
  maxLength: z.optional(z.int()),
  /**
   * Decimal places of a `decimal` column (0–6, default 2): values are rounded to it when read,
   * shown with it in the form and the province workbook, and sums are rounded to it.
   */
  decimals: z.optional(z.int().check(z.gte(0), z.lte(6))),
  /** The list of a `choice` column (required for it): the cell's dropdown, and the only values accepted. */
  choices: z.optional(z.array(z.string())),
  /** How consolidation treats the column: sum numbers, compile text per unit, or ignore. */
  consolidate: z.optional(z.enum(['sum', 'text', 'none'])),
  /** Column width in Excel characters (generator hint). */
  width: z.optional(z.number()),
});
export type Column = z.infer<typeof ColumnSchema>;

/** A computed, never-typed column: `add` minus `sub` over the same row (e.g. giảm = truoc − hien_tai). */
export const ComputedColumnSchema = z.object({
  key: Key,
  label: z.string(),
  add: z.array(Key),
  sub: z._default(z.array(Key), []),
});
export type ComputedColumn = z.infer<typeof ComputedColumnSchema>;

export const RowSchema = z.object({
  /** Official row code (Mã số), e.g. "01". */
  code: z.string().check(z.regex(/^[0-9A-Za-z]+$/)),
  label: z.string(),
  /** Keys of the section's columns this row has. */
  columns: z.array(Key),
  /** Required unless false. Numeric fields of applicable rows are required by default. */
  required: z._default(z.boolean(), true),
  /** Rows only some unit types fill; default: the section's. */
  unitTypes: z.optional(z.array(UnitTypeSchema)),
  /** Indentation level in the Chỉ tiêu column (0 = top). */
  indent: z._default(z.int(), 0),
  /** Extra hint shown in the input message. */
  note: z.optional(z.string()),
});
export type Row = z.infer<typeof RowSchema>;

export const SectionSchema = z.object({
  key: z.string(),
  label: z.string(),
  columns: z.array(ColumnSchema),
  computed: z._default(z.array(ComputedColumnSchema), []),
  rows: z.array(RowSchema),
  /** Only these unit types get this section; default: all. */
  unitTypes: z.optional(z.array(UnitTypeSchema)),
});
export type Section = z.infer<typeof SectionSchema>;

/** Header fields: người lập biểu, phone, date, thủ trưởng đơn vị … (keys become `header.<key>`). */
export const HeaderFieldSchema = z.object({
  key: Key,
  label: z.string(),
  type: FieldTypeSchema,
  required: z._default(z.boolean(), false),
  maxLength: z.optional(z.int()),
});
export type HeaderField = z.infer<typeof HeaderFieldSchema>;

export const TableColumnSchema = z.extend(ColumnSchema, {
  required: z._default(z.boolean(), true),
  /** Values must differ between rows of one file (case and spaces ignored). */
  unique: z._default(z.boolean(), false),
});
export type TableColumn = z.infer<typeof TableColumnSchema>;

/** A within-row rule for tables: `left op right` on column keys, e.g. co_mat <= duoc_giao. */
export const TableRowRuleSchema = z.object({
  id: z.string(),
  severity: z.enum(['error', 'warning']),
  left: z.array(Key),
  op: z.enum(['eq', 'lte', 'gte', 'lt', 'gt']),
  right: z.array(Key),
  message: z.string(),
});

export const TableSchema = z.object({
  key: Key,
  label: z.string(),
  columns: z.array(TableColumnSchema),
  minRows: z._default(z.int(), 1),
  maxRows: z.int(),
  /** Columns with a totals row that the system recomputes and checks. */
  totals: z._default(z.array(Key), []),
  rules: z._default(z.array(TableRowRuleSchema), []),
});
export type Table = z.infer<typeof TableSchema>;

/**
 * A cross-field rule. `left` and `right` are sums of field keys; the rule holds when
 * `sum(left) op sum(right)`. Placeholders `{row}` and `{col}` expand over `rows` × `columns`.
 * It is checked only when every referenced field applies to the unit and has a value
 * (a missing required value is reported on its own). `message` may use {left}, {right},
 * {leftValue}, {rightValue}, {row}, {col}; it is Vietnamese.
 */
export const CompareRuleSchema = z.object({
  id: z.string(),
  kind: z.literal('compare'),
  severity: z.enum(['error', 'warning']),
  left: z.array(z.string()),
  op: z.enum(['eq', 'lte', 'gte', 'lt', 'gt']),
  right: z.array(z.string()),
  rows: z.optional(z.array(z.string())),
  columns: z.optional(z.array(Key)),
  message: z.string(),
});

/** Cross-period: each field should equal the unit's previous accepted period's value (baseline must not move). */
export const BaselineRuleSchema = z.object({
  id: z.string(),
  kind: z.literal('baseline'),
  severity: z.enum(['error', 'warning']),
  fields: z.array(z.string()),
  rows: z.optional(z.array(z.string())),
  columns: z.optional(z.array(Key)),
  message: z.string(),
});
export const RuleSchema = z.discriminatedUnion('kind', [CompareRuleSchema, BaselineRuleSchema]);
export type Rule = z.infer<typeof RuleSchema>;
export type CompareRule = z.infer<typeof CompareRuleSchema>;
export type BaselineRule = z.infer<typeof BaselineRuleSchema>;

/** A ratio recomputed from consolidated sums, never averaged: (sum(add) − sum(sub)) / sum(denominator). */
export const RatioSchema = z.object({
  key: Key,
  label: z.string(),
  numerator: z.object({ add: z.array(z.string()), sub: z._default(z.array(z.string()), []) }),
  denominator: z.array(z.string()),
  /** Target the ratio should reach (e.g. 0.1 = at least 10%), shown beside it. */
  targetMin: z.optional(z.number()),
  targetLabel: z.optional(z.string()),
});
export type Ratio = z.infer<typeof RatioSchema>;

/** A figure named in the leadership briefing: a field key (`16.so_nguoi`, `don_vi.co_mat`, `don_vi.__rows`) and how people say it. */
export const BriefingFigureSchema = z.object({ key: z.string(), label: z.string() });

/**
 * A chart of the leadership briefing (PNG in the email and on the workbook's "Biểu đồ" sheet):
 * - `completeness`: units by unit type — đã nộp / nộp muộn / chưa nộp;
 * - `targets`: each ratio with a target against its target (default: every ratio that has one);
 * - `trend`: ratios or key totals over the last `periods` periods (at most 8);
 * - `breakdown`: parts of a whole per unit type, stacked (e.g. Mã số 24: hoàn thành / đang / chưa).
 */
export const BriefingChartSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('completeness'), title: z.optional(z.string()) }),
  z.object({ kind: z.literal('targets'), title: z.optional(z.string()), ratios: z.optional(z.array(z.string())) }),
  z.object({
    kind: z.literal('trend'),
    title: z.optional(z.string()),
    ratios: z._default(z.array(z.string()), []),
    fields: z._default(z.array(BriefingFigureSchema), []),
    periods: z._default(z.int().check(z.gte(2), z.lte(8)), 8),
  }),
  z.object({ kind: z.literal('breakdown'), title: z.string(), parts: z.array(BriefingFigureSchema) }),
]);
export type BriefingChart = z.infer<typeof BriefingChartSchema>;

/** A unit needs pushing when parts of a whole pass a share, e.g. unfinished tasks (24.dang + 24.chua) above 50% of 24.tong. */
export const ShareRuleSchema = z.object({ label: z.string(), numerator: z.array(z.string()), denominator: z.array(z.string()), above: z.number().check(z.gte(0), z.lte(1)) });
/** A unit needs checking when a figure moved more than `above` (0.3 = 30%) against its previous period; bases under `minPrevious` are ignored. */
export const ChangeRuleSchema = z.object({ key: z.string(), label: z.string(), above: z.number().check(z.gt(0)), minPrevious: z._default(z.number().check(z.gte(0)), 10) });

/** Which units the briefing lists as "Đơn vị cần đôn đốc", and why. */
export const AttentionRulesSchema = z.object({
  /** Not reported or late this many periods in a row (0: off). A unit not reported this period past its deadline is always listed. */
  lateInARow: z._default(z.int().check(z.gte(0), z.lte(8)), 2),
  /** The unit's report was returned ("trả lại"). */
  returned: z._default(z.boolean(), true),
  /** The unit's own value of a ratio with a target is below the target. */
  belowTarget: z._default(z.boolean(), true),
  shares: z._default(z.array(ShareRuleSchema), []),
  changes: z._default(z.array(ChangeRuleSchema), []),
  /** How many units the email lists before "và N đơn vị khác" (the workbook and console list all). */
  emailLimit: z._default(z.int().check(z.gte(1), z.lte(100)), 10),
});
export type AttentionRules = z.infer<typeof AttentionRulesSchema>;

/** The draft report document's header block and addressing (Party document layout). */
export const DraftDocumentSchema = z.object({
  /** The body that issues the report, under the form's `issuer` (e.g. "BAN TỔ CHỨC"). */
  issuingBody: z._default(z.string(), 'BAN TỔ CHỨC'),
  /** The number line's suffix: "Số … -BC/BTCTU". */
  numberSuffix: z._default(z.string(), '-BC/BTCTU'),
  /** "Kính gửi: …". */
  addressee: z._default(z.string(), 'Thường trực Tỉnh ủy'),
  /** Signature block's first line. */
  signer: z._default(z.string(), 'T/M BAN THƯỜNG VỤ'),
  /** "Nơi nhận:" lines. */
  recipients: z._default(z.array(z.string()), ['Như trên,', 'Lưu Văn phòng.']),
});
export type DraftDocument = z.infer<typeof DraftDocumentSchema>;

/** The leadership briefing: what the email's first screen, the charts, the attention list and the draft report show. All optional: a form without it gets the defaults (`resolveBriefing`). */
export const BriefingSchema = z.object({
  /** Key totals the summary sentences and the trend default name, in order. */
  highlights: z._default(z.array(BriefingFigureSchema), []),
  /** Absent: the default charts (completeness, targets when a ratio has one, trends). */
  charts: z.optional(z.array(BriefingChartSchema)),
  attention: z._default(AttentionRulesSchema, { lateInARow: 2, returned: true, belowTarget: true, shares: [], changes: [], emailLimit: 10 }),
  document: z._default(DraftDocumentSchema, { issuingBody: 'BAN TỔ CHỨC', numberSuffix: '-BC/BTCTU', addressee: 'Thường trực Tỉnh ủy', signer: 'T/M BAN THƯỜNG VỤ', recipients: ['Như trên,', 'Lưu Văn phòng.'] }),
});
export type BriefingDefinition = z.infer<typeof BriefingSchema>;

/** A deadline: day of the period's last month and time, Asia/Ho_Chi_Minh; moves to the next working day. */
export const DeadlineSchema = z.object({ day: z.int().check(z.gte(1), z.lte(31)), time: z._default(HhMm, '17:00') });

export const FormDefinitionSchema = z.object({
  id: z.string().check(z.regex(/^[a-z0-9-]+$/)),
  version: z.int().check(z.gte(1)),
  /** Short name for lists and email subjects. */
  name: z.string(),
  /** The official title printed on the form. */
  title: z.string(),
  subtitle: z.optional(z.string()),
  periodType: z.enum(['month', 'quarter', 'half', 'year']),
  /** Header block text (left: issuing body; right: ĐẢNG CỘNG SẢN VIỆT NAM), place for the date line. */
  issuer: z._default(z.string(), 'TỈNH ỦY'),
  place: z._default(z.string(), ''),
  header: z._default(z.array(HeaderFieldSchema), []),
  sections: z._default(z.array(SectionSchema), []),
  tables: z._default(z.array(TableSchema), []),
  rules: z._default(z.array(RuleSchema), []),
  ratios: z._default(z.array(RatioSchema), []),
  deadlines: z.object({
    default: DeadlineSchema,
    byUnitType: z._default(z.record(UnitTypeSchema, DeadlineSchema), {}),
  }),
  /** When consolidation runs and is emailed: day of the period's last month + time (moves to next working day). */
  consolidation: z.object({
    day: z.int().check(z.gte(1), z.lte(31)),
    time: HhMm,
    /**
     * Whether the province report counts accepted reports not yet reviewed ("chờ duyệt"); when
     * false only approved ones ("đã duyệt") count. Returned reports ("trả lại") never count.
     */
    includeUnreviewed: z._default(z.boolean(), true),
    /** Lock the period ("khóa kỳ") automatically this many days after the consolidation; absent: only by hand. */
    autoLockDays: z.optional(z.int().check(z.gte(0), z.lte(366))),
  }),
  reminders: z._default(
    z.object({
      workingDaysBefore: z._default(z.array(z.int()), [3, 1]),
      workingDaysAfter: z._default(z.array(z.int()), [1]),
      time: z._default(HhMm, '08:00'),
    }),
    { workingDaysBefore: [3, 1], workingDaysAfter: [1], time: '08:00' },
  ),
  /**
   * This form's own extra holidays (yyyy-mm-dd) on which deadlines do not fall, besides the
   * province calendar's (functions/core/calendar), which the catalog adds when it is built.
   */
  holidays: z._default(z.array(IsoDate), []),
  /**
   * This form's own extra compensatory working days (a Saturday or Sunday worked, "làm bù"),
   * besides the province calendar's. Optional, so a definition without it stays as written.
   */
  workingDays: z.optional(z.array(IsoDate)),
  recipients: z.object({
    leadership: z.array(z.string()),
    /** Ban Tổ chức: receives the late-unit digest. */
    organisationCommittee: z._default(z.array(z.string()), []),
  }),
  /** The leadership briefing (charts, units needing attention, summary, draft report); absent: defaults. */
  briefing: z.optional(BriefingSchema),
  /** Earlier versions this definition can still read (their structure fingerprints are recorded in the file). */
  supersedes: z._default(z.array(z.int()), []),
});
export type FormDefinition = z.infer<typeof FormDefinitionSchema>;

/** Parses and checks a definition; throws with a readable message naming the file. */
export function parseFormDefinition(raw: unknown, source = 'definition'): FormDefinition {
  const result = FormDefinitionSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(`Form definition ${source} is invalid:\n${z.prettifyError(result.error)}`, { cause: result.error });
  }
  return result.data;
}
