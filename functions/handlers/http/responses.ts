/**
 * API Gateway HTTP API (payload v2) responses. Binary bodies are base64 with
 * `isBase64Encoded: true`, which both API Gateway and the local runtime understand.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function html(statusCode: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { 'content-type': 'text/html; charset=utf-8', ...headers }, body };
}

export function binary(statusCode: number, bytes: Buffer, headers: Record<string, string>): HttpResponse {
  return { statusCode, headers: { 'content-length': String(bytes.length), ...headers }, body: bytes.toString('base64'), isBase64Encoded: true };
}

export function redirect(location: string): HttpResponse {
  return { statusCode: 302, headers: { location }, body: '' };
}

/**
 * `Content-Disposition: attachment` with an explicit ASCII fallback (`filename`) and the UTF-8
 * name (`filename*`, RFC 5987/6266), so Vietnamese names survive in every browser.
 */
export function attachment(fileName: string, asciiFallback: string): string {
  const ascii = asciiFallback.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
