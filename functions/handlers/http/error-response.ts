/**
 * The one place errors become HTTP responses (middy http-error-handler contract): an `AppError`
 * with `expose` answers its status with `{ code, message }` (Vietnamese); anything else is a 500
 * with a generic Vietnamese message and is logged, with every token-shaped piece of the path and
 * of the error redacted (`safe-path.ts`).
 * Never a stack trace in a response. Page routes (`/u/…`, the console's pages) get an HTML page instead of JSON.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AppError } from '../../core/errors';
import type { Log } from '../../core/log';
import { CONSOLE_PATH } from '../../core/operators/model';
import { html, json, type HttpResponse } from './responses';
import { safeError, safePath } from './safe-path';

export interface ErrorResponseOptions {
  logger: Log;
  /** Renders the HTML error page for browser routes (`path`: the unit portal's `/u/…` or the console's pages). */
  renderErrorPage(error: { statusCode: number; code: string; message: string }, path: string): string;
}

const INTERNAL_MESSAGE = 'Hệ thống đang gặp sự cố, vui lòng thử lại sau ít phút. Nếu vẫn không được, hãy liên hệ Ban Tổ chức Tỉnh ủy.';

/** The console's browser pages (`/quan-tri`, `/quan-tri/…`), not its JSON (`/quan-tri/api/…`). */
export function isConsolePage(path: string): boolean {
  return (path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`)) && !path.startsWith(`${CONSOLE_PATH}/api/`);
}

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
      const rawPath = request.event.rawPath ?? '/';
      const page = (rawPath.startsWith('/u/') || isConsolePage(rawPath)) && request.event.requestContext?.http?.method !== 'POST';
      request.response = page ? html(statusCode, options.renderErrorPage({ statusCode, ...body }, rawPath)) : json(statusCode, body);
    },
  };
}
