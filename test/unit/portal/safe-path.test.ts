import { signLinkToken, tokenId } from '../../../functions/core/links';
import { newOpaqueToken } from '../../../functions/core/operators/sign-in';
import { redactTokens, safeError } from '../../../functions/handlers/http/safe-path';

const token = signLinkToken({ id: 'k1', secret: 'unit-test-secret-unit-test-secret-0123' }, { u: 'SO-NV', v: 1, exp: 1_900_000_000 });
const [payload, signature] = token.split('.') as [string, string];
const marker = `[token:${tokenId(token)}]`;

describe('redactTokens', () => {
  describe('what it redacts', () => {
    it.each([
      ['a token in a page path', `/u/${token}`, `/u/${marker}`],
      ['a token after a percent-encoded slash', `/u%2F${token}`, `/u%2F${marker}`],
      ['a token with every character percent-encoded', `/x/${encodeURIComponent(token).replace(/[A-Za-z0-9]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`, `/x/${marker}`],
      ['a token in a query string', `/u?t=${token}&x=1`, `/u?t=${marker}&x=1`],
      ['a token in an error message', `Invalid URL: https://baocao.example.vn/u/${token}`, `Invalid URL: https://baocao.example.vn/u/${marker}`],
    ])('redacts %s, keeping the rest', (_case, text, expected) => {
      expect(redactTokens(text)).toBe(expected);
    });

    it.each([
      ['the payload alone', `/u/${payload}`],
      ['the signature alone', `/u/${signature}`],
      ['a token cut short', `/u/${token.slice(0, 60)}`],
    ])('redacts %s (a half-pasted link still opens nothing but should not be logged)', (_case, text) => {
      const redacted = redactTokens(text);
      expect(redacted).toMatch(/^\/u\/\[token:[0-9a-f]{12}\]$/);
    });

    // The console's sign-in token and session id: 32 random bytes, base64url (43 characters, no dot).
    const signIn = newOpaqueToken();
    it.each([
      ['a console sign-in link', `/quan-tri/sign-in/${signIn}`, `/quan-tri/sign-in/[token:${tokenId(signIn)}]`],
      ['a console sign-in link with a trailing slash', `/quan-tri/sign-in/${signIn}/`, `/quan-tri/sign-in/[token:${tokenId(signIn)}]/`],
      ['a session cookie in an error message', `bad cookie __Host-tonghop-phien=${signIn}`, `bad cookie __Host-tonghop-phien=[token:${tokenId(signIn)}]`],
    ])('redacts %s', (_case, text, expected) => {
      expect(redactTokens(text)).toBe(expected);
    });
  });

  describe('what it keeps readable', () => {
    it.each([
      ['an upload id', '/api/uploads/mfx3k2a0b-0a1b2c3d4e'],
      ['a form download', '/api/forms/sap-xep-bo-may/2026-Q4'],
      ['an asset', '/assets/portal.css?v=3f2a9c1b'],
      ['a request id', '3f1d2c4b-9a8e-4f7d-8c6b-5a4e3d2c1b0a'],
      ['a stack line', 'at errorResponse (/var/task/functions/handlers/http/error-response.ts:39:17)'],
      ['a percent-encoded Vietnamese file name', '/api/x/B%C3%A1o%20c%C3%A1o%20qu%C3%BD.xlsx'],
      ['a malformed escape', '/u/%E0%A4%A'],
    ])('keeps %s as it is', (_case, text) => {
      expect(redactTokens(text)).toBe(text);
    });
  });
});

describe('redactTokens on hostile input', () => {
  it('redacts a long path with a stray % in linear time (a request cannot stall the logger)', () => {
    const path = `/${'a-'.repeat(50_000)}%/u/${token}`;
    const started = Date.now();

    const redacted = redactTokens(path);

    expect(Date.now() - started).toBeLessThan(1000); // the first, backtracking pattern took about a minute here
    expect(redacted).toContain(`%/u/${marker}`);
  });
});

describe('safeError', () => {
  it('redacts the message and the stack and keeps the name and code', () => {
    const err = Object.assign(new TypeError(`Invalid URL: /u/${token}`), { code: 'ERR_INVALID_URL' });

    const safe = safeError(err);

    expect(safe).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_URL', message: `Invalid URL: /u/${marker}` });
    expect(JSON.stringify(safe)).not.toContain(signature);
  });
});
