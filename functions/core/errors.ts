/**
 * Error classes. A user-facing error carries a stable `code` and a Vietnamese `message`;
 * `statusCode` + `expose` follow middy's http-error-handler contract so one middleware maps
 * them to HTTP responses (house style §5).
 */
export class AppError extends Error {
  readonly statusCode: number;
  readonly expose: boolean;
  readonly code: string;
  constructor(code: string, message: string, options: { statusCode?: number; expose?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.statusCode = options.statusCode ?? 500;
    this.expose = options.expose ?? this.statusCode < 500;
  }
}

/** 400: the request body or a parameter is not what the API accepts. */
export class InvalidInputError extends AppError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { statusCode: 400, cause });
  }
}

/** 401: no token, or a token that is invalid, revoked or expired. */
export class UnauthorizedError extends AppError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { statusCode: 401, cause });
  }
}

/** 403: the token is valid but the resource belongs to another unit. */
export class ForbiddenError extends AppError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { statusCode: 403, cause });
  }
}

/** 404: unknown form, period, upload or unit. */
export class NotFoundError extends AppError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { statusCode: 404, cause });
  }
}

/** 413: the file is larger than the configured limit. */
export class TooLargeError extends AppError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { statusCode: 413, cause });
  }
}

/** 409: a conditional write lost a race; callers retry or treat as already done. */
export class ConflictError extends AppError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { statusCode: 409, cause });
  }
}

/** Configuration is missing or malformed: stops start-up with a clear message. */
export class ConfigError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('CONFIG_INVALID', message, { statusCode: 500, expose: false, cause });
  }
}
