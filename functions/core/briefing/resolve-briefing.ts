/**
 * The briefing a form asks for, with the defaults filled in: a form that declares no `briefing`
 * (or only part of one) still gets a useful first screen — completeness, its ratios against their
 * targets, the trend of its ratios and of its key totals — without any form-specific code.
 */
import { figureKeys } from '../consolidation/report';
import { BriefingSchema, type AttentionRules, type BriefingChart, type DraftDocument, type FormDefinition } from '../forms/definition';

/** A key total named by the briefing: a summed figure key and how people say it. */
export interface BriefingFigure {
  key: string;
  label: string;
}

/** The form's briefing with every default applied. */
export interface ResolvedBriefing {
  /** The key totals (declared, or the form's first three summed figures). */
  highlights: BriefingFigure[];
  charts: BriefingChart[];
  attention: AttentionRules;
  document: DraftDocument;
}

/** How many summed figures stand in for undeclared highlights. */
const DEFAULT_HIGHLIGHTS = 3;

/**
 * The form's `briefing` or its defaults. Highlights default to the form's first three summed
 * figures; charts default to completeness, the ratios with a target against it (when any), the
 * trend of the ratios (when any) and the trend of the highlights (when any).
 */
export function resolveBriefing(form: FormDefinition): ResolvedBriefing {
  // Parsing `{}` yields the schema's own defaults, so they are written down in one place.
  const declared = form.briefing ?? BriefingSchema.parse({});
  const highlights = declared.highlights.length > 0 ? declared.highlights : defaultHighlights(form);
  return {
    highlights,
    charts: declared.charts ?? defaultCharts(form, highlights),
    attention: declared.attention,
    document: declared.document,
  };
}

/** The first summed figures, named as the workbook names them: a table's figure by its own label, a Mã số by row and column. */
function defaultHighlights(form: FormDefinition): BriefingFigure[] {
  const tables = new Set(form.tables.map((t) => t.key));
  return figureKeys(form)
    .slice(0, DEFAULT_HIGHLIGHTS)
    .map((f) => ({ key: f.key, label: tables.has(f.code) ? f.columnLabel : `${f.rowLabel} — ${f.columnLabel.toLocaleLowerCase('vi')}` }));
}

function defaultCharts(form: FormDefinition, highlights: readonly BriefingFigure[]): BriefingChart[] {
  const charts: BriefingChart[] = [{ kind: 'completeness' }];
  if (form.ratios.some((r) => r.targetMin !== undefined)) charts.push({ kind: 'targets' });
  if (form.ratios.length > 0) charts.push({ kind: 'trend', ratios: form.ratios.map((r) => r.key), fields: [], periods: 8 });
  if (highlights.length > 0) charts.push({ kind: 'trend', ratios: [], fields: [...highlights], periods: 8 });
  return charts;
}
