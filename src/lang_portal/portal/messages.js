// The portal's texts in the learner's language: GET /api/v1/messages, where the server picks
// English, Japanese or Chinese from the browser's Accept-Language, as for the study apps
// (apps/common/messages.js). Loaded once, before the page's other modules run (top-level
// await); the page's own texts are marked `data-i18n="key"` and put into the language here,
// with `<html lang>`.

// A refusal by the rate limit's burst is asked again as the API's reads are (api.js).
const RETRIES = 3;
const LONGEST_WAIT_S = 5;

// What the page can still say when the server cannot be reached at all.
const OFFLINE = {
  "portal.nav.skip": "Skip to content",
  "portal.nav.label": "Main",
  "portal.dashboard.title": "Dashboard",
  "portal.words.title": "Words",
  "portal.groups.title": "Groups",
  "portal.loading": "Loading…",
  "portal.error.unreachable": "The server cannot be reached.",
  "portal.error.load": "Could not load this page",
  "portal.error.back": "Back to the dashboard",
};

// The locale dates are written in, by language: English as the page always wrote them.
const LOCALES = { en: "en-GB", ja: "ja-JP", zh: "zh-CN" };

const pause = (seconds) => new Promise((resolve) => window.setTimeout(resolve, seconds * 1000));

async function load() {
  for (let attempt = 0; ; attempt += 1) {
    let response;
    try {
      response = await fetch("/api/v1/messages", {
        headers: { Accept: "application/json" },
        cache: "no-cache",
      });
    } catch {
      break; // offline: the English below, and the page says the server cannot be reached
    }
    if (response.ok) {
      const { data } = await response.json();
      return { language: data.language, messages: data.messages };
    }
    const wait = Number(response.headers.get("Retry-After"));
    if (response.status !== 429 || attempt >= RETRIES || !(wait > 0) || wait > LONGEST_WAIT_S) {
      break;
    }
    await pause(wait);
  }
  return { language: "en", messages: OFFLINE };
}

const loaded = await load();

export const language = loaded.language;
export const locale = LOCALES[language] || LOCALES.en;

/** The message `key` with its `{name}` parameters filled in; `count` picks `key.one` for 1. */
export function t(key, params = {}) {
  const singular = params.count === 1 ? loaded.messages[`${key}.one`] : undefined;
  const template = singular ?? loaded.messages[key] ?? OFFLINE[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** Puts every `data-i18n` text (and `data-i18n-label`, an aria-label) of the page in the language. */
export function translatePage(root = document) {
  document.documentElement.lang = language;
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll("[data-i18n-label]")) {
    element.setAttribute("aria-label", t(element.dataset.i18nLabel));
  }
}

translatePage();
