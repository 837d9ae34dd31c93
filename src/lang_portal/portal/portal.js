// The learner's portal: a few views over the JSON API, chosen by the URL's hash (#/words/12), so
// that no page path can collide with the API's own (the legacy mount serves /words and /groups).
// Every text is a catalog message (`t`, messages.js) in the browser's language.

import { ApiError, get, getAll, getPage, post } from "./api.js";
import { dailyBars, percent, ratioPoints, shortDate } from "./charts.js";
import { locale, t } from "./messages.js";

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
    h("summary", {}, t("portal.chart.show_figures")),
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
  return new Date(iso).toLocaleString(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

function relativeDue(iso) {
  if (!iso) return t("portal.due.not_scheduled");
  const hours = (new Date(iso).getTime() - Date.now()) / 3_600_000;
  if (hours <= 0) return t("portal.due.now");
  if (hours < 24) return t("portal.due.in_hours", { count: Math.max(1, Math.round(hours)) });
  return t("portal.due.in_days", { count: Math.round(hours / 24) });
}

function announce(text) {
  announcer.textContent = "";
  window.setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

function errorNotice(error) {
  const message = error instanceof ApiError ? error.message : t("portal.error.page");
  return h("p", { class: "notice notice-error", role: "alert" }, message);
}

function pager(pagination, go) {
  if (!pagination || pagination.total_pages <= 1) return null;
  const { current_page: page, total_pages: pages } = pagination;
  return h(
    "nav",
    { class: "pager", "aria-label": t("portal.pager.label") },
    h(
      "button",
      { type: "button", disabled: page <= 1, onclick: () => go(page - 1) },
      t("portal.pager.previous"),
    ),
    h("span", { "aria-current": "page" }, t("portal.pager.page", { page, pages })),
    h(
      "button",
      { type: "button", disabled: page >= pages, onclick: () => go(page + 1) },
      t("portal.pager.next"),
    ),
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
  status.textContent = t("portal.launch.starting");
  try {
    const started = await post(`/study_activities/${activityId}/launch`, {
      group_id: Number(groupId),
    });
    window.localStorage.setItem(
      STORED_CHOICE,
      JSON.stringify({ group: String(groupId), activity: String(activityId) }),
    );
    status.textContent = t("portal.launch.opening", { name: started.session.activity_name });
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
            t("portal.launch.group_option", { name: group.name, count: group.word_count }),
          ),
        ),
      );
  const selectedGroup = () => (fixedGroup ? fixedGroup.id : groupSelect.value);
  const showDue = async () => {
    dueNote.textContent = "";
    if (!selectedGroup()) return;
    try {
      const queue = await get("/review_queue", { group_id: selectedGroup(), limit: 1 });
      dueNote.textContent = t("portal.launch.due", {
        due: queue.due_count,
        new: queue.new_words_left_today,
      });
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
    h("legend", {}, t("portal.launch.app")),
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
      "aria-label": t("portal.launch.label"),
      onsubmit: (event) => {
        event.preventDefault();
        const picked = form.querySelector("input[name=activity]:checked");
        if (!picked || !selectedGroup()) {
          status.textContent = t("portal.launch.pick");
          return;
        }
        launch(picked.value, selectedGroup(), status);
      },
    },
    groupSelect
      ? h(
          "div",
          { class: "field" },
          h("label", { for: "launch-group" }, t("portal.launch.group")),
          groupSelect,
        )
      : null,
    groupSelect ? dueNote : null,
    activities.length ? apps : h("p", {}, t("portal.launch.no_apps")),
    h(
      "button",
      {
        type: "submit",
        class: "primary",
        disabled: !activities.length || (!fixedGroup && !groups.length),
      },
      t("portal.launch.button"),
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
        ? t("portal.gap.days", { count: low })
        : high === Infinity
          ? t("portal.gap.over", { count: low - 1 })
          : t("portal.gap.range", { low, high });
    return { low, high, label, days, reviews, correct, retention: correct / reviews };
  }).filter(Boolean);
}

const LEVEL_STATUS = {
  completed: "portal.level.completed",
  current: "portal.level.current",
  locked: "portal.level.locked",
};

function milestoneText(milestone) {
  const figures = { target: milestone.target, current: milestone.current };
  return milestone.type === "words_learned"
    ? t("portal.path.milestone_words", figures)
    : t("portal.path.milestone_rate", figures);
}

// The current level and the way to its next milestone, from /learning_path
// (docs/learning-path.md).
function pathSection(path) {
  if (!path.levels.length) {
    return section("path-heading", t("portal.path.title"), h("p", {}, t("portal.path.none")));
  }
  const current = path.levels.find((level) => level.status === "current");
  const milestone = path.next_milestone;
  return section(
    "path-heading",
    t("portal.path.title"),
    h(
      "p",
      { "data-path": "current" },
      current
        ? t("portal.path.current", {
            title: current.title,
            learned: path.completed_words,
            count: current.word_count,
          })
        : t("portal.path.all_done"),
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
            t("portal.path.level_progress", {
              percent: percent(path.next_level_progress),
              name: current.name,
            }),
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
          " · ",
          t("portal.path.level", {
            status: t(LEVEL_STATUS[level.status]),
            learned: level.words_learned,
            count: level.word_count,
          }),
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
  document.title = `${t("portal.dashboard.title")} · lang-portal`;

  const today = section(
    "today-heading",
    t("portal.today.title"),
    h(
      "ul",
      { class: "stats" },
      stat(
        "due",
        queue.due_count,
        t("portal.today.due"),
        t("portal.today.new_left", { count: queue.new_words_left_today }),
      ),
      stat(
        "streak",
        streaks.current,
        t("portal.today.streak", { count: streaks.current }),
        [
          t("portal.today.longest", { count: streaks.longest }),
          streaks.studied_today ? t("portal.today.studied_today") : null,
        ]
          .filter(Boolean)
          .join(" · "),
      ),
      stat(
        "success-rate",
        `${Math.round(stats.success_rate)}%`,
        t("portal.today.success"),
        t("portal.today.success_note"),
      ),
      stat(
        "sessions",
        stats.total_study_sessions,
        t("portal.today.sessions"),
        t("portal.today.groups", { count: stats.total_active_groups }),
      ),
      stat(
        "answers",
        progress.totals.reviews,
        t("portal.today.answers", { days: PROGRESS_DAYS }),
        t("portal.today.study_days", { count: progress.totals.study_days }),
      ),
    ),
  );

  const dueRows = queue.items.map((item) =>
    h(
      "tr",
      {},
      h("td", {}, wordCell(item.word_id, item.japanese, item.romaji)),
      h("td", {}, en(item.english)),
      h(
        "td",
        { class: "wide-only" },
        item.kind === "new" ? t("portal.queue.new") : relativeDue(item.due),
      ),
      h("td", { class: "num" }, item.kind === "new" ? "–" : percent(item.retrievability)),
    ),
  );
  const dueNow = section(
    "due-heading",
    t("portal.queue.title"),
    queue.items.length
      ? h(
          "div",
          { class: "table-scroll" },
          table(
            t("portal.queue.caption"),
            [
              t("portal.column.word"),
              t("portal.column.english"),
              [t("portal.column.when"), "wide-only"],
              [t("portal.column.recall_now"), "num"],
            ],
            dueRows,
            { captionHidden: true },
          ),
        )
      : h("p", {}, t("portal.queue.empty")),
  );

  const launch = section("launch-heading", t("portal.launch.title"), launchpad(groups, activities));

  const days = progress.days;
  const activeDays = days.filter((d) => d.reviews);
  const busiest = activeDays.reduce(
    (best, d) => (!best || d.reviews > best.reviews ? d : best),
    null,
  );
  const progressChart = chartFigure(
    "chart-progress",
    t("portal.chart.progress.title", { days: PROGRESS_DAYS }),
    t("portal.chart.progress.note"),
    (box) =>
      dailyBars(box, {
        title: t("portal.chart.progress.svg_title", {
          from: shortDate(progress.from),
          to: shortDate(progress.to),
        }),
        description: activeDays.length
          ? t("portal.chart.progress.description", {
              reviews: progress.totals.reviews,
              days: activeDays.length,
              accuracy: percent(progress.totals.accuracy),
              busiest: shortDate(busiest.date),
              busiest_reviews: busiest.reviews,
            })
          : t("portal.chart.progress.none"),
        days,
        value: (d) => d.reviews,
        ratio: (d) => d.accuracy,
        valueName: t("portal.chart.answers"),
        ratioName: t("portal.chart.right"),
        emptyText: t("portal.chart.progress.empty"),
      }),
    figuresTable(
      t("portal.chart.progress.table"),
      [
        t("portal.column.day"),
        t("portal.column.answers"),
        t("portal.column.right"),
        t("portal.column.accuracy"),
        t("portal.column.new_words"),
      ],
      activeDays.map((d) => [d.date, d.reviews, d.correct, percent(d.accuracy), d.new_words]),
    ),
  );

  const totalDue = forecast.days.reduce((sum, d) => sum + d.due, 0);
  const forecastChart = chartFigure(
    "chart-forecast",
    t("portal.chart.forecast.title", { days: FORECAST_DAYS }),
    forecast.overdue ? t("portal.chart.forecast.note", { count: forecast.overdue }) : null,
    (box) =>
      dailyBars(box, {
        title: t("portal.chart.forecast.svg_title", { days: FORECAST_DAYS }),
        description: totalDue
          ? t("portal.chart.forecast.description", {
              total: totalDue,
              days: FORECAST_DAYS,
              today: forecast.days[0].due,
            })
          : t("portal.chart.forecast.none", { days: FORECAST_DAYS }),
        days: forecast.days,
        value: (d) => d.due,
        valueName: t("portal.chart.words_due"),
        emptyText: t("portal.chart.forecast.empty"),
      }),
    figuresTable(
      t("portal.chart.forecast.table"),
      [t("portal.column.day"), t("portal.column.words_due")],
      forecast.days.filter((d) => d.due).map((d) => [d.date, d.due]),
    ),
  );

  const gaps = gapRanges(curve.by_days_since_review);
  const maxGap = Math.max(30, ...curve.by_days_since_review.map((p) => p.days));
  const gapScale = (days) => Math.log1p(days) / Math.log1p(maxGap);
  const retentionChart = chartFigure(
    "chart-retention",
    t("portal.chart.retention.title"),
    t("portal.chart.retention.note"),
    (box) =>
      ratioPoints(box, {
        title: t("portal.chart.retention.svg_title"),
        description: gaps.length
          ? t("portal.chart.list_end", {
              items: gaps
                .map((p) =>
                  t("portal.chart.retention.item", {
                    label: p.label,
                    percent: percent(p.retention),
                    count: p.reviews,
                  }),
                )
                .join("; "),
            })
          : t("portal.chart.retention.none"),
        points: gaps.map((p) => ({
          x: p.days,
          y: p.retention,
          weight: p.reviews,
          label: t("portal.chart.retention.point", {
            label: p.label,
            percent: percent(p.retention),
            count: p.reviews,
          }),
        })),
        xScale: gapScale,
        xTicksAt: GAP_TICKS.filter((t) => t <= maxGap),
        xFormat: (d) =>
          d >= 365
            ? t("portal.chart.years_short", { count: Math.round(d / 365) })
            : t("portal.chart.days_short", { count: d }),
        xName: t("portal.chart.retention.x"),
        yName: t("portal.chart.right"),
        emptyText: t("portal.chart.retention.empty"),
      }),
    figuresTable(
      t("portal.chart.retention.table"),
      [
        t("portal.column.gap"),
        t("portal.column.answers"),
        t("portal.column.right"),
        t("portal.column.retention"),
      ],
      gaps.map((p) => [p.label, p.reviews, p.correct, percent(p.retention)]),
    ),
  );

  const calibration = evaluation.calibration || [];
  const calibrationChart = chartFigure(
    "chart-calibration",
    t("portal.chart.calibration.title"),
    evaluation.fsrs
      ? t("portal.chart.calibration.note_loss", {
          loss: evaluation.fsrs.log_loss.toFixed(3),
          baseline: evaluation.baseline.log_loss.toFixed(3),
        })
      : t("portal.chart.calibration.note"),
    (box) =>
      ratioPoints(box, {
        title: t("portal.chart.calibration.svg_title"),
        description: calibration.length
          ? t("portal.chart.calibration.description", {
              count: evaluation.reviews_scored,
              items: calibration
                .map((b) =>
                  t("portal.chart.calibration.item", {
                    predicted: percent(b.predicted),
                    actual: percent(b.actual),
                    count: b.reviews,
                  }),
                )
                .join("; "),
            })
          : t("portal.chart.calibration.none"),
        points: calibration.map((b) => ({
          x: b.predicted,
          y: b.actual,
          weight: b.reviews,
          label: t("portal.chart.calibration.point", {
            predicted: percent(b.predicted),
            actual: percent(b.actual),
            count: b.reviews,
          }),
        })),
        xScale: (p) => p,
        xTicksAt: [0, 0.25, 0.5, 0.75, 1],
        xFormat: (p) => percent(p),
        xName: t("portal.chart.calibration.x"),
        yName: t("portal.chart.recalled"),
        emptyText: t("portal.chart.calibration.empty"),
        diagonal: true,
      }),
    figuresTable(
      t("portal.chart.calibration.table"),
      [
        t("portal.column.predicted_range"),
        t("portal.column.answers"),
        t("portal.column.predicted"),
        t("portal.column.recalled"),
      ],
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
    t("portal.progress.title"),
    h(
      "div",
      { class: "chart-grid" },
      charts.map((c) => c.figure),
    ),
  );
  return {
    title: t("portal.dashboard.title"),
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
  ["japanese", "asc", t("portal.sort.japanese")],
  ["romaji", "asc", t("portal.sort.romaji")],
  ["english", "asc", t("portal.sort.english")],
  ["wrong_count", "desc", t("portal.sort.most_wrong")],
  ["correct_count", "desc", t("portal.sort.most_right")],
];

// English inside a page in another language, marked so (a screen reader's voice, the fonts)
const en = (text) => h("span", { lang: "en" }, text);

const wordColumns = () => [
  t("portal.column.word"),
  t("portal.column.english"),
  [t("portal.column.right_wrong"), "num"],
];

function wordRows(words) {
  return words.map((word) =>
    h(
      "tr",
      {},
      h("td", {}, wordCell(word.id, word.japanese, word.romaji)),
      h("td", {}, en(word.english)),
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
  document.title = `${q ? t("portal.words.title_search", { query: q }) : t("portal.words.title")} · lang-portal`;
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
      "aria-label": t("portal.words.title"),
      onsubmit: (event) => {
        event.preventDefault();
        go(1);
      },
    },
    h(
      "div",
      { class: "field" },
      h("label", { for: "word-search" }, t("portal.words.search_label")),
      search,
    ),
    h("div", { class: "field" }, h("label", { for: "word-sort" }, t("portal.words.sort")), sort),
    h("button", { type: "submit", class: "primary" }, t("portal.words.search")),
  );
  const total = answer.pagination.total_items;
  const caption = q
    ? t("portal.words.matches", { count: total, query: q })
    : t("portal.words.count", { count: total });
  return {
    title: t("portal.words.title"),
    nodes: [
      form,
      h("p", { class: "result-count", role: "status" }, caption),
      answer.data.length
        ? h(
            "div",
            { class: "table-scroll" },
            table(caption, wordColumns(), wordRows(answer.data), {
              captionHidden: true,
              className: "words",
            }),
          )
        : h("p", {}, t("portal.words.none")),
      pager(answer.pagination, go),
    ],
    focus: q ? null : search,
  };
}

const SRS_STATES = {
  new: "portal.srs.state_new",
  learning: "portal.srs.state_learning",
  review: "portal.srs.state_review",
  relearning: "portal.srs.state_relearning",
};

function srsDetails(srs) {
  const rows = [
    [t("portal.srs.state"), SRS_STATES[srs.state] ? t(SRS_STATES[srs.state]) : srs.state],
    [
      t("portal.srs.next_review"),
      srs.due ? `${dateTime(srs.due)} (${relativeDue(srs.due)})` : t("portal.due.not_scheduled"),
    ],
    [t("portal.srs.last_review"), dateTime(srs.last_review)],
    [
      t("portal.srs.stability"),
      srs.stability === null
        ? "–"
        : t("portal.srs.stability_days", { value: srs.stability.toFixed(1) }),
    ],
    [
      t("portal.srs.difficulty"),
      srs.difficulty === null
        ? "–"
        : t("portal.srs.difficulty_of_ten", { value: srs.difficulty.toFixed(1) }),
    ],
    [t("portal.srs.reviews"), srs.reps],
    [t("portal.srs.lapses"), srs.lapses],
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
      recall === null ? t("portal.word.recall_new") : percent(recall),
    ),
    h(
      "span",
      { class: "stat-label" },
      recall === null ? t("portal.word.not_studied") : t("portal.word.recall_now"),
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
          { class: "parts", "aria-label": t("portal.word.parts") },
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
        review.correct ? t("portal.word.right") : t("portal.word.wrong"),
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
        review.duration_ms === null
          ? "–"
          : t("portal.word.seconds", { value: (review.duration_ms / 1000).toFixed(1) }),
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
        section("srs-heading", t("portal.word.memory"), recallCard, srsDetails(srs)),
        section(
          "word-heading",
          t("portal.word.title"),
          h(
            "dl",
            { class: "facts" },
            h("dt", {}, t("portal.word.romaji")),
            h("dd", {}, word.romaji),
            h("dt", {}, t("portal.word.english")),
            h("dd", {}, en(word.english)),
            h("dt", {}, t("portal.word.answers")),
            h(
              "dd",
              {},
              t("portal.word.answer_counts", {
                right: word.stats.correct_count,
                wrong: word.stats.wrong_count,
              }),
            ),
          ),
          parts,
          word.groups.length
            ? h(
                "p",
                {},
                `${t("portal.word.groups")} `,
                word.groups.map((g, i) => [
                  i ? ", " : "",
                  h("a", { href: `#/groups/${g.id}` }, g.name),
                ]),
              )
            : h("p", {}, t("portal.word.no_group")),
        ),
      ),
      section(
        "history-heading",
        t("portal.word.history"),
        answers
          ? h(
              "p",
              {},
              t("portal.word.history_summary", {
                count: answers,
                percent: percent(word.stats.correct_count / answers),
              }),
            )
          : null,
        history.data.length
          ? h(
              "div",
              { class: "table-scroll" },
              table(
                t("portal.word.history_caption", { word: word.japanese }),
                [
                  t("portal.column.when"),
                  t("portal.column.answer"),
                  t("portal.column.app"),
                  [t("portal.column.group"), "wide-only"],
                  [t("portal.column.time_taken"), "num"],
                ],
                historyRows,
                { captionHidden: true, className: "history" },
              ),
            )
          : h("p", {}, t("portal.word.no_answers")),
        pager(history.pagination, goHistory),
      ),
    ],
  };
}

async function groupsView(_, query) {
  const groups = await getAll("/groups", { sort_by: "name" });
  document.title = `${t("portal.groups.title")} · lang-portal`;
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
      ? t("portal.groups.filtered", { shown: shown.length, count: groups.length })
      : t("portal.groups.count", { count: groups.length });
  };
  filter.addEventListener("input", render);
  render();
  return {
    title: t("portal.groups.title"),
    nodes: [
      h(
        "form",
        {
          role: "search",
          class: "search",
          "aria-label": t("portal.groups.title"),
          onsubmit: (e) => e.preventDefault(),
        },
        h(
          "div",
          { class: "field" },
          h("label", { for: "group-filter" }, t("portal.groups.filter")),
          filter,
        ),
      ),
      count,
      h(
        "div",
        { class: "table-scroll" },
        h(
          "table",
          { class: "data" },
          h("caption", { class: "visually-hidden" }, t("portal.groups.title")),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, t("portal.column.group")),
              h("th", { scope: "col" }, t("portal.column.words")),
            ),
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
    subtitle: t("portal.group.subtitle", {
      count: group.stats.total_word_count,
      due: queue.due_count,
    }),
    nodes: [
      section(
        "group-launch-heading",
        t("portal.group.study"),
        launchpad([], activities, { fixedGroup: group }),
      ),
      section(
        "group-words-heading",
        t("portal.words.title"),
        words.data.length
          ? h(
              "div",
              { class: "table-scroll" },
              table(
                t("portal.group.words_caption", { name: group.name }),
                wordColumns(),
                wordRows(words.data),
                { captionHidden: true, className: "words" },
              ),
            )
          : h("p", {}, t("portal.group.no_words")),
        pager(words.pagination, go),
      ),
      section(
        "group-sessions-heading",
        t("portal.group.sessions"),
        sessions.data.length
          ? h(
              "div",
              { class: "table-scroll" },
              table(
                t("portal.group.sessions_caption", { name: group.name }),
                [t("portal.column.started"), t("portal.column.app"), t("portal.column.answers")],
                sessionRows,
                { captionHidden: true },
              ),
            )
          : h("p", {}, t("portal.group.no_sessions")),
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
    if (!route) throw new ApiError(404, "NOT_FOUND", t("portal.error.no_page"));
    view = await route[1]((path || "/").match(route[0]).slice(1), query);
  } catch (error) {
    if (serial !== renderSerial) return;
    if (!(error instanceof ApiError)) console.warn(error);
    view = {
      title: error.status === 404 ? t("portal.error.not_found") : t("portal.error.load"),
      nodes: [errorNotice(error), h("p", {}, h("a", { href: "#/" }, t("portal.error.back")))],
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
  if (moveFocus) announce(t("portal.announce.loaded", { title: view.title }));
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
