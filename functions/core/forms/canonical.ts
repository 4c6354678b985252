/**
 * The canonical text of a form definition: what is stored and fingerprinted when a definition is
 * published. It is the *checked* definition (unknown properties dropped, defaults filled), with
 * object keys sorted and no whitespace, so the same form published from JSON written by hand, from
 * an export or from a workbook gives the same bytes and the same SHA-256.
 */
import { createHash } from 'node:crypto';
import type { FormDefinition } from './definition';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** The canonical JSON of a checked definition (sorted keys, compact). */
export function canonicalDefinitionJson(form: FormDefinition): string {
  return JSON.stringify(sortKeys(form));
}

/** SHA-256 of a text's UTF-8 bytes, hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
