// When typed romaji counts as the expected word: the usual ways of writing the same Japanese.
//
// Both sides are brought to one spelling, then compared. Accepted as the same:
//   case, spaces, hyphens and dots;        "Ohayou Gozaimasu" = "ohayougozaimasu"
//   long vowels: ō/ô/oo/oh/ou, ū/uu, ā/aa, ī/ii, ē/ee;   "tōkyō" = "toukyou" = "tokyo"? no: a
//     short vowel is a different word (ojisan, ojiisan), so "tokyo" stays wrong;
//   Kunrei and Nihon-shiki: si/shi, ti/chi, tu/tsu, hu/fu, zi/ji, di/ji, du/zu, sya/sha,
//     tya/cha, zya/jya/ja (and -yu, -yo);  a doubled "cch" = "tch";
//   the syllabic n: n', nn (as typed for ん) and n before a consonant or at the end, m before
//     b or p ("shimbun" = "shinbun"); where the word writes n' before a vowel or y ("kin'en"),
//     also a plain n ("kinen") or nn ("kinnen"); but a Hepburn nn before a vowel is ん and an
//     n-syllable ("konnichiwa"), so dropping an n there is wrong ("konichiwa").

const MARKED_VOWELS = {
  ā: "aa", â: "aa", ī: "ii", î: "ii", ū: "uu", û: "uu", ē: "ee", ê: "ee", ō: "ou", ô: "ou",
};

// Applied in order; each turns a variant into the one spelling compared.
const RULES = [
  [/[āâīîūûēêōô]/g, (vowel) => MARKED_VOWELS[vowel]],
  [/[\s\-‐.・·_]+/g, ""],
  [/[’`´]/g, "'"],
  [/sy([auo])/g, "sh$1"],
  [/ty([auo])/g, "ch$1"],
  [/(?:zy|jy|dy)([auo])/g, "j$1"],
  [/si/g, "shi"],
  [/ti/g, "chi"],
  [/tu/g, "tsu"],
  [/(?<![sc])hu/g, "fu"],
  [/[zd]i/g, "ji"],
  [/du/g, "zu"],
  [/cch/g, "tch"],
  [/oo/g, "ou"],
  [/oh(?![aeiouy])/g, "ou"],
  // the syllabic n, written "N": "Q" marks one the word spelled n' (see loosened below)
  [/n'/g, "Q"],
  [/nn(?=[aeiouy])/g, "Nn"],
  [/nn/g, "N"],
  [/n(?![aeiouy])/g, "N"],
  [/m(?=[bp])/g, "N"],
];

/** One spelling for every usual way of writing the same romaji. */
export function canonicalRomaji(text) {
  let result = String(text).normalize("NFC").toLowerCase().trim();
  for (const [pattern, replacement] of RULES) {
    result = result.replace(pattern, replacement);
  }
  return result;
}

function beforeVowel(canonical, spelling) {
  return canonical.replace(/Q(?=[aeiouy])/g, spelling).replace(/Q/g, "N");
}

/** Whether `typed` is a right answer for the word whose romaji is `expected`. */
export function romajiMatches(typed, expected) {
  const answer = beforeVowel(canonicalRomaji(typed), "N");
  if (answer === "") return false;
  const target = canonicalRomaji(expected);
  return ["N", "n", "Nn"].some((spelling) => answer === beforeVowel(target, spelling));
}
