/**
 * What may be logged of a request path, URL or error: every token-shaped piece is replaced by
 * `[token:<tokenId>]`, wherever it sits (`/u/<t>`, `//u/<t>`, `/U/<t>`, `/x/u/<t>`, `/api/me/<t>`,
 * a query, an error message or stack), whether written plainly or percent-encoded (`/u%2F<t>`,
 * `%41…`). The rest of the text is kept, so a log still shows the shape of what was asked. The
 * Lambda API handler's error mapper and the local gateway's error log both go through here.
 *
 * "Token-shaped" is deliberately wider than a valid token (see `core/links.ts`,
 * `<base64url payload>.<base64url HMAC>`), so that a truncated, mangled or half-pasted link is
 * redacted too: a run of base64url characters and dots that is
 * - 32+ characters with a dot in it (payload and signature, or a piece of both), or
 * - 40+ characters (a signature, 43, or a payload alone), or
 * - 16+ characters starting with `eyJ` (the start of a payload: base64 of `{"`).
 * Upload ids (20 characters, no dot), request ids (UUIDs, 36), form ids, periods, file names and
 * source paths in a stack stay readable.
 */
import { tokenId } from '../../core/links';

const RUN = /[A-Za-z0-9_.-]+/g;
/**
 * A run that may hold percent-escapes (only those with one are decoded). The two alternatives
 * start differently, so matching is linear: the text may be a long hostile path.
 */
const ENCODED_RUN = /(?:[A-Za-z0-9_.-]|%[0-9A-Fa-f]{2})+/g;

function isTokenShaped(run: string): boolean {
  return (run.length >= 32 && run.includes('.')) || run.length >= 40 || (run.length >= 16 && run.startsWith('eyJ'));
}

function redactRuns(text: string, keep: (piece: string) => string = (piece) => piece): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(RUN)) {
    if (!isTokenShaped(m[0])) continue;
    out += keep(text.slice(last, m.index)) + `[token:${tokenId(m[0])}]`;
    last = m.index + m[0].length;
  }
  return last === 0 ? keep(text) : out + keep(text.slice(last));
}

function decode(run: string): string | undefined {
  try {
    return decodeURIComponent(run);
  } catch {
    return undefined;
  }
}

/** Any text (a path, a URL, an error message) with its token-shaped pieces redacted. */
export function redactTokens(text: string): string {
  // Percent-encoded runs first: decoded, redacted, and what is left encoded again as it came.
  const decodedFirst = text.replace(ENCODED_RUN, (run) => {
    if (!run.includes('%')) return run;
    const decoded = decode(run);
    if (decoded === undefined) return run; // not UTF-8: the plain pass below still sees its runs
    const redacted = redactRuns(decoded, encodeURIComponent);
    return redacted === encodeURIComponent(decoded) ? run : redacted;
  });
  return redactRuns(decodedFirst);
}

/** A request path as it may be logged. */
export function safePath(path: string): string {
  return redactTokens(path);
}

/** Name, code (`ECONNRESET`…), message and stack of an error as they may be logged (never for a response). */
export function safeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const { code } = err as NodeJS.ErrnoException;
    return {
      name: err.name,
      ...(typeof code === 'string' ? { code: redactTokens(code) } : {}),
      message: redactTokens(err.message),
      ...(err.stack ? { stack: redactTokens(err.stack) } : {}),
    };
  }
  return { value: redactTokens(String(err)) };
}
