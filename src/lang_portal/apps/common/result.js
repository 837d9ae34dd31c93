// How a session went: accuracy, the words seen, and when each falls due again.

import { api } from "./api.js";
import { $, describe, element, finishSession, show, startNewSession } from "./session.js";

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS = [
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

export function dueText(due, now = Date.now()) {
  if (!due) return "not scheduled";
  const seconds = (Date.parse(due) - now) / 1000;
  if (seconds <= 30) return "due now";
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "minute") {
      return `due ${relative.format(Math.round(seconds / size), unit)}`;
    }
  }
  return "due now";
}

export async function showResult(session, queue) {
  show("result");
  const status = $("result-status");
  const waiting = queue.waiting(session.id).length;
  status.textContent = waiting ? "Recording your answers…" : "Loading the result…";
  let result;
  try {
    await finishSession(session, queue); // the answers recorded, then the session completed
    result = await api(`/study_sessions/${session.id}/result`);
  } catch (error) {
    status.textContent = `The result cannot be shown: ${describe(error)}`;
    return;
  }
  status.textContent = "";
  const accuracy = result.accuracy === null ? "–" : `${Math.round(result.accuracy * 100)} %`;
  $("result-accuracy").textContent = accuracy;
  $("result-counts").textContent =
    `${result.correct} right, ${result.wrong} wrong, ${result.words.length} ` +
    `word${result.words.length === 1 ? "" : "s"} seen`;
  $("result-words").replaceChildren(
    ...result.words.map((word) =>
      element("tr", {}, [
        element("td", { text: word.japanese, lang: "ja", className: "ja" }),
        element("td", { text: word.english }),
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
