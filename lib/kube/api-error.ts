// The error of a Kubernetes API call: the HTTP status and the metav1.Status reason, as kubectl would show them.

/** A failed API request (the server answered with an error Status, or could not be reached: code 0). */
export class KubeApiError extends Error {
  constructor(
    /** HTTP status (404, 409, 410…), or 0 when the server could not be reached. */
    readonly code: number,
    /** metav1.Status reason (NotFound, AlreadyExists, Conflict, Expired, Gone…), or the network error code. */
    readonly reason: string,
    /** The server's message (English, as kubectl prints it). */
    message: string,
    /** The request, e.g. "GET /api/v1/namespaces/legacy". */
    readonly request: string,
  ) {
    super(message);
    this.name = "KubeApiError";
  }

  /** True for 404. */
  get notFound(): boolean {
    return this.code === 404;
  }

  /** True for 409 AlreadyExists. */
  get alreadyExists(): boolean {
    return this.code === 409 && this.reason === "AlreadyExists";
  }

  /** True for 410 (a watch's resourceVersion is too old: relist). */
  get gone(): boolean {
    return this.code === 410;
  }

  /** True when the server was not reached at all. */
  get unreachable(): boolean {
    return this.code === 0;
  }
}

/** Builds a KubeApiError from a response body (a metav1.Status when the server sent one). */
export const apiErrorFromStatus = ({ code, body, request }: { code: number; body: unknown; request: string }): KubeApiError => {
  const status = (typeof body === "object" && body !== null ? body : {}) as { reason?: string; message?: string; code?: number };
  const reason = status.reason || defaultReason(code);
  const message = status.message || (typeof body === "string" && body.trim() ? body.trim().slice(0, 500) : `the server responded with HTTP ${code}`);
  return new KubeApiError(status.code || code, reason, message, request);
};

const defaultReason = (code: number): string =>
  ({ 400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed", 409: "Conflict", 410: "Gone", 415: "UnsupportedMediaType", 422: "Invalid", 429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable", 504: "Timeout" })[code] ?? "Unknown";
