/**
 * The forms the stack schedules, read from templates/*.json at synth time (synchronously: CDK
 * constructs are built synchronously). Each form gets a daily consolidation run at its
 * consolidation time and a daily reminder run at its reminder time plus the form's stagger
 * (`reminderTime`: 0–29 minutes derived from the form id), Asia/Ho_Chi_Minh; the
 * handlers decide whether today is a consolidation or reminder day (deadlines move around
 * weekends and holidays, which a cron expression cannot express).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFormDefinition } from '../../functions/core/forms/definition';
import { reminderTime } from '../../functions/core/usecases/send-reminders';

export interface ScheduledForm {
  formId: string;
  /** Latest version's name (for schedule descriptions). */
  name: string;
  consolidation: { hour: number; minute: number };
  reminders: { hour: number; minute: number };
}

function hhmm(value: string, what: string): { hour: number; minute: number } {
  const [h, m] = value.split(':').map(Number);
  if (h === undefined || m === undefined || !(h >= 0 && h <= 23) || !(m >= 0 && m <= 59)) {
    throw new Error(`${what}: "${value}" is not a time of day (HH:MM)`);
  }
  return { hour: h, minute: m };
}

/** One entry per form id (its latest version wins), sorted by form id. Throws on an invalid definition. */
export function readScheduledForms(templatesDir: string): ScheduledForm[] {
  const latest = new Map<string, ReturnType<typeof parseFormDefinition>>();
  const files = fs.readdirSync(templatesDir).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    const raw: unknown = JSON.parse(fs.readFileSync(path.join(templatesDir, file), 'utf8'));
    const form = parseFormDefinition(raw, file);
    const seen = latest.get(form.id);
    if (!seen || seen.version < form.version) latest.set(form.id, form);
  }
  if (latest.size === 0) throw new Error(`No form definitions (*.json) in ${templatesDir}`);
  return [...latest.values()]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((form) => ({
      formId: form.id,
      name: form.name,
      consolidation: hhmm(form.consolidation.time, `${form.id} consolidation.time`),
      reminders: hhmm(reminderTime(form), `${form.id} reminders.time`),
    }));
}
