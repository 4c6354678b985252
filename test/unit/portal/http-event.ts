/** API Gateway HTTP API (payload v2) events, as API Gateway and the local runtime send them. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export function httpEvent(method: string, path: string, options: { headers?: Record<string, string>; body?: string; bearer?: string } = {}): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = { host: 'baocao.example.vn', ...options.headers };
  if (options.bearer !== undefined) headers['authorization'] = `Bearer ${options.bearer}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: 'anonymous', apiId: 'local', domainName: 'baocao.example.vn', domainPrefix: 'baocao', requestId: 'req-1', routeKey: '$default', stage: '$default',
      time: '01/Mar/2019:03:00:00 +0000', timeEpoch: 1551409200000,
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
    },
    body: options.body,
    isBase64Encoded: false,
  };
}
