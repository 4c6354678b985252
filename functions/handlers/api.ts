/**
 * The portal and its JSON API behind API Gateway HTTP API (payload v2), and behind the local
 * runtime which translates HTTP requests into the same events. Middleware first (security
 * headers, one error mapper), then the route dispatch.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { generateForm as generateFormFromCatalog } from '../core/forms';
import { renderConsoleMessagePage } from '../portal/render-console-page';
import { renderMessagePage } from '../portal/render-unit-page';
import type { Log } from '../core/log';
import type { FormCatalog } from '../core/forms/catalog';
import { readyCatalog } from '../core/forms/live-catalog';
import type { FormDefinitionStore, PeriodLockStore, ReviewStore } from '../core/ports';
import { createConsoleAuditRoutes } from './http/console-audit-routes';
import { consoleErrorPageTitle, createConsoleRoutes, type ConsoleDeps } from './http/console-routes';
import { createConsoleUnitsRoutes } from './http/console-units-routes';
import { createConsoleReportsRoutes } from './http/console-reports-routes';
import { createConsoleLocksRoutes } from './http/console-locks-routes';
import { createConsoleReviewRoutes } from './http/console-review-routes';
import { createConsoleFormsRoutes } from './http/console-forms-routes';
import { errorResponse, isConsolePage } from './http/error-response';
import { createPortalRoutes, errorPageTitle, type PortalDeps } from './http/portal-routes';
import type { HttpResponse } from './http/responses';
import { dispatch } from './http/router';
import { securityHeaders } from './http/security-headers';

export interface ApiDeps extends Omit<PortalDeps, 'generateForm' | 'logger' | 'config' | 'catalog' | 'reviews' | 'locks'> {
  /** Reviews: the unit page reads them; the console's review routes write them (conditional puts). */
  reviews: ReviewStore;
  /** Period locks: uploads and reviews are refused in a locked period (409 PERIOD_LOCKED); the console's "Khóa kỳ" routes write them. */
  locks: PeriodLockStore;
  /** The form catalog, or its loading promise (a CommonJS Lambda bundle cannot await at module scope). */
  catalog: FormCatalog | Promise<FormCatalog>;
  config: PortalDeps['config'] & {
    /** Origin of the presigned POST target, allowed in the CSP (connect-src, form-action). */
    uploadOrigin?: string;
  };
  /** Defaults to the forms engine's `generateForm`. */
  generateForm?: PortalDeps['generateForm'];
  /** Defaults to a Powertools logger (service `tonghop-api`). */
  logger?: Log;
  /** The operator console (sign-in, sessions, `/api/admin/`); without it those routes do not exist. */
  console?: Pick<ConsoleDeps, 'signIn' | 'audit' | 'consolidation'> & {
    /** The published forms' store: with it the console's "Biểu mẫu" publishes and retires forms (admins). */
    forms?: FormDefinitionStore;
  };
}

export type ApiHandler = (event: APIGatewayProxyEventV2, context?: Context) => Promise<HttpResponse>;

export function createApiHandler(deps: ApiDeps): ApiHandler {
  const logger = deps.logger ?? new Logger({ serviceName: 'tonghop-api' });
  const routes = Promise.resolve(deps.catalog).then((catalog) => [
    ...createPortalRoutes({ ...deps, catalog, generateForm: deps.generateForm ?? generateFormFromCatalog, logger }),
    ...(deps.console ? createConsoleRoutes({ ...deps.console, units: deps.units, submissions: deps.submissions, locks: deps.locks, catalog, logger }) : []),
    ...(deps.console ? createConsoleAuditRoutes({ ...deps.console, catalog }) : []),
    ...(deps.console ? createConsoleUnitsRoutes({ signIn: deps.console.signIn, units: deps.units, catalog, secrets: deps.secrets, logger }) : []),
    ...(deps.console ? createConsoleReportsRoutes({ ...deps.console, units: deps.units, submissions: deps.submissions, catalog, logger }) : []),
    ...(deps.console ? createConsoleLocksRoutes({ signIn: deps.console.signIn, units: deps.units, submissions: deps.submissions, reviews: deps.reviews, locks: deps.locks, catalog, logger }) : []),
    ...(deps.console?.forms ? createConsoleFormsRoutes({ signIn: deps.console.signIn, catalog, forms: deps.console.forms, objects: deps.files }) : []),
    ...(deps.console ? createConsoleReviewRoutes({ signIn: deps.console.signIn, units: deps.units, submissions: deps.submissions, catalog, reviews: deps.reviews, locks: deps.locks, secrets: deps.secrets, logger }) : []),
  ]);
  // A catalog that fails to load fails each request (500, logged), not the process.
  routes.catch(() => undefined);
  const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
    .use(securityHeaders({ uploadOrigin: deps.config.uploadOrigin }))
    .use(
      errorResponse({
        logger,
        renderErrorPage: (e, path) =>
          isConsolePage(path) ? renderConsoleMessagePage({ title: consoleErrorPageTitle(e.statusCode), message: e.message, code: e.code }) : renderMessagePage({ title: errorPageTitle(e.statusCode), message: e.message, code: e.code }),
      }),
    )
    .handler(async (event) => {
      const body = event.body !== undefined && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      // A trailing slash (added by some mail clients) names the same page.
      const path = event.rawPath.length > 1 ? event.rawPath.replace(/\/+$/, '') : event.rawPath;
      const headers = event.headers ?? {};
      // Payload v2 moves `Cookie` into `cookies`; a plain header (tests, other proxies) is read too.
      const cookies = [...(event.cookies ?? []), ...(headers['cookie']?.split(/;\s*/) ?? [])].filter(Boolean);
      // Routes hold the catalog object itself: a live catalog revalidated here is what they read.
      const [ready] = await Promise.all([routes, readyCatalog(deps.catalog)]);
      return dispatch(ready, {
        method: event.requestContext.http.method.toUpperCase(), path, headers, body, cookies, query: event.rawQueryString ?? '', sourceIp: event.requestContext.http.sourceIp,
      });
    });
  // The local runtime may call without a Lambda context; middy needs an object.
  return (event, context) => handler(event, context ?? ({} as Context));
}
