/**
 * Publishing and retiring form definitions at run time (`npx tonghop forms publish|retire`, the
 * seed catalog at start and deploy). A published version is immutable: its body is written
 * first, then its index entry with a conditional write, so a version exists for readers only
 * once indexed (the table has no transactions with S3, and dynalite none at all).
 */
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import { canonicalDefinitionJson, sha256Hex } from '../forms/canonical';
import type { LiveFormCatalog } from '../forms/catalog';
import type { UnitTypeRegistry } from '../units/unit-types';
import { checkFormDefinition, type DefinitionProblem } from '../forms/check-definition';
import type { FormDefinition } from '../forms/definition';
import type { Log } from '../log';
import { PERIOD_TYPE_LABELS, openPeriod, parsePeriod } from '../periods';

/** Who publishes the seed catalog (`templates/*.json`). */
export const SEED_ACTOR = 'seed';
import type { AuditLog, Clock, FormDefinitionStore, PublishedFormVersion } from '../ports';

export interface PublishFormDeps {
  forms: FormDefinitionStore;
  clock: Clock;
  /** Operator and CLI actions are audited; the seed (no operator) is not. */
  audit?: Pick<AuditLog, 'record'>;
  /** Told to reload at once after a change in this process. */
  catalog?: Pick<LiveFormCatalog, 'invalidate'>;
  /** The deployment's unit types: a definition naming another type is refused (DEF_UNKNOWN_UNIT_TYPE). */
  unitTypes?: UnitTypeRegistry;
}

export interface PublishFormInput {
  /** The definition as read (JSON, or what a workbook reader produced): checked here. */
  raw: unknown;
  /** First period the version applies to, of the form's period type (e.g. 2027-H1). */
  effectiveFrom?: string;
  /** `cli:<user>`, an operator's email, or `seed`. */
  actor: string;
}

export type PublishFormResult =
  | { outcome: 'invalid'; problems: DefinitionProblem[] }
  | { outcome: 'published' | 'unchanged'; form: FormDefinition; entry: PublishedFormVersion };

function conflict(form: FormDefinition): ConflictError {
  return new ConflictError(
    'FORM_VERSION_CONFLICT',
    `Biểu mẫu "${form.id}" phiên bản ${form.version} đã được phát hành với nội dung khác. Một phiên bản đã phát hành không sửa được: tăng "version" để phát hành phiên bản mới.`,
  );
}

/**
 * Checks and publishes one definition. The same content (same canonical JSON) published again is
 * a no-op (`unchanged`); different content under an existing id and version is refused
 * (ConflictError FORM_VERSION_CONFLICT), as is a new effective period for it. A version whose
 * period type differs from the form's other versions, a new version of a retired form, or an
 * `effectiveFrom` that is not a period of the form's type are refused too.
 */
export async function publishFormDefinition(deps: PublishFormDeps, input: PublishFormInput): Promise<PublishFormResult> {
  const { form, problems } = checkFormDefinition(input.raw, { unitTypes: deps.unitTypes });
  if (!form || problems.length > 0) return { outcome: 'invalid', problems };
  const body = canonicalDefinitionJson(form);
  const sha256 = sha256Hex(body);
  let effectiveFrom = input.effectiveFrom?.trim() || undefined;

  const existing = await deps.forms.getVersion(form.id, form.version);
  if (existing) return unchangedOrConflict(existing, form, sha256, effectiveFrom);

  if (effectiveFrom !== undefined) {
    if (effectiveFrom.length > 16) throw effectiveFromInvalid(form, effectiveFrom.slice(0, 16));
    try {
      parsePeriod(effectiveFrom, form.periodType);
    } catch (cause) {
      throw effectiveFromInvalid(form, effectiveFrom, cause);
    }
  }
  const { versions, retirements } = await deps.forms.readIndex();
  if (retirements.some((r) => r.formId === form.id)) {
    throw new ConflictError('FORM_RETIRED', `Biểu mẫu "${form.id}" đã ngừng sử dụng: không phát hành thêm phiên bản.`);
  }
  const sibling = versions.filter((v) => v.formId === form.id).sort((a, b) => b.version - a.version)[0];
  if (sibling) {
    const text = await deps.forms.readBody(sibling);
    const other = text === undefined ? undefined : (JSON.parse(text) as Partial<FormDefinition>);
    if (other?.periodType && other.periodType !== form.periodType) {
      throw new ConflictError(
        'FORM_PERIOD_TYPE_CHANGED',
        `Biểu mẫu "${form.id}" báo cáo theo ${PERIOD_TYPE_LABELS[other.periodType]}; phiên bản mới không đổi được sang ${PERIOD_TYPE_LABELS[form.periodType]} (dùng mã biểu mẫu khác).`,
      );
    }
  }

  // A form new to the system applies from the period units are reporting on now, unless told
  // otherwise: published without it, every past period would show as due (and late) on the
  // units' pages. The seed catalog applies to every period (its forms were always there).
  if (!sibling && effectiveFrom === undefined && input.actor !== SEED_ACTOR) effectiveFrom = openPeriod(form, deps.clock.now());

  const { versionId } = await deps.forms.writeBody(form.id, form.version, body);
  const entry: PublishedFormVersion = {
    formId: form.id,
    version: form.version,
    sha256,
    ...(effectiveFrom ? { effectiveFrom } : {}),
    publishedAt: deps.clock.now().toISOString(),
    publishedBy: input.actor,
    ...(versionId ? { bodyVersionId: versionId } : {}),
  };
  if (!(await deps.forms.putVersion(entry))) {
    // Someone indexed this version between our read and our write: theirs stands.
    const winner = await deps.forms.getVersion(form.id, form.version);
    if (!winner) throw conflict(form);
    return unchangedOrConflict(winner, form, sha256, effectiveFrom);
  }
  deps.catalog?.invalidate();
  await deps.audit?.record({
    at: entry.publishedAt,
    actor: input.actor,
    action: 'forms.publish',
    target: `${form.id}/v${form.version}`,
    after: { name: form.name, sha256, ...(effectiveFrom ? { effectiveFrom } : {}) },
  });
  return { outcome: 'published', form, entry };
}

function effectiveFromInvalid(form: FormDefinition, value: string, cause?: unknown): InvalidInputError {
  return new InvalidInputError(
    'FORM_EFFECTIVE_FROM_INVALID',
    `Kỳ áp dụng "${value}" không phải kỳ ${PERIOD_TYPE_LABELS[form.periodType]} của biểu mẫu "${form.id}" (ví dụ: ${PERIOD_EXAMPLES[form.periodType]}).`,
    cause,
  );
}

const PERIOD_EXAMPLES: Record<FormDefinition['periodType'], string> = { month: '2027-01', quarter: '2027-Q1', half: '2027-H1', year: '2027' };

function unchangedOrConflict(existing: PublishedFormVersion, form: FormDefinition, sha256: string, effectiveFrom: string | undefined): PublishFormResult {
  if (existing.sha256 !== sha256) throw conflict(form);
  if (effectiveFrom !== undefined && effectiveFrom !== existing.effectiveFrom) {
    throw new ConflictError(
      'FORM_VERSION_CONFLICT',
      `Biểu mẫu "${form.id}" phiên bản ${form.version} đã được phát hành ${existing.effectiveFrom ? `áp dụng từ kỳ ${existing.effectiveFrom}` : 'áp dụng cho mọi kỳ'}; không đổi được kỳ áp dụng của phiên bản đã phát hành.`,
    );
  }
  return { outcome: 'unchanged', form, entry: existing };
}

/**
 * A published version as its author wrote it: the stored body, not the catalog's copy, whose
 * `holidays` and `workingDays` also hold the province calendar's days. This is what `forms export`
 * and `forms show --json` hand out, so that publishing an export again is a no-op (the calendar
 * stays one list shared by all forms instead of being copied into each exported definition).
 * NotFoundError FORM_NOT_FOUND when the version is not indexed or its body is missing or altered.
 */
export async function readPublishedDefinition(forms: Pick<FormDefinitionStore, 'getVersion' | 'readBody'>, formId: string, version: number): Promise<FormDefinition> {
  const entry = await forms.getVersion(formId, version);
  const text = entry ? await forms.readBody(entry) : undefined;
  const form = text !== undefined && sha256Hex(text) === entry?.sha256 ? checkFormDefinition(JSON.parse(text)).form : undefined;
  if (!form) throw new NotFoundError('FORM_NOT_FOUND', `Không có biểu mẫu "${formId.slice(0, 64)}" phiên bản ${version}.`);
  return form;
}

export interface RetireFormInput {
  formId: string;
  actor: string;
}

/**
 * Retires a form: it is no longer offered on units' pages, scheduled or reminded; its versions
 * and every submission stay readable (history, late consolidations). Retiring a retired form is
 * a no-op (`alreadyRetired`). NotFoundError FORM_NOT_FOUND when no version was ever published.
 */
export async function retireForm(deps: PublishFormDeps, input: RetireFormInput): Promise<{ outcome: 'retired' | 'already-retired'; retiredAt: string; retiredBy: string }> {
  const { versions, retirements } = await deps.forms.readIndex();
  const done = retirements.find((r) => r.formId === input.formId);
  if (done) return { outcome: 'already-retired', retiredAt: done.retiredAt, retiredBy: done.retiredBy };
  if (!versions.some((v) => v.formId === input.formId)) throw new NotFoundError('FORM_NOT_FOUND', `Không có biểu mẫu "${input.formId.slice(0, 64)}".`);
  const retirement = { formId: input.formId, retiredAt: deps.clock.now().toISOString(), retiredBy: input.actor };
  if (!(await deps.forms.retire(retirement))) {
    const again = (await deps.forms.readIndex()).retirements.find((r) => r.formId === input.formId);
    return { outcome: 'already-retired', retiredAt: again?.retiredAt ?? retirement.retiredAt, retiredBy: again?.retiredBy ?? retirement.retiredBy };
  }
  deps.catalog?.invalidate();
  await deps.audit?.record({ at: retirement.retiredAt, actor: input.actor, action: 'forms.retire', target: input.formId, before: { retired: false }, after: { retired: true } });
  return { outcome: 'retired', retiredAt: retirement.retiredAt, retiredBy: retirement.retiredBy };
}

/** One seed file's outcome. */
export interface SeedOutcome {
  source: string;
  outcome: 'published' | 'unchanged' | 'skipped';
  formId?: string;
  version?: number;
  reason?: string;
}

/**
 * Publishes the seed catalog (`templates/*.json`, each `{ source, raw }`) idempotently: what is
 * already published with the same content is left alone; a seed whose id and version exist with
 * other content, or that does not pass the checks, is logged and skipped — a seed never
 * overwrites what an operator published.
 */
export async function seedFormCatalog(deps: PublishFormDeps & { log: Log }, seeds: ReadonlyArray<{ source: string; raw: unknown }>): Promise<SeedOutcome[]> {
  const outcomes: SeedOutcome[] = [];
  for (const seed of seeds) {
    try {
      const result = await publishFormDefinition({ ...deps, audit: undefined }, { raw: seed.raw, actor: SEED_ACTOR });
      if (result.outcome === 'invalid') {
        deps.log.error('seed form definition is invalid: skipped', { source: seed.source, problems: result.problems.slice(0, 5) });
        outcomes.push({ source: seed.source, outcome: 'skipped', reason: 'invalid' });
      } else {
        if (result.outcome === 'published') deps.log.debug('seed form published', { source: seed.source, formId: result.form.id, version: result.form.version });
        outcomes.push({ source: seed.source, outcome: result.outcome, formId: result.form.id, version: result.form.version });
      }
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      deps.log.warn('seed form definition differs from the published version: skipped, the published one stands', { source: seed.source, code: err.code });
      outcomes.push({ source: seed.source, outcome: 'skipped', reason: err.code });
    }
  }
  return outcomes;
}
