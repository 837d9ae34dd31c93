// The versioned JSON API of the server that serves these pages (same origin).

export class ApiError extends Error {
  constructor(status, code, message, details, retryAfterMs = 0) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterMs = retryAfterMs; // from Retry-After (429, 503): when to ask again
  }

  /** Worth sending again later: the server was busy or failing, not refusing the request. */
  get transient() {
    return this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

/** The request never got an answer (offline, connection dropped). */
export class NetworkError extends Error {
  constructor(cause) {
    super("no answer from the server");
    this.name = "NetworkError";
    this.cause = cause;
  }
}

export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/api/v1${path}`, init);
  } catch (error) {
    throw new NetworkError(error);
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const error = payload && payload.error ? payload.error : {};
    const retryAfter = Number(response.headers.get("Retry-After"));
    throw new ApiError(
      response.status,
      error.code || `HTTP_${response.status}`,
      error.message || response.statusText,
      error.details,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0,
    );
  }
  return payload ? payload.data : null;
}
