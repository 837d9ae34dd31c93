// What both study apps do around the studying: open the launched session, say when it cannot
// be used (it expired, or does not exist) and start a new one, and show how a session went.

import { api, ApiError } from "./api.js";
import { AnswerQueue, sessionGone } from "./answers.js";
import { t } from "./messages.js";

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
  return error.code === "SESSION_EXPIRED" ? "expired" : "missing";
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
  const queue = answerQueue((goneId, error) => {
    if (goneId === sessionId) {
      offerNewSession(goneReason(error), currentGroup, queue, goneId, currentActivity);
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
    let next;
    try {
      next = await api(`/study_sessions/${sessionId}/next_words?limit=${limit}`);
    } catch (error) {
      if (sessionGone(error)) {
        return offerNewSession(goneReason(error), currentGroup, queue, sessionId, currentActivity);
      }
      throw error;
    }
    start({ session, words: next.items, queue, queueInfo: next });
  } catch (error) {
    problem(t("study.problem"), describe(error), {
      label: t("study.retry"),
      run: async () => location.reload(),
    });
  }
}
