// Flashcards: the Japanese first; the reading on demand; reveal the English, then say how well
// you knew it (FSRS's grades: again, hard, good, easy). Each answer is recorded with its grade
// and the time it took.

import { t } from "../common/messages.js";
import { showResult } from "../common/result.js";
import { $, openSession, problem, show } from "../common/session.js";
import { readings } from "../common/words.js";

const CARDS_PER_SESSION = 10;

function study({ session, words, queue }) {
  $("group").textContent = session.group_name;
  if (words.length === 0) {
    problem(t("study.nothing_due.title"), t("study.nothing_due.text"));
    return;
  }
  const wordReadings = readings(); // asked for only when the learner wants one
  let index = -1;
  let revealed = false;
  let shownAt = 0;

  function showCard() {
    index += 1;
    if (index >= words.length) {
      showResult(session, queue);
      return;
    }
    const word = words[index];
    revealed = false;
    $("progress").textContent = t("study.flashcards.progress", {
      index: index + 1,
      total: words.length,
    });
    $("japanese").textContent = word.japanese;
    $("english").textContent = word.english;
    $("english").hidden = true;
    $("reading").hidden = true;
    $("romaji").textContent = word.romaji;
    $("kana").textContent = "";
    $("ask").hidden = false;
    $("grade").hidden = true;
    shownAt = performance.now();
    $("reveal").focus();
  }

  async function showReading() {
    const word = words[index];
    $("reading").hidden = false;
    const kana = await wordReadings.get(word);
    if (words[index] === word) $("kana").textContent = kana || "";
  }

  function reveal() {
    if (revealed) return;
    revealed = true;
    $("english").hidden = false;
    $("ask").hidden = true;
    $("grade").hidden = false;
    $("good").focus();
  }

  function answer(grade) {
    if (!revealed) return;
    const word = words[index];
    // queued first, sent in the background: the next card does not wait for the network
    queue.add({
      sessionId: session.id,
      wordId: word.word_id,
      correct: grade !== "again",
      grade,
      durationMs: performance.now() - shownAt,
    });
    showCard();
  }

  $("show-reading").onclick = showReading;
  $("reveal").onclick = reveal;
  for (const button of $("grade").querySelectorAll("button[data-grade]")) {
    button.onclick = () => answer(button.dataset.grade);
  }

  // FSRS's four grades, on the keys other flashcard programs use for them
  const keys = {
    " ": reveal,
    r: showReading,
    1: () => answer("again"),
    ArrowLeft: () => answer("again"),
    2: () => answer("hard"),
    3: () => answer("good"),
    ArrowRight: () => answer("good"),
    4: () => answer("easy"),
  };
  document.addEventListener("keydown", (event) => {
    const action = keys[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!action || $("study").hidden) return; // the result or a problem is shown
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault(); // a focused button would take the key as a click as well
    if (!event.repeat) action();
  });
  document.addEventListener("keyup", (event) => {
    if (event.key === " " && !$("study").hidden) event.preventDefault();
  });

  show("study");
  $("session-notice").textContent = t("study.session.start");
  showCard();
}

openSession({ limit: CARDS_PER_SESSION, start: study });
