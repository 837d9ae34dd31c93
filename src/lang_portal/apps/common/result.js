// How a session went: accuracy, the words seen, and when each falls due again.

import { api } from "./api.js";
import { language, t } from "./messages.js";
import { $, describe, element, finishSession, show, startNewSession } from "./session.js";

const relative = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
const UNITS = [
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

export function dueText(due, now = Date.now()) {
  if (!due) return t("study.due.none");
  const seconds = (Date.parse(due) - now) / 1000;
  if (seconds <= 30) return t("study.due.now");
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "minute") {
      return t("study.due.at", { when: relative.format(Math.round(seconds / size), unit) });
    }
  }
  return t("study.due.now");
}

export async function showResult(session, queue) {
  show("result");
  const status = $("result-status");
  const waiting = queue.waiting(session.id).length;
  status.textContent = t(waiting ? "study.result.recording" : "study.result.loading");
  let result;
  try {
    await finishSession(session, queue); // the answers recorded, then the session completed
    result = await api(`/study_sessions/${session.id}/result`);
  } catch (error) {
    status.textContent = t("study.result.unavailable", { reason: describe(error) });
    return;
  }
  status.textContent = "";
  // "You learned N words": the words the session went through
  $("result-complete").textContent = t("study.session.complete", { count: result.words.length });
  const accuracy = result.accuracy === null ? "–" : `${Math.round(result.accuracy * 100)} %`;
  $("result-accuracy").textContent = accuracy;
  $("result-counts").textContent = t("study.result.counts", {
    correct: result.correct,
    wrong: result.wrong,
    seen: result.words.length,
    count: result.words.length,
  });
  $("result-words").replaceChildren(
    ...result.words.map((word) =>
      element("tr", {}, [
        element("td", { text: word.japanese, lang: "ja", className: "ja" }),
        element("td", { text: word.english, lang: "en" }),
        element("td", { text: `${word.correct_count} / ${word.correct_count + word.wrong_count}` }),
        element("td", { text: dueText(word.due), attrs: { title: word.due || "" } }),
      ]),
    ),
  );
  const again = $("result-again");
  again.onclick = () => {
    again.disabled = true;
    startNewSession(session.group_id, queue).catch((error) => {
      again.disabled = false;
      status.textContent = describe(error);
    });
  };
  again.focus();
}
