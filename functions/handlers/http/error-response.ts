/**
 * The one place errors become HTTP responses (middy http-error-handler contract): an `AppError`
 * with `expose` answers its status with `{ code, message }` (Vietnamese); anything else is a 500
 * with a generic Vietnamese message and is logged, with every token-shaped piece of the path and
 * of the error redacted (`safe-path.ts`).
 * Never a stack trace in a response. Page routes (`/u/…`) get an HTML page instead of JSON.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AppError } from '../../core/errors';
import type { Log } from '../../core/log';
import { html, json, type HttpResponse } from './responses';
import { safeError, safePath } from './safe-path';

export interface ErrorResponseOptions {
  logger: Log;
  /** Renders the HTML error page for browser routes. */
  renderErrorPage(error: { statusCode: number; code: string; message: string }): string;
}

const INTERNAL_MESSAGE = 'Hệ thống đang gặp sự cố, vui lòng thử lại sau ít phút. Nếu vẫn không được, hãy liên hệ Ban Tổ chức Tỉnh ủy.';

export function errorResponse(options: ErrorResponseOptions): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    onError: (request) => {
      const err = request.error;
      const path = safePath(request.event.rawPath ?? '/');
      const known = err instanceof AppError && err.expose;
      const statusCode = known ? err.statusCode : 500;
      const body = known ? { code: err.code, message: err.message } : { code: 'INTERNAL_ERROR', message: INTERNAL_MESSAGE };
      if (known) {
        options.logger.info('request refused', { path, statusCode, code: body.code });
      } else {
        options.logger.error('request failed', { path, error: safeError(err) });
      }
      const page = request.event.rawPath?.startsWith('/u/') && request.event.requestContext?.http?.method !== 'POST';
      request.response = page ? html(statusCode, options.renderErrorPage({ statusCode, ...body })) : json(statusCode, body);
    },
  };
}
