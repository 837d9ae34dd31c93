// The study apps' texts in the learner's language: GET /api/v1/messages, where the server picks
// English, Japanese or Chinese from the browser's Accept-Language. Loaded once, before any app
// module runs (top-level await); the page's own texts are marked `data-i18n="key"` and put into
// the language here, with `<html lang>`.

// What the page can still say when the server cannot be reached at all.
const OFFLINE = {
  "study.problem": "Something went wrong",
  "study.unreachable": "the server cannot be reached; try again in a moment",
  "study.retry": "Try again",
};

async function load() {
  try {
    const response = await fetch("/api/v1/messages", { headers: { Accept: "application/json" } });
    if (response.ok) {
      const { data } = await response.json();
      return { language: data.language, messages: data.messages };
    }
  } catch {
    // offline: the English below, and the page says the server cannot be reached
  }
  return { language: "en", messages: OFFLINE };
}

const loaded = await load();

export const language = loaded.language;

/** The message `key` with its `{name}` parameters filled in; `count` picks `key.one` for 1. */
export function t(key, params = {}) {
  const singular = params.count === 1 ? loaded.messages[`${key}.one`] : undefined;
  const template = singular ?? loaded.messages[key] ?? OFFLINE[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/**
 * The template of `key` as nodes: text, with each `{name}` the element `parts[name]` (a key cap
 * in a hint, say), so that translated sentences keep their markup without any HTML parsing.
 */
function nodes(key, parts) {
  const template = loaded.messages[key] ?? key;
  return template.split(/(\{\w+\})/).map((piece) => {
    const name = /^\{(\w+)\}$/.exec(piece)?.[1];
    return name && parts[name] ? parts[name] : document.createTextNode(piece);
  });
}

/** Puts every `data-i18n` text (and `data-i18n-label`, an aria-label) of the page in the language. */
export function translatePage(root = document) {
  document.documentElement.lang = language;
  for (const element of root.querySelectorAll("[data-i18n]")) {
    const parts = {};
    for (const part of element.querySelectorAll("[data-part]")) parts[part.dataset.part] = part;
    element.replaceChildren(...nodes(element.dataset.i18n, parts));
  }
  for (const element of root.querySelectorAll("[data-i18n-label]")) {
    element.setAttribute("aria-label", t(element.dataset.i18nLabel));
  }
}

translatePage();
