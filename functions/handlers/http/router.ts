/**
 * A very small router for the portal's handful of routes: method + path pattern with
 * `:param` segments. Kept here rather than pulling in a router package: the routes are few and
 * the matching must be exact (a token is one path segment, never a prefix).
 */
import { AppError } from '../../core/errors';
import type { HttpResponse } from './responses';

export interface RouteRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  headers: Record<string, string | undefined>;
  body: string | undefined;
  /** The request's cookies (`name=value`; payload v2 passes them apart from the headers). */
  cookies?: string[];
  /** The raw query string, without `?`. */
  query?: string;
  /** The client's address as API Gateway saw it (`requestContext.http.sourceIp`). */
  sourceIp?: string;
}

export interface Route {
  method: 'GET' | 'POST';
  pattern: string;
  handle(request: RouteRequest): Promise<HttpResponse>;
}

function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      if (!g) return undefined;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) {
      return undefined;
    }
  }
  return params;
}

/** Dispatches to the first matching route; 404/405 as `AppError`s for the error middleware. */
export async function dispatch(routes: Route[], request: Omit<RouteRequest, 'params'>): Promise<HttpResponse> {
  let pathMatched = false;
  for (const route of routes) {
    const params = match(route.pattern, request.path);
    if (!params) continue;
    pathMatched = true;
    if (route.method === request.method || (route.method === 'GET' && request.method === 'HEAD')) {
      return route.handle({ ...request, params });
    }
  }
  if (pathMatched) throw new AppError('METHOD_NOT_ALLOWED', 'Phương thức không được hỗ trợ cho địa chỉ này.', { statusCode: 405 });
  throw new AppError('ROUTE_NOT_FOUND', 'Không tìm thấy trang hoặc địa chỉ API này.', { statusCode: 404 });
}
