// The versioned JSON API, unwrapped: every call resolves to {data, pagination} or throws ApiError.
// The server writes its error messages in the browser's language (Accept-Language); the few
// this module writes itself come from the same catalog.

import { t } from "./messages.js";

const PREFIX = "/api/v1";
// A read refused by the rate limit is asked again once the server says it may be (Retry-After),
// this many times and waiting at most this long each time: a page load asks for ten figures at
// once, a burst the limit may cut short.
const READ_RETRIES = 3;
const LONGEST_WAIT_S = 5;

const pause = (seconds) => new Promise((resolve) => window.setTimeout(resolve, seconds * 1000));

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(method, path, params, body) {
  const url = new URL(PREFIX + path, window.location.origin);
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  // Always asked of the server (an ETag makes that cheap): coming back from a study app, the
  // browser would otherwise serve the figures from before it from its cache.
  const init = { method, headers: { Accept: "application/json" }, cache: "no-cache" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  for (let attempt = 0; ; attempt += 1) {
    try {
      response = await fetch(url, init);
    } catch (error) {
      throw new ApiError(0, "NETWORK", t("portal.error.unreachable"));
    }
    const wait = Number(response.headers.get("Retry-After"));
    const retry = response.status === 429 && method === "GET" && attempt < READ_RETRIES;
    if (!retry || !(wait > 0) || wait > LONGEST_WAIT_S) break;
    await pause(wait);
  }
  const envelope = await response.json().catch(() => null);
  if (!response.ok || !envelope || envelope.status !== "success") {
    const error = (envelope && envelope.error) || {};
    const message =
      response.status === 429
        ? t("portal.error.rate_limited")
        : error.message || t("portal.error.status", { status: response.status });
    throw new ApiError(response.status, error.code || "HTTP_" + response.status, message);
  }
  return { data: envelope.data, pagination: envelope.pagination || null };
}

export async function get(path, params) {
  return (await call("GET", path, params)).data;
}

export function getPage(path, params) {
  return call("GET", path, params);
}

export async function post(path, body) {
  return (await call("POST", path, undefined, body)).data;
}

// Every page of a list, in the server's own page size (at most MAX_PAGE_SIZE, whatever it is set to).
export async function getAll(path, params, maxPages = 20) {
  const items = [];
  for (let page = 1; page <= maxPages; page += 1) {
    const answer = await call("GET", path, { ...params, page });
    items.push(...answer.data);
    if (!answer.pagination || page >= answer.pagination.total_pages) break;
  }
  return items;
}
