// Answers on their way to the server, kept in localStorage until the server has stored them.
//
// Each answer gets an idempotency key when it is given. It is sent, and sent again with the
// same key after a network failure or a busy server, until the server says it is stored: the
// server stores one answer per key, so a POST whose reply was lost and is sent again is not
// stored twice. A page closed with answers still waiting sends them when a study page opens
// again. An answer the server refuses for good (its session expired) is held, not dropped:
// the learner may carry it into a new session.

import { api, ApiError } from "./api.js";

const STORE_KEY = "lang-portal.pending-answers.v1";
const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 10000;

function randomKey() {
  if (crypto.randomUUID) return crypto.randomUUID(); // secure contexts only (https, localhost)
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The session can take no more answers: it expired, it was completed or paused (elsewhere), or
 * it does not exist (any more).
 */
export function sessionGone(error) {
  return (
    error instanceof ApiError &&
    (error.code === "SESSION_EXPIRED" ||
      (error.code === "BUSINESS_RULE_VIOLATION" &&
        ["completed", "paused"].includes(error.details?.state)) ||
      (error.code === "RESOURCE_NOT_FOUND" && error.details?.resource === "study session"))
  );
}

export class AnswerQueue {
  constructor({ onChange = () => {}, onSessionGone = () => {} } = {}) {
    this.onChange = onChange;
    this.onSessionGone = onSessionGone;
    this.items = this.load();
    this.flushing = null;
    this.retryTimer = null;
    this.retryMs = FIRST_RETRY_MS;
    this.notBefore = 0; // a rate limit's Retry-After: nothing is sent before then
    this.waiters = [];
    window.addEventListener("online", () => this.flush());
    window.addEventListener("storage", (event) => {
      if (event.key === STORE_KEY) this.items = this.load();
    });
  }

  load() {
    try {
      const stored = JSON.parse(localStorage.getItem(STORE_KEY) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch {
      return [];
    }
  }

  save() {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify(this.items));
    } catch {
      // storage full or forbidden: the answers still wait in memory while the page is open
    }
    this.onChange(this);
  }

  /** Answers not yet stored by the server, of one session or of all. */
  waiting(sessionId) {
    return this.items.filter(
      (item) => !item.held && (sessionId === undefined || item.sessionId === sessionId),
    );
  }

  held(sessionId) {
    return this.items.filter((item) => item.held && item.sessionId === sessionId);
  }

  add({ sessionId, wordId, correct, grade, durationMs }) {
    this.items.push({
      key: randomKey(),
      sessionId,
      wordId,
      correct,
      grade: grade || null,
      durationMs: Math.max(0, Math.round(durationMs)),
      held: false,
    });
    this.save();
    return this.flush();
  }

  /** Gives the held answers of a session that is gone to a new one (new keys: new requests). */
  carryOver(fromSessionId, toSessionId) {
    for (const item of this.items) {
      if (item.held && item.sessionId === fromSessionId) {
        Object.assign(item, { sessionId: toSessionId, key: randomKey(), held: false });
      }
    }
    this.save();
  }

  /** The session takes answers again (it was resumed): its held answers are sent. */
  release(sessionId) {
    for (const item of this.items) {
      if (item.held && item.sessionId === sessionId) item.held = false;
    }
    this.save();
    this.flush();
  }

  /** Resolves once nothing is waiting (held answers aside). */
  drained() {
    if (this.waiting().length === 0) return Promise.resolve();
    this.flush();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  flush() {
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.flush(), wait);
      return Promise.resolve();
    }
    if (!this.flushing) {
      this.flushing = this.sendAll().finally(() => {
        this.flushing = null;
      });
    }
    return this.flushing;
  }

  async sendAll() {
    clearTimeout(this.retryTimer);
    for (;;) {
      const item = this.waiting()[0];
      if (!item) break;
      try {
        await api(`/study_sessions/${item.sessionId}/words/${item.wordId}/review`, {
          method: "POST",
          body: {
            correct: item.correct,
            duration_ms: item.durationMs,
            ...(item.grade ? { grade: item.grade } : {}),
          },
          headers: { "Idempotency-Key": item.key },
        });
        this.remove(item);
        this.retryMs = FIRST_RETRY_MS;
      } catch (error) {
        if (!(error instanceof ApiError) || error.transient) {
          let delay = this.retryMs;
          if (error.retryAfterMs) {
            // a rate limit says when it takes answers again: wait for that, and no longer
            delay = error.retryAfterMs;
            this.notBefore = Date.now() + delay;
          } else {
            this.retryMs = Math.min(this.retryMs * 2, LONGEST_RETRY_MS);
          }
          this.retryTimer = setTimeout(() => this.flush(), delay);
          this.onChange(this);
          return;
        }
        if (sessionGone(error)) {
          for (const other of this.items) {
            if (other.sessionId === item.sessionId) other.held = true;
          }
          this.save();
          this.onSessionGone(item.sessionId, error);
        } else {
          // refused for good (the word was deleted meanwhile): nothing could ever store it
          console.warn("answer refused", item, error);
          this.remove(item);
        }
      }
    }
    const waiters = this.waiters.splice(0);
    for (const resolve of waiters) resolve();
  }

  remove(item) {
    this.items = this.items.filter((other) => other.key !== item.key);
    this.save();
  }
}
