// A word's kana reading, from its parts (`{text, reading}` each), fetched when first wanted.

import { api } from "./api.js";

const KANA_ONLY = /^[\u3040-\u30ff\u30fc\s]+$/u;

export function readingOf(word) {
  const parts = Array.isArray(word.parts) ? word.parts : [];
  if (parts.length && parts.every((part) => part && typeof part.reading === "string")) {
    return parts.map((part) => part.reading).join("");
  }
  return KANA_ONLY.test(word.japanese) ? word.japanese : null;
}

/** `get(word)` fetches a word's reading when first asked (once), and resolves to it or null. */
export function readings() {
  const pending = new Map();
  const get = (word) => {
    if (!pending.has(word.word_id)) {
      pending.set(
        word.word_id,
        api(`/words/${word.word_id}`)
          .then(readingOf)
          .catch(() => (KANA_ONLY.test(word.japanese) ? word.japanese : null)),
      );
    }
    return pending.get(word.word_id);
  };
  return { get };
}
