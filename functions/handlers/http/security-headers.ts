/**
 * Security headers for a portal whose URLs carry a secret: no Referer ever leaves the page,
 * only the app's own scripts and styles run, and the only other origin the page may talk to
 * is the S3 endpoint that receives the presigned POST. Responses are `no-store` unless a route
 * chose its own caching (static assets).
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResponse } from './responses';

export interface SecurityHeadersOptions {
  /** Origin of the presigned POST target (e.g. https://bucket.s3.ap-southeast-1.amazonaws.com). */
  uploadOrigin?: string;
}

export function contentSecurityPolicy(uploadOrigin?: string): string {
  const upload = uploadOrigin ? ` ${uploadOrigin}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${upload}`,
    `form-action 'self'${upload}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(options: SecurityHeadersOptions = {}): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  const fixed: Record<string, string> = {
    'content-security-policy': contentSecurityPolicy(options.uploadOrigin),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'strict-transport-security': 'max-age=31536000',
    'cross-origin-opener-policy': 'same-origin',
  };
  const apply = (request: middy.Request<APIGatewayProxyEventV2, HttpResponse>) => {
    const response = request.response;
    if (!response) return;
    response.headers = { 'cache-control': 'no-store', ...response.headers, ...fixed };
  };
  return { after: apply, onError: apply };
}
