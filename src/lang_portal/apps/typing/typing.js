// Typing Tutor: the English (or the Japanese) is shown, the learner types the romaji. The usual
// ways of writing the same romaji count as right (common/romaji.js); a wrong answer shows the
// right one. Each answer is recorded with the time it took.

import { romajiMatches } from "../common/romaji.js";
import { t } from "../common/messages.js";
import { showResult } from "../common/result.js";
import { $, openSession, problem, show } from "../common/session.js";

const WORDS_PER_SESSION = 10;
const PROMPT_KEY = "lang-portal.typing.prompt";

function promptSide() {
  const asked = new URLSearchParams(location.search).get("prompt");
  if (asked === "japanese" || asked === "english") return asked;
  try {
    return localStorage.getItem(PROMPT_KEY) === "japanese" ? "japanese" : "english";
  } catch {
    return "english";
  }
}

function study({ session, words, queue }) {
  $("group").textContent = session.group_name;
  if (words.length === 0) {
    problem(t("study.nothing_due.title"), t("study.nothing_due.text"));
    return;
  }
  let side = promptSide();
  let index = -1;
  let checked = false;
  let shownAt = 0;
  const input = $("answer");
  const feedback = $("feedback");

  function showPrompt() {
    const word = words[index];
    const prompt = $("prompt");
    prompt.textContent = side === "english" ? word.english : word.japanese;
    prompt.lang = side === "english" ? "en" : "ja";
    prompt.classList.toggle("ja", side === "japanese");
    $("switch-prompt").textContent = t(
      side === "english" ? "study.typing.show_japanese" : "study.typing.show_english",
    );
  }

  function next() {
    index += 1;
    if (index >= words.length) {
      showResult(session, queue);
      return;
    }
    checked = false;
    $("progress").textContent = t("study.typing.progress", { index: index + 1, total: words.length });
    showPrompt();
    $("hint-japanese").hidden = true;
    feedback.textContent = "";
    feedback.className = "feedback";
    input.value = "";
    input.readOnly = false;
    $("check").textContent = t("study.typing.check");
    shownAt = performance.now();
    input.focus();
  }

  function check() {
    const typed = input.value.trim();
    if (!typed) return;
    const word = words[index];
    const correct = romajiMatches(typed, word.romaji);
    checked = true;
    input.readOnly = true;
    queue.add({
      sessionId: session.id,
      wordId: word.word_id,
      correct,
      durationMs: performance.now() - shownAt,
    });
    feedback.className = `feedback ${correct ? "right" : "wrong"}`;
    feedback.textContent = t(correct ? "study.typing.right" : "study.typing.wrong", {
      answer: word.romaji,
    });
    const other = $("hint-japanese");
    other.textContent = side === "english" ? word.japanese : word.english;
    other.lang = side === "english" ? "ja" : "en";
    other.hidden = false;
    $("check").textContent = t("study.typing.next");
  }

  $("form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (checked) next();
    else check();
  });
  $("switch-prompt").onclick = () => {
    side = side === "english" ? "japanese" : "english";
    try {
      localStorage.setItem(PROMPT_KEY, side);
    } catch {
      // the choice then lasts for this page only
    }
    showPrompt();
    input.focus();
  };

  show("study");
  $("session-notice").textContent = t("study.session.start");
  next();
}

openSession({ limit: WORDS_PER_SESSION, start: study });
