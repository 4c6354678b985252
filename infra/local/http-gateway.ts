/**
 * The local stand-in for API Gateway HTTP API (payload format 2.0): turns a Node HTTP request
 * into the same `APIGatewayProxyEventV2` Lambda receives and writes the handler's result back,
 * so the portal/API handler runs unchanged. Like API Gateway, it caps the request body
 * (10 MB; uploads go straight to S3 anyway), base64-encodes non-text bodies, joins repeated
 * headers with commas and passes cookies in `cookies`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|[^;]*\+json)/i;

/** The request body exceeded API Gateway's payload limit. */
export class PayloadTooLargeError extends Error {}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  // Past the limit the rest is read and dropped (up to 4× the limit), so the client, still
  // sending, receives the 413 instead of a reset connection.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > 4 * maxBytes) break;
    if (total <= maxBytes) chunks.push(chunk);
  }
  if (total > maxBytes) throw new PayloadTooLargeError(`request body over ${maxBytes} bytes`);
  return Buffer.concat(chunks, total);
}

/** Builds the v2 event for a request (reads the body). */
export async function toApiGatewayEvent(req: IncomingMessage, options: { maxBytes?: number } = {}): Promise<APIGatewayProxyEventV2> {
  // The path as sent, like API Gateway's rawPath: `new URL('//u/…', base)` would read `u` as a host.
  const target = req.url ?? '/';
  const queryAt = target.indexOf('?');
  const rawPath = target.startsWith('/') ? (queryAt < 0 ? target : target.slice(0, queryAt)) : new URL(target, 'http://localhost').pathname;
  const url = new URL(queryAt < 0 ? '/' : `/${target.slice(queryAt)}`, 'http://localhost');
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      cookies = [...(cookies ?? []), ...value.split(/;\s*/).filter(Boolean)];
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const bytes = await readBody(req, options.maxBytes ?? MAX_REQUEST_BYTES);
  const isText = TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
  const now = new Date();
  const method = (req.method ?? 'GET').toUpperCase();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies,
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0]!,
      http: { method, path: rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: bytes.length === 0 ? undefined : isText ? bytes.toString('utf8') : bytes.toString('base64'),
    isBase64Encoded: bytes.length > 0 && !isText,
  };
}

/** Writes a handler result the way API Gateway does (a bare value becomes a 200 JSON body). */
export function writeApiGatewayResult(res: ServerResponse, result: APIGatewayProxyResultV2 | undefined, method = 'GET'): void {
  if (result === undefined || result === null || typeof result !== 'object' || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(method === 'HEAD' ? undefined : body);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? undefined : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
  if (body && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(method === 'HEAD' ? undefined : body);
}
