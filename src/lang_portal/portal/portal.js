// The learner's portal: a few views over the JSON API, chosen by the URL's hash (#/words/12), so
// that no page path can collide with the API's own (the legacy mount serves /words and /groups).

import { ApiError, get, getAll, getPage, post } from "./api.js";
import { dailyBars, percent, ratioPoints, shortDate } from "./charts.js";

const main = document.getElementById("main");
const announcer = document.getElementById("announcer");
const PROGRESS_DAYS = 90;
const FORECAST_DAYS = 30;
const PAGE_SIZE = 25;
const STORED_CHOICE = "lang-portal.launch";

// -- DOM helpers -------------------------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const ja = (text) => h("span", { lang: "ja", class: "ja" }, text);

function wordCell(id, japanese, romaji) {
  return [
    h("a", { href: `#/words/${id}`, class: "word-link" }, ja(japanese)),
    h("span", { class: "romaji" }, romaji),
  ];
}

function section(id, title, ...children) {
  return h(
    "section",
    { class: "panel", "aria-labelledby": id },
    h("h2", { id }, title),
    ...children,
  );
}

function table(caption, headers, rows, { captionHidden = false, className = "" } = {}) {
  return h(
    "table",
    { class: `data ${className}`.trim() },
    h("caption", { class: captionHidden ? "visually-hidden" : "" }, caption),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers.map((header) =>
          Array.isArray(header)
            ? h("th", { scope: "col", class: header[1] }, header[0])
            : h("th", { scope: "col" }, header),
        ),
      ),
    ),
    h("tbody", {}, rows),
  );
}

function figuresTable(caption, headers, rows) {
  return h(
    "details",
    { class: "figures" },
    h("summary", {}, "Show the figures"),
    h(
      "div",
      { class: "table-scroll" },
      table(
        caption,
        headers,
        rows.map((cells) =>
          h(
            "tr",
            {},
            cells.map((c) => h("td", {}, c)),
          ),
        ),
      ),
    ),
  );
}

function dateTime(iso) {
  if (!iso) return "–";
  return new Date(iso).toLocaleString("en-GB", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

function relativeDue(iso) {
  if (!iso) return "not scheduled";
  const hours = (new Date(iso).getTime() - Date.now()) / 3_600_000;
  if (hours <= 0) return "due now";
  if (hours < 24) return `due in ${Math.max(1, Math.round(hours))} h`;
  return `due in ${Math.round(hours / 24)} days`;
}

function announce(text) {
  announcer.textContent = "";
  window.setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

function errorNotice(error) {
  const message = error instanceof ApiError ? error.message : "Something went wrong on this page.";
  return h("p", { class: "notice notice-error", role: "alert" }, message);
}

function pager(pagination, go) {
  if (!pagination || pagination.total_pages <= 1) return null;
  const { current_page: page, total_pages: pages } = pagination;
  return h(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    h("button", { type: "button", disabled: page <= 1, onclick: () => go(page - 1) }, "Previous"),
    h("span", { "aria-current": "page" }, `Page ${page} of ${pages}`),
    h("button", { type: "button", disabled: page >= pages, onclick: () => go(page + 1) }, "Next"),
  );
}

// Charts redraw to their container's width when the window is resized.
let chartDrawers = [];
let resizeTimer = 0;
window.addEventListener("resize", () => {
  window.clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => chartDrawers.forEach((draw) => draw()), 150);
});

function chartFigure(id, title, note, draw, figures) {
  const canvas = h("div", { class: "chart-box" });
  const figure = h(
    "figure",
    { class: "chart-figure", id, "aria-labelledby": `${id}-caption` },
    h(
      "figcaption",
      { id: `${id}-caption` },
      h("strong", {}, title),
      note ? h("span", { class: "note" }, note) : null,
    ),
    canvas,
    figures,
  );
  return { figure, redraw: () => draw(canvas) };
}

// -- the launchpad -----------------------------------------------------------------------------

function storedChoice() {
  try {
    return JSON.parse(window.localStorage.getItem(STORED_CHOICE) || "{}");
  } catch {
    return {};
  }
}

async function launch(activityId, groupId, status) {
  status.textContent = "Starting a study session…";
  try {
    const started = await post(`/study_activities/${activityId}/launch`, {
      group_id: Number(groupId),
    });
    window.localStorage.setItem(
      STORED_CHOICE,
      JSON.stringify({ group: String(groupId), activity: String(activityId) }),
    );
    status.textContent = `Opening ${started.session.activity_name}…`;
    window.location.assign(started.launch_url);
  } catch (error) {
    status.textContent = error.message;
  }
}

function launchpad(groups, activities, { fixedGroup = null } = {}) {
  const choice = storedChoice();
  const status = h("p", { class: "launch-status", role: "status", "aria-live": "polite" });
  const dueNote = h("p", { class: "launch-due", "aria-live": "polite" });
  const groupSelect = fixedGroup
    ? null
    : h(
        "select",
        { id: "launch-group", name: "group", required: true },
        groups.map((group) =>
          h(
            "option",
            { value: group.id, selected: String(group.id) === choice.group },
            `${group.name} (${group.word_count} words)`,
          ),
        ),
      );
  const selectedGroup = () => (fixedGroup ? fixedGroup.id : groupSelect.value);
  const showDue = async () => {
    dueNote.textContent = "";
    if (!selectedGroup()) return;
    try {
      const queue = await get("/review_queue", { group_id: selectedGroup(), limit: 1 });
      dueNote.textContent = `${queue.due_count} due now in this group, ${queue.new_words_left_today} new words left today.`;
    } catch (error) {
      dueNote.textContent = error.message;
    }
  };
  if (groupSelect) groupSelect.addEventListener("change", showDue);
  const preferred = activities.some((a) => String(a.id) === choice.activity)
    ? choice.activity
    : String(activities[0]?.id);
  const apps = h(
    "fieldset",
    { class: "apps" },
    h("legend", {}, "Study app"),
    activities.map((activity) =>
      h(
        "label",
        { class: "app-choice" },
        h("input", {
          type: "radio",
          name: "activity",
          value: activity.id,
          checked: String(activity.id) === preferred,
          required: true,
        }),
        activity.thumbnail_url
          ? h("img", { src: activity.thumbnail_url, alt: "", width: 64, height: 48 })
          : null,
        h(
          "span",
          { class: "app-text" },
          h("strong", {}, activity.name),
          h("span", { class: "note" }, activity.description),
        ),
      ),
    ),
  );
  const form = h(
    "form",
    {
      class: "launchpad",
      "aria-label": "Launch a study app",
      onsubmit: (event) => {
        event.preventDefault();
        const picked = form.querySelector("input[name=activity]:checked");
        if (!picked || !selectedGroup()) {
          status.textContent = "Pick a group and an app first.";
          return;
        }
        launch(picked.value, selectedGroup(), status);
      },
    },
    groupSelect
      ? h("div", { class: "field" }, h("label", { for: "launch-group" }, "Group"), groupSelect)
      : null,
    groupSelect ? dueNote : null,
    activities.length ? apps : h("p", {}, "No study app is registered yet."),
    h(
      "button",
      {
        type: "submit",
        class: "primary",
        disabled: !activities.length || (!fixedGroup && !groups.length),
      },
      "Launch",
    ),
    status,
  );
  if (groupSelect) showDue();
  return form;
}

// -- views -------------------------------------------------------------------------------------

function minusDays(isoDay, days) {
  const [year, month, day] = isoDay.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day - days)).toISOString().slice(0, 10);
}

function stat(name, value, label, detail) {
  return h(
    "li",
    { class: "stat" },
    h("span", { class: "stat-value", "data-stat": name }, value),
    h("span", { class: "stat-label" }, label),
    detail ? h("span", { class: "note" }, detail) : null,
  );
}

const GAP_TICKS = [0, 1, 3, 7, 30, 90, 365, 1000, 3650];
// Gaps (whole days) counted together, so that a day with a handful of answers does not zigzag.
const GAP_RANGES = [
  [0, 0],
  [1, 1],
  [2, 2],
  [3, 4],
  [5, 7],
  [8, 14],
  [15, 30],
  [31, 60],
  [61, 120],
  [121, 365],
  [366, Infinity],
];

function gapRanges(points) {
  return GAP_RANGES.map(([low, high]) => {
    const inside = points.filter((p) => p.days >= low && p.days <= high && p.retention !== null);
    const reviews = inside.reduce((sum, p) => sum + p.reviews, 0);
    if (!reviews) return null;
    const correct = inside.reduce((sum, p) => sum + Math.round(p.retention * p.reviews), 0);
    const days = inside.reduce((sum, p) => sum + p.days * p.reviews, 0) / reviews;
    const label =
      low === high
        ? `${low} days`
        : high === Infinity
          ? `over ${low - 1} days`
          : `${low}–${high} days`;
    return { low, high, label, days, reviews, correct, retention: correct / reviews };
  }).filter(Boolean);
}

const LEVEL_STATUS = { completed: "completed", current: "current level", locked: "locked" };

function milestoneText(milestone) {
  return milestone.type === "words_learned"
    ? `Next milestone: ${milestone.target} words learned (${milestone.current} so far)`
    : `Next milestone: ${milestone.target}% of answers right (${milestone.current}% so far)`;
}

// The current level and the way to its next milestone, from /learning_path
// (docs/learning-path.md).
function pathSection(path) {
  if (!path.levels.length) {
    return section("path-heading", "Learning path", h("p", {}, "No levels are declared."));
  }
  const current = path.levels.find((level) => level.status === "current");
  const milestone = path.next_milestone;
  return section(
    "path-heading",
    "Learning path",
    h(
      "p",
      { "data-path": "current" },
      current
        ? `Current level: ${current.title} · ${path.completed_words} of ${current.word_count} words learned`
        : "Every level completed.",
    ),
    milestone
      ? h(
          "div",
          { class: "milestone" },
          h("label", { for: "milestone-progress", "data-path": "milestone" }, milestoneText(milestone)),
          h(
            "progress",
            { id: "milestone-progress", max: 1, value: milestone.progress },
            percent(milestone.progress),
          ),
          h(
            "p",
            { class: "note" },
            `${percent(path.next_level_progress)} of the way to completing ${current.name}`,
          ),
        )
      : null,
    h(
      "ol",
      { class: "levels" },
      path.levels.map((level) =>
        h(
          "li",
          { "data-level": level.name, "data-status": level.status },
          h("strong", {}, level.title),
          ` · ${LEVEL_STATUS[level.status]} · ${level.words_learned} of ${level.word_count} words learned`,
        ),
      ),
    ),
  );
}

async function dashboardView() {
  const streaksAsked = get("/analytics/streaks");
  const [streaks, stats, queue, groups, activities, forecast, curve, evaluation, progress, path] =
    await Promise.all([
      streaksAsked,
      get("/dashboard/quick-stats"),
      get("/review_queue", { limit: 10 }),
      getAll("/groups", { sort_by: "name" }),
      getAll("/study_activities"),
      get("/srs/forecast", { days: FORECAST_DAYS }),
      get("/analytics/learning_curve"),
      get("/analytics/srs_evaluation"),
      streaksAsked.then((s) =>
        get("/analytics/progress", { from: minusDays(s.today, PROGRESS_DAYS - 1), to: s.today }),
      ),
      get("/learning_path"),
    ]);
  document.title = "Dashboard · lang-portal";

  const today = section(
    "today-heading",
    "Today",
    h(
      "ul",
      { class: "stats" },
      stat(
        "due",
        queue.due_count,
        "words due now",
        `${queue.new_words_left_today} new words left today`,
      ),
      stat(
        "streak",
        streaks.current,
        streaks.current === 1 ? "day streak" : "days streak",
        `longest ${streaks.longest}${streaks.studied_today ? " · studied today" : ""}`,
      ),
      stat(
        "success-rate",
        `${Math.round(stats.success_rate)}%`,
        "answers right",
        "over all sessions",
      ),
      stat(
        "sessions",
        stats.total_study_sessions,
        "study sessions",
        `${stats.total_active_groups} ${stats.total_active_groups === 1 ? "group" : "groups"} studied`,
      ),
      stat(
        "answers",
        progress.totals.reviews,
        `answers in ${PROGRESS_DAYS} days`,
        `${progress.totals.study_days} study days`,
      ),
    ),
  );

  const dueRows = queue.items.map((item) =>
    h(
      "tr",
      {},
      h("td", {}, wordCell(item.word_id, item.japanese, item.romaji)),
      h("td", {}, item.english),
      h("td", { class: "wide-only" }, item.kind === "new" ? "new" : relativeDue(item.due)),
      h("td", { class: "num" }, item.kind === "new" ? "–" : percent(item.retrievability)),
    ),
  );
  const dueNow = section(
    "due-heading",
    "Next up",
    queue.items.length
      ? h(
          "div",
          { class: "table-scroll" },
          table(
            "The next words the review queue serves",
            ["Word", "English", ["When", "wide-only"], ["Recall now", "num"]],
            dueRows,
            { captionHidden: true },
          ),
        )
      : h("p", {}, "Nothing to review: every word is scheduled for later."),
  );

  const launch = section("launch-heading", "Start studying", launchpad(groups, activities));

  const days = progress.days;
  const activeDays = days.filter((d) => d.reviews);
  const busiest = activeDays.reduce(
    (best, d) => (!best || d.reviews > best.reviews ? d : best),
    null,
  );
  const progressChart = chartFigure(
    "chart-progress",
    `Answers and accuracy per day, last ${PROGRESS_DAYS} days`,
    "Bars: answers; line: share right.",
    (box) =>
      dailyBars(box, {
        title: `Answers and accuracy per day, ${shortDate(progress.from)} to ${shortDate(progress.to)}`,
        description: activeDays.length
          ? `${progress.totals.reviews} answers on ${activeDays.length} days, ${percent(progress.totals.accuracy)} right. Busiest day ${shortDate(busiest.date)} with ${busiest.reviews} answers.`
          : "No answers in this period.",
        days,
        value: (d) => d.reviews,
        ratio: (d) => d.accuracy,
        valueName: "Answers",
        ratioName: "Right",
        emptyText: "No answers yet",
      }),
    figuresTable(
      "Answers per day",
      ["Day", "Answers", "Right", "Accuracy", "New words"],
      activeDays.map((d) => [d.date, d.reviews, d.correct, percent(d.accuracy), d.new_words]),
    ),
  );

  const totalDue = forecast.days.reduce((sum, d) => sum + d.due, 0);
  const forecastChart = chartFigure(
    "chart-forecast",
    `Words falling due, next ${FORECAST_DAYS} days`,
    forecast.overdue ? `Today's bar includes ${forecast.overdue} overdue.` : null,
    (box) =>
      dailyBars(box, {
        title: `Words falling due per day, next ${FORECAST_DAYS} days`,
        description: totalDue
          ? `${totalDue} reviews fall due in the next ${FORECAST_DAYS} days, ${forecast.days[0].due} of them today.`
          : `No word falls due in the next ${FORECAST_DAYS} days.`,
        days: forecast.days,
        value: (d) => d.due,
        valueName: "Words due",
        emptyText: "Nothing falls due",
      }),
    figuresTable(
      "Words due per day",
      ["Day", "Words due"],
      forecast.days.filter((d) => d.due).map((d) => [d.date, d.due]),
    ),
  );

  const gaps = gapRanges(curve.by_days_since_review);
  const maxGap = Math.max(30, ...curve.by_days_since_review.map((p) => p.days));
  const gapScale = (days) => Math.log1p(days) / Math.log1p(maxGap);
  const retentionChart = chartFigure(
    "chart-retention",
    "Retention by days since the last review",
    "Share of answers right after each gap; larger dots: more answers.",
    (box) =>
      ratioPoints(box, {
        title: "Retention by days since the word's previous review",
        description: gaps.length
          ? gaps.map((p) => `${p.label}: ${percent(p.retention)} of ${p.reviews}`).join("; ") + "."
          : "No word has been reviewed twice yet.",
        points: gaps.map((p) => ({
          x: p.days,
          y: p.retention,
          weight: p.reviews,
          label: `${p.label} since the last review: ${percent(p.retention)} right of ${p.reviews} answers`,
        })),
        xScale: gapScale,
        xTicksAt: GAP_TICKS.filter((t) => t <= maxGap),
        xFormat: (d) => (d >= 365 ? `${Math.round(d / 365)}y` : `${d}d`),
        xName: "Days since the last review",
        yName: "Right",
        emptyText: "No word reviewed twice yet",
      }),
    figuresTable(
      "Retention by gap",
      ["Days since last review", "Answers", "Right", "Retention"],
      gaps.map((p) => [p.label, p.reviews, p.correct, percent(p.retention)]),
    ),
  );

  const calibration = evaluation.calibration || [];
  const calibrationChart = chartFigure(
    "chart-calibration",
    "FSRS calibration: predicted against actual recall",
    evaluation.fsrs
      ? `On the diagonal is perfect. Log loss ${evaluation.fsrs.log_loss.toFixed(3)} (a constant guess: ${evaluation.baseline.log_loss.toFixed(3)}).`
      : "On the diagonal is perfect.",
    (box) =>
      ratioPoints(box, {
        title: "FSRS calibration: predicted recall against the share actually recalled",
        description: calibration.length
          ? `${evaluation.reviews_scored} answers scored. ` +
            calibration
              .map(
                (b) =>
                  `predicted ${percent(b.predicted)}, actual ${percent(b.actual)} (${b.reviews})`,
              )
              .join("; ") +
            "."
          : "No prediction scored yet: answers a day or more after a word's previous review are scored.",
        points: calibration.map((b) => ({
          x: b.predicted,
          y: b.actual,
          weight: b.reviews,
          label: `Predicted ${percent(b.predicted)}: ${percent(b.actual)} recalled of ${b.reviews} answers`,
        })),
        xScale: (p) => p,
        xTicksAt: [0, 0.25, 0.5, 0.75, 1],
        xFormat: (p) => percent(p),
        xName: "Predicted recall",
        yName: "Recalled",
        emptyText: "No prediction scored yet",
        diagonal: true,
      }),
    figuresTable(
      "Calibration",
      ["Predicted range", "Answers", "Predicted", "Recalled"],
      calibration.map((b) => [
        `${percent(b.predicted_from)}–${percent(b.predicted_to)}`,
        b.reviews,
        percent(b.predicted, 1),
        percent(b.actual, 1),
      ]),
    ),
  );

  const charts = [progressChart, forecastChart, retentionChart, calibrationChart];
  const progressSection = section(
    "charts-heading",
    "Progress",
    h(
      "div",
      { class: "chart-grid" },
      charts.map((c) => c.figure),
    ),
  );
  return {
    title: "Dashboard",
    nodes: [
      h("div", { class: "columns" }, today, launch),
      pathSection(path),
      dueNow,
      progressSection,
    ],
    charts,
  };
}

const WORD_SORTS = [
  ["japanese", "asc", "Japanese"],
  ["romaji", "asc", "Romaji"],
  ["english", "asc", "English"],
  ["wrong_count", "desc", "Most wrong"],
  ["correct_count", "desc", "Most right"],
];

function wordRows(words) {
  return words.map((word) =>
    h(
      "tr",
      {},
      h("td", {}, wordCell(word.id, word.japanese, word.romaji)),
      h("td", {}, word.english),
      h("td", { class: "num" }, `${word.correct_count} / ${word.wrong_count}`),
    ),
  );
}

function hashWith(base, params) {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== "" && v !== null && v !== undefined),
  );
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}

async function wordsView(_, query) {
  const q = query.get("q") || "";
  const page = Math.max(1, Number(query.get("page")) || 1);
  const sortIndex = Math.max(
    0,
    WORD_SORTS.findIndex(([key]) => key === query.get("sort")),
  );
  const [sortBy, order] = WORD_SORTS[sortIndex];
  const answer = await getPage("/words", { q, page, per_page: PAGE_SIZE, sort_by: sortBy, order });
  document.title = `${q ? `“${q}” · ` : ""}Words · lang-portal`;
  const search = h("input", {
    type: "search",
    id: "word-search",
    name: "q",
    value: q,
    autocomplete: "off",
    placeholder: "食べる, taberu, eat",
  });
  const sort = h(
    "select",
    { id: "word-sort", name: "sort" },
    WORD_SORTS.map(([key, , label], index) =>
      h("option", { value: key, selected: index === sortIndex }, label),
    ),
  );
  const go = (toPage) => {
    window.location.hash = hashWith("#/words", {
      q: search.value.trim(),
      sort: sort.value === "japanese" ? "" : sort.value,
      page: toPage > 1 ? toPage : "",
    });
  };
  sort.addEventListener("change", () => go(1));
  const form = h(
    "form",
    {
      role: "search",
      class: "search",
      "aria-label": "Words",
      onsubmit: (event) => {
        event.preventDefault();
        go(1);
      },
    },
    h(
      "div",
      { class: "field" },
      h("label", { for: "word-search" }, "Search Japanese, romaji or English"),
      search,
    ),
    h("div", { class: "field" }, h("label", { for: "word-sort" }, "Sort by"), sort),
    h("button", { type: "submit", class: "primary" }, "Search"),
  );
  const total = answer.pagination.total_items;
  const caption = q
    ? `${total} ${total === 1 ? "word matches" : "words match"} “${q}”`
    : `${total} words`;
  return {
    title: "Words",
    nodes: [
      form,
      h("p", { class: "result-count", role: "status" }, caption),
      answer.data.length
        ? h(
            "div",
            { class: "table-scroll" },
            table(caption, ["Word", "English", ["Right / wrong", "num"]], wordRows(answer.data), {
              captionHidden: true,
              className: "words",
            }),
          )
        : h("p", {}, "No word matches. Try part of the romaji or an English word."),
      pager(answer.pagination, go),
    ],
    focus: q ? null : search,
  };
}

function srsDetails(srs) {
  const rows = [
    ["State", srs.state],
    ["Next review", srs.due ? `${dateTime(srs.due)} (${relativeDue(srs.due)})` : "not scheduled"],
    ["Last review", dateTime(srs.last_review)],
    ["Stability", srs.stability === null ? "–" : `${srs.stability.toFixed(1)} days`],
    ["Difficulty", srs.difficulty === null ? "–" : `${srs.difficulty.toFixed(1)} of 10`],
    ["Reviews", srs.reps],
    ["Lapses", srs.lapses],
  ];
  return h(
    "dl",
    { class: "facts" },
    rows.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]),
  );
}

async function wordView([id], query) {
  const page = Math.max(1, Number(query.get("page")) || 1);
  const [word, history] = await Promise.all([
    get(`/words/${id}`),
    getPage(`/words/${id}/reviews`, { page, per_page: PAGE_SIZE }),
  ]);
  document.title = `${word.japanese} · lang-portal`;
  const srs = word.srs;
  const recall = srs.retrievability;
  const recallCard = h(
    "div",
    { class: "recall" },
    h(
      "span",
      { class: "recall-value", id: "recall-now" },
      recall === null ? "new" : percent(recall),
    ),
    h(
      "span",
      { class: "stat-label" },
      recall === null ? "not studied yet" : "probability of recall now",
    ),
    recall === null
      ? null
      : h(
          "meter",
          {
            min: 0,
            max: 1,
            low: 0.7,
            high: 0.9,
            optimum: 1,
            value: recall,
            "aria-labelledby": "recall-now",
          },
          percent(recall),
        ),
  );
  const parts =
    Array.isArray(word.parts) && word.parts.length
      ? h(
          "ul",
          { class: "parts", "aria-label": "Parts" },
          word.parts.map((part) =>
            h(
              "li",
              {},
              ja(part.text ?? part.kanji ?? ""),
              part.reading ? h("span", { class: "note" }, " ", ja(part.reading)) : null,
              part.romaji
                ? h(
                    "span",
                    { class: "note" },
                    ` ${Array.isArray(part.romaji) ? part.romaji.join("") : part.romaji}`,
                  )
                : null,
            ),
          ),
        )
      : null;
  const answers = word.stats.correct_count + word.stats.wrong_count;
  const historyRows = history.data.map((review) =>
    h(
      "tr",
      {},
      h("td", {}, dateTime(review.created_at)),
      h(
        "td",
        { class: review.correct ? "right" : "wrong" },
        review.correct ? "✓ right" : "✗ wrong",
      ),
      h("td", {}, review.study_activity_name),
      h(
        "td",
        { class: "wide-only" },
        h("a", { href: `#/groups/${review.group_id}` }, review.group_name),
      ),
      h(
        "td",
        { class: "num" },
        review.duration_ms === null ? "–" : `${(review.duration_ms / 1000).toFixed(1)} s`,
      ),
    ),
  );
  const goHistory = (toPage) => {
    window.location.hash = hashWith(`#/words/${id}`, { page: toPage > 1 ? toPage : "" });
  };
  return {
    title: word.japanese,
    titleLang: "ja",
    subtitle: `${word.romaji} · ${word.english}`,
    nodes: [
      h(
        "div",
        { class: "columns" },
        section("srs-heading", "Memory", recallCard, srsDetails(srs)),
        section(
          "word-heading",
          "Word",
          h(
            "dl",
            { class: "facts" },
            h("dt", {}, "Romaji"),
            h("dd", {}, word.romaji),
            h("dt", {}, "English"),
            h("dd", {}, word.english),
            h("dt", {}, "Answers"),
            h("dd", {}, `${word.stats.correct_count} right, ${word.stats.wrong_count} wrong`),
          ),
          parts,
          word.groups.length
            ? h(
                "p",
                {},
                "Groups: ",
                word.groups.map((g, i) => [
                  i ? ", " : "",
                  h("a", { href: `#/groups/${g.id}` }, g.name),
                ]),
              )
            : h("p", {}, "In no group."),
        ),
      ),
      section(
        "history-heading",
        "History",
        answers
          ? h("p", {}, `${answers} answers, ${percent(word.stats.correct_count / answers)} right.`)
          : null,
        history.data.length
          ? h(
              "div",
              { class: "table-scroll" },
              table(
                `Answers to ${word.japanese}, newest first`,
                ["When", "Answer", "App", ["Group", "wide-only"], ["Time taken", "num"]],
                historyRows,
                { captionHidden: true, className: "history" },
              ),
            )
          : h("p", {}, "No answer yet."),
        pager(history.pagination, goHistory),
      ),
    ],
  };
}

async function groupsView(_, query) {
  const groups = await getAll("/groups", { sort_by: "name" });
  document.title = "Groups · lang-portal";
  const filter = h("input", {
    type: "search",
    id: "group-filter",
    value: query.get("q") || "",
    autocomplete: "off",
  });
  const count = h("p", { class: "result-count", role: "status" });
  const body = h("tbody");
  const render = () => {
    const text = filter.value.trim().toLowerCase();
    const shown = groups.filter((g) => g.name.toLowerCase().includes(text));
    body.replaceChildren(
      ...shown.map((g) =>
        h(
          "tr",
          {},
          h("td", {}, h("a", { href: `#/groups/${g.id}` }, g.name)),
          h("td", { class: "num" }, g.word_count),
        ),
      ),
    );
    count.textContent = text
      ? `${shown.length} of ${groups.length} groups`
      : `${groups.length} groups`;
  };
  filter.addEventListener("input", render);
  render();
  return {
    title: "Groups",
    nodes: [
      h(
        "form",
        {
          role: "search",
          class: "search",
          "aria-label": "Groups",
          onsubmit: (e) => e.preventDefault(),
        },
        h("div", { class: "field" }, h("label", { for: "group-filter" }, "Filter groups"), filter),
      ),
      count,
      h(
        "div",
        { class: "table-scroll" },
        h(
          "table",
          { class: "data" },
          h("caption", { class: "visually-hidden" }, "Groups"),
          h(
            "thead",
            {},
            h("tr", {}, h("th", { scope: "col" }, "Group"), h("th", { scope: "col" }, "Words")),
          ),
          body,
        ),
      ),
    ],
  };
}

async function groupView([id], query) {
  const page = Math.max(1, Number(query.get("page")) || 1);
  const [group, words, sessions, activities, queue] = await Promise.all([
    get(`/groups/${id}`),
    getPage(`/groups/${id}/words`, { page, per_page: PAGE_SIZE }),
    getPage(`/groups/${id}/study_sessions`, { per_page: 10 }),
    getAll("/study_activities"),
    get("/review_queue", { group_id: id, limit: 1 }),
  ]);
  document.title = `${group.name} · lang-portal`;
  const go = (toPage) => {
    window.location.hash = hashWith(`#/groups/${id}`, { page: toPage > 1 ? toPage : "" });
  };
  const sessionRows = sessions.data.map((s) =>
    h(
      "tr",
      {},
      h("td", {}, dateTime(s.start_time)),
      h("td", {}, s.activity_name),
      h("td", { class: "num" }, s.review_items_count),
    ),
  );
  return {
    title: group.name,
    subtitle: `${group.stats.total_word_count} words · ${queue.due_count} due now`,
    nodes: [
      section(
        "group-launch-heading",
        "Study this group",
        launchpad([], activities, { fixedGroup: group }),
      ),
      section(
        "group-words-heading",
        "Words",
        words.data.length
          ? h(
              "div",
              { class: "table-scroll" },
              table(
                `Words of ${group.name}`,
                ["Word", "English", ["Right / wrong", "num"]],
                wordRows(words.data),
                { captionHidden: true, className: "words" },
              ),
            )
          : h("p", {}, "This group has no words yet."),
        pager(words.pagination, go),
      ),
      section(
        "group-sessions-heading",
        "Recent sessions",
        sessions.data.length
          ? h(
              "div",
              { class: "table-scroll" },
              table(`Sessions of ${group.name}`, ["Started", "App", "Answers"], sessionRows, {
                captionHidden: true,
              }),
            )
          : h("p", {}, "No session yet."),
      ),
    ],
  };
}

// -- routing -----------------------------------------------------------------------------------

const ROUTES = [
  [/^\/?$/, dashboardView, "dashboard"],
  [/^\/words$/, wordsView, "words"],
  [/^\/words\/(\d+)$/, wordView, "words"],
  [/^\/groups$/, groupsView, "groups"],
  [/^\/groups\/(\d+)$/, groupView, "groups"],
];

let renderSerial = 0;

async function render({ moveFocus }) {
  const serial = ++renderSerial;
  const [path, search] = window.location.hash.replace(/^#/, "").split("?");
  const query = new URLSearchParams(search || "");
  const route = ROUTES.find(([pattern]) => pattern.test(path || "/"));
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (route && link.dataset.nav === route[2]) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  main.setAttribute("aria-busy", "true");
  let view;
  try {
    if (!route) throw new ApiError(404, "NOT_FOUND", "There is no such page here.");
    view = await route[1]((path || "/").match(route[0]).slice(1), query);
  } catch (error) {
    if (serial !== renderSerial) return;
    if (!(error instanceof ApiError)) console.warn(error);
    view = {
      title: error.status === 404 ? "Not found" : "Could not load this page",
      nodes: [errorNotice(error), h("p", {}, h("a", { href: "#/" }, "Back to the dashboard"))],
    };
  }
  if (serial !== renderSerial) return;
  const heading = h("h1", { tabindex: "-1", lang: view.titleLang || null }, view.title);
  main.replaceChildren(
    h(
      "div",
      { class: "page-head" },
      heading,
      view.subtitle ? h("p", { class: "subtitle" }, view.subtitle) : null,
    ),
    ...view.nodes.filter(Boolean),
  );
  main.removeAttribute("aria-busy");
  // drawn once in place, to the width the layout gives them
  chartDrawers = (view.charts || []).map((chart) => chart.redraw);
  chartDrawers.forEach((draw) => draw());
  // A view with a field to fill (the word search) puts the caret there; after a move within the
  // page the heading takes the focus, so that a screen reader reads where it landed.
  if (view.focus) view.focus.focus();
  else if (moveFocus) heading.focus();
  if (moveFocus) announce(`${view.title} loaded`);
}

// The fragment names views here, so the skip link moves the focus itself.
document.querySelector(".skip-link").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener("hashchange", () => render({ moveFocus: true }));
// Back from a study app, the browser may show this page from its cache: fetch the figures again.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) render({ moveFocus: false });
});
render({ moveFocus: false });
