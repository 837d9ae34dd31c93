// What both study apps do around the studying: open the launched session, say when it cannot
// be used (it expired, was completed, or does not exist) and start a new one, warn when it is
// about to expire for want of answers, and complete it when the learner is done.

import { api, ApiError } from "./api.js";
import { AnswerQueue, sessionGone } from "./answers.js";
import { language, t } from "./messages.js";

const SECTIONS = ["loading", "problem", "study", "result"];

export function $(id) {
  return document.getElementById(id);
}

export function show(section) {
  for (const id of SECTIONS) {
    const element = $(id);
    if (element) element.hidden = id !== section;
  }
}

export function element(tag, { text, className, lang, attrs = {} } = {}, children = []) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  if (lang) node.lang = lang;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function positiveInteger(value) {
  return /^[1-9][0-9]{0,15}$/.test(value || "") ? Number(value) : null;
}

export function launchParameters() {
  const query = new URLSearchParams(location.search);
  return {
    groupId: positiveInteger(query.get("group_id")),
    sessionId: positiveInteger(query.get("session_id")),
  };
}

/** The queue of answers, with its state shown in the page's status line. */
export function answerQueue(onSessionGone) {
  const status = $("sync");
  const showWaiting = (current) => {
    const waiting = current.waiting().length;
    status.textContent = waiting ? t("study.sync.waiting", { count: waiting }) : "";
    status.classList.toggle("offline", waiting > 0);
  };
  const queue = new AnswerQueue({ onChange: showWaiting, onSessionGone });
  showWaiting(queue);
  queue.flush(); // answers left by an earlier page
  return queue;
}

/** The launchpad's activity for this app: the one whose launch URL is this page's path. */
async function thisActivity() {
  const activities = await api("/study_activities?per_page=100");
  return activities.find(
    (activity) => new URL(activity.launch_url, location.href).pathname === location.pathname,
  );
}

/**
 * Starts a session for the group, of the activity given (the gone session's) or else of the one
 * that launches this page, and opens it.
 */
export async function startNewSession(groupId, queue, goneSessionId, activityId) {
  const activity = activityId ? { id: activityId } : await thisActivity();
  if (!activity) {
    problem(t("study.not_on_launchpad.title"), t("study.not_on_launchpad.text"));
    return;
  }
  const launched = await api(`/study_activities/${activity.id}/launch`, {
    method: "POST",
    body: { group_id: groupId },
  });
  if (goneSessionId) queue.carryOver(goneSessionId, launched.study_session_id);
  location.assign(new URL(launched.launch_url, location.href).href);
}

export function problem(title, text, action) {
  $("problem-title").textContent = title;
  $("problem-text").textContent = text;
  const button = $("problem-action");
  button.hidden = !action;
  if (action) {
    button.textContent = action.label;
    button.onclick = async () => {
      button.disabled = true;
      try {
        await action.run();
      } catch (error) {
        button.disabled = false;
        $("problem-text").textContent = `${text} (${describe(error)})`;
      }
    };
  }
  show("problem");
  if (action) button.focus();
}

export function describe(error) {
  if (error instanceof ApiError) return error.message;
  return t("study.unreachable");
}

/** Offers a new session for the group when the launched one cannot take answers. */
export function offerNewSession(reason, groupId, queue, sessionId, activityId) {
  const [title, explanation] = [t(`study.gone.${reason}.title`), t(`study.gone.${reason}.text`)];
  let text = explanation;
  const held = sessionId ? queue.held(sessionId).length : 0;
  if (held) {
    text += ` ${t("study.gone.held", { count: held })}`;
  }
  if (!groupId) {
    problem(title, `${text} ${t("study.gone.from_portal")}`);
    return;
  }
  problem(title, text, {
    label: t("study.new_session"),
    run: () => startNewSession(groupId, queue, sessionId, activityId),
  });
}

function goneReason(error) {
  if (error.code === "SESSION_EXPIRED") return "expired";
  if (error.code === "BUSINESS_RULE_VIOLATION") return error.details?.state || "missing";
  return "missing";
}

const clockTime = new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit" });

/** The server's time `iso` as the learner's local hour and minute. */
function timeOf(iso) {
  return clockTime.format(new Date(iso));
}

async function resumeSession(sessionId) {
  return api(`/study_sessions/${sessionId}/resume`, { method: "POST" });
}

/**
 * A session that can be resumed: a paused one, or an expired one still in its grace period
 * (the text says until when). Offers that; an expired one past its grace period gets a new
 * session instead. `onResumed(session)` carries on studying.
 */
function offerResume(session, queue, onResumed) {
  const paused = session.state === "paused";
  if (!paused && !session.resumable_until) {
    offerNewSession("expired", session.group_id, queue, session.id, session.study_activity_id);
    return;
  }
  const reason = paused ? "paused" : "expired";
  const text = paused
    ? t("study.gone.paused.text")
    : t("study.resume.until", { time: timeOf(session.resumable_until) });
  problem(t(`study.gone.${reason}.title`), text, {
    label: t("study.resume.button"),
    run: async () => {
      const resumed = await resumeSession(session.id);
      queue.release(session.id);
      onResumed(resumed);
    },
  });
}

let idleWatch = null;

/**
 * Watches for the learner going quiet: at the session's warn_at (counted from the last answer
 * given here, with the server's own timeout lengths) a warning is shown; at its expires_at the
 * server is asked, and an expired session is said so, with a way on.
 */
class IdleWatch {
  constructor(session, queue, onExpired) {
    const last = Date.parse(session.last_activity_at);
    this.warnAfterMs = session.warn_at ? Date.parse(session.warn_at) - last : null;
    this.expireAfterMs = session.expires_at ? Date.parse(session.expires_at) - last : null;
    this.session = session;
    this.queue = queue;
    this.onExpired = onExpired;
    this.timers = [];
    this.banner = element("p", {
      className: "idle-warning",
      attrs: { id: "idle-warning", role: "alert" },
    });
    this.banner.hidden = true;
    const study = $("study");
    if (study) study.prepend(this.banner);
  }

  /** The learner did something: the idle clock starts again. */
  touch(fromMs = Date.now()) {
    this.stop();
    this.banner.hidden = true;
    if (this.warnAfterMs === null || this.expireAfterMs === null) return;
    const expiresAt = fromMs + this.expireAfterMs;
    this.timers.push(
      setTimeout(() => {
        this.banner.textContent = t("study.idle.warning", {
          time: clockTime.format(new Date(expiresAt)),
        });
        this.banner.hidden = false;
      }, Math.max(0, fromMs + this.warnAfterMs - Date.now())),
      // a second late, so the server agrees it has expired
      setTimeout(() => this.check(), Math.max(0, expiresAt + 1000 - Date.now())),
    );
  }

  async check() {
    let current;
    try {
      await this.queue.drained();
      current = await api(`/study_sessions/${this.session.id}`);
    } catch {
      return; // offline: the answers' own refusals will say it when they reach the server
    }
    if (current.state === "expired") {
      this.stop();
      this.banner.hidden = true;
      this.onExpired(current);
    } else if (current.expires_at) {
      // something kept it alive meanwhile (an answer in flight, another tab): wait again
      this.touch(Date.parse(current.last_activity_at) || Date.now());
    }
  }

  stop() {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }
}

const COMPLETE_ATTEMPTS = 5;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The learner is done: no more idle warnings, and the session is completed once its answers
 * are stored. A busy server (429 with its Retry-After, 5xx) or the network is tried again a few
 * times; a refusal (an expired session past its grace period) leaves it as it is: the result
 * shows either way.
 */
export async function finishSession(session, queue) {
  if (idleWatch) idleWatch.stop();
  idleWatch = null;
  await queue.drained();
  let delay = 500;
  for (let attempt = 1; attempt <= COMPLETE_ATTEMPTS; attempt += 1) {
    const wait = queue.notBefore - Date.now(); // a rate limit the answers met
    if (wait > 0) await pause(wait);
    try {
      await api(`/study_sessions/${session.id}/complete`, { method: "POST" });
      return;
    } catch (error) {
      if (error instanceof ApiError && !error.transient) return;
      await pause(error.retryAfterMs || delay);
      delay = Math.min(delay * 2, 10000);
    }
  }
}

/** Lets the learner pick a group when the page was opened without one. */
export async function pickGroup(queue) {
  const groups = await api("/groups?per_page=100&sort_by=name");
  const list = $("problem-list");
  list.replaceChildren(
    ...groups.map((group) => {
      const button = element("button", { text: `${group.name} (${group.word_count})` });
      button.onclick = () => startNewSession(group.id, queue).catch(() => {});
      return element("li", {}, [button]);
    }),
  );
  list.hidden = false;
  problem(t("study.pick_group"), t("study.gone.none.text"));
}

/**
 * Opens the launched session and gives its next words to `start(session, words)`; anything
 * that stops that is said on the page, with a way on.
 */
export async function openSession({ limit, start }) {
  const { groupId, sessionId } = launchParameters();
  let currentGroup = groupId;
  let currentActivity = null;
  const carryOn = () => {
    show("study");
    if (idleWatch) idleWatch.touch();
  };
  const queue = answerQueue((goneId, error) => {
    if (goneId !== sessionId) return;
    const reason = goneReason(error);
    const resumable = reason === "paused" || (reason === "expired" && error.details?.resumable_until);
    if (resumable) {
      if (idleWatch) idleWatch.stop();
      const gone = {
        id: goneId,
        state: reason,
        group_id: currentGroup,
        study_activity_id: currentActivity,
        resumable_until: error.details?.resumable_until || null,
      };
      offerResume(gone, queue, carryOn);
    } else {
      offerNewSession(reason, currentGroup, queue, goneId, currentActivity);
    }
  });
  try {
    if (!sessionId) {
      if (groupId) {
        offerNewSession("none", groupId, queue, null);
      } else {
        await pickGroup(queue);
      }
      return;
    }
    let session;
    try {
      session = await api(`/study_sessions/${sessionId}`);
    } catch (error) {
      if (sessionGone(error)) {
        return offerNewSession(goneReason(error), groupId, queue, sessionId);
      }
      throw error;
    }
    currentGroup = session.group_id;
    currentActivity = session.study_activity_id;
    if (session.state === "completed") {
      return offerNewSession("completed", currentGroup, queue, sessionId, currentActivity);
    }
    if (session.state === "expired") {
      return offerResume(session, queue, () => location.reload());
    }
    if (session.state === "paused") {
      session = await resumeSession(sessionId); // opening the app on it carries on
    }
    let next;
    try {
      next = await api(`/study_sessions/${sessionId}/next_words?limit=${limit}`);
    } catch (error) {
      if (sessionGone(error)) {
        return offerNewSession(goneReason(error), currentGroup, queue, sessionId, currentActivity);
      }
      throw error;
    }
    idleWatch = new IdleWatch(session, queue, (expired) => offerResume(expired, queue, carryOn));
    const add = queue.add.bind(queue);
    queue.add = (item) => {
      if (idleWatch) idleWatch.touch();
      return add(item);
    };
    idleWatch.touch();
    start({ session, words: next.items, queue, queueInfo: next });
  } catch (error) {
    problem(t("study.problem"), describe(error), {
      label: t("study.retry"),
      run: async () => location.reload(),
    });
  }
}
