// Small SVG charts drawn to the width of their container. Each chart is an image with a title
// and a description for screen readers; the figures themselves go in a table beside it.

import { language, t } from "./messages.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const MARGIN = { top: 14, right: 58, bottom: 34, left: 50 };
let chartSerial = 0;

function svg(name, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function tooltip(node, text) {
  node.appendChild(svg("title", {}, text));
  return node;
}

export function percent(ratio, digits = 0) {
  return ratio === null || ratio === undefined ? "–" : `${(ratio * 100).toFixed(digits)}%`;
}

export function shortDate(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString(language, {
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
}

// 0 and 3 to 5 round steps up to at least `max`.
function ticks(max) {
  if (max <= 0) return [0, 1];
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= rough);
  const values = [];
  for (let value = 0; value < max + step; value += step) values.push(Math.round(value * 1e6) / 1e6);
  return values;
}

// An empty chart frame: the <svg> with its title and description, sized to `container`.
function frame(container, { title, description, height = 240, rightAxis = false }) {
  container.replaceChildren();
  const width = Math.max(280, Math.floor(container.clientWidth || 600));
  chartSerial += 1;
  const titleId = `chart-title-${chartSerial}`;
  const descId = `chart-desc-${chartSerial}`;
  const root = svg("svg", {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-labelledby": `${titleId} ${descId}`,
    class: "chart",
  });
  root.appendChild(svg("title", { id: titleId }, title));
  root.appendChild(svg("desc", { id: descId }, description));
  container.appendChild(root);
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: width - MARGIN.left - (rightAxis ? MARGIN.right : 20),
    height: height - MARGIN.top - MARGIN.bottom,
  };
  plot.bottom = plot.top + plot.height;
  plot.right = plot.left + plot.width;
  return { root, plot, width, height };
}

function yAxis(root, plot, values, scale, { side = "left", format = String, label } = {}) {
  const group = root.appendChild(svg("g", { class: `axis axis-${side}`, "aria-hidden": "true" }));
  const x = side === "left" ? plot.left : plot.right;
  for (const value of values) {
    const y = scale(value);
    if (side === "left") {
      group.appendChild(
        svg("line", { x1: plot.left, x2: plot.right, y1: y, y2: y, class: "grid" }),
      );
    }
    group.appendChild(
      svg(
        "text",
        {
          x: side === "left" ? x - 6 : x + 6,
          y: y + 4,
          "text-anchor": side === "left" ? "end" : "start",
        },
        format(value),
      ),
    );
  }
  if (label) {
    const lx = side === "left" ? 12 : plot.right + MARGIN.right - 6;
    const ly = plot.top + plot.height / 2;
    group.appendChild(
      svg(
        "text",
        {
          x: lx,
          y: ly,
          transform: `rotate(-90 ${lx} ${ly})`,
          "text-anchor": "middle",
          class: "axis-label",
        },
        label,
      ),
    );
  }
}

function xLabel(root, plot, text) {
  root.appendChild(
    svg(
      "text",
      {
        x: plot.left + plot.width / 2,
        y: plot.bottom + 30,
        "text-anchor": "middle",
        class: "axis-label",
        "aria-hidden": "true",
      },
      text,
    ),
  );
}

function xTicks(root, plot, entries) {
  const group = root.appendChild(svg("g", { class: "axis axis-bottom", "aria-hidden": "true" }));
  group.appendChild(
    svg("line", {
      x1: plot.left,
      x2: plot.right,
      y1: plot.bottom,
      y2: plot.bottom,
      class: "baseline",
    }),
  );
  for (const [x, text] of entries) {
    group.appendChild(
      svg("line", { x1: x, x2: x, y1: plot.bottom, y2: plot.bottom + 4, class: "tick" }),
    );
    group.appendChild(svg("text", { x, y: plot.bottom + 16, "text-anchor": "middle" }, text));
  }
}

// Every n-th of `count` labelled, so that labels keep about `spacing` pixels apart.
function labelEvery(count, width, spacing = 70) {
  return Math.max(1, Math.ceil(count / Math.max(1, Math.floor(width / spacing))));
}

function noData(root, plot, text) {
  root.appendChild(
    svg(
      "text",
      {
        x: plot.left + plot.width / 2,
        y: plot.top + plot.height / 2,
        "text-anchor": "middle",
        class: "no-data",
      },
      text,
    ),
  );
}

// Bars of a count per day, with an optional ratio per day as a line on a 0-100 % right axis.
export function dailyBars(
  container,
  { title, description, days, value, ratio, valueName, ratioName, emptyText },
) {
  const { root, plot } = frame(container, { title, description, rightAxis: Boolean(ratio) });
  const max = Math.max(0, ...days.map(value));
  const yValues = ticks(max);
  const top = yValues[yValues.length - 1];
  const y = (v) => plot.bottom - (v / top) * plot.height;
  yAxis(root, plot, yValues, y, { label: valueName });
  const band = plot.width / days.length;
  const every = labelEvery(days.length, plot.width);
  xTicks(
    root,
    plot,
    days
      .map((day, index) => [plot.left + band * (index + 0.5), shortDate(day.date), index])
      .filter(([, , index]) => (days.length - 1 - index) % every === 0)
      .map(([x, text]) => [x, text]),
  );
  const bars = root.appendChild(svg("g", { class: "bars" }));
  days.forEach((day, index) => {
    const v = value(day);
    const h = Math.max(v > 0 ? 1 : 0, plot.bottom - y(v));
    const r = ratio ? ratio(day) : null;
    const tip = t("portal.chart.bar_tip", {
      date: shortDate(day.date),
      value: v,
      name: valueName.toLowerCase(),
    });
    const label =
      r === null || r === undefined
        ? tip
        : t("portal.chart.bar_ratio_tip", { tip, percent: percent(r), name: ratioName.toLowerCase() });
    bars.appendChild(
      tooltip(
        svg("rect", {
          x: plot.left + band * index + band * 0.12,
          y: plot.bottom - h,
          width: Math.max(1, band * 0.76),
          height: h,
          class: "bar",
          "data-date": day.date,
          "data-value": v,
        }),
        label,
      ),
    );
  });
  if (ratio) {
    const ry = (r) => plot.bottom - r * plot.height;
    yAxis(root, plot, [0, 0.25, 0.5, 0.75, 1], ry, {
      side: "right",
      format: (r) => percent(r),
      label: ratioName,
    });
    let path = "";
    let open = false;
    days.forEach((day, index) => {
      const r = ratio(day);
      if (r === null || r === undefined) {
        open = false;
        return;
      }
      path += `${open ? "L" : "M"}${(plot.left + band * (index + 0.5)).toFixed(1)},${ry(r).toFixed(1)}`;
      open = true;
    });
    root.appendChild(svg("path", { d: path, class: "line line-ratio" }));
    const dots = root.appendChild(svg("g", { class: "dots" }));
    days.forEach((day, index) => {
      const r = ratio(day);
      if (r === null || r === undefined) return;
      dots.appendChild(
        tooltip(
          svg("circle", {
            cx: plot.left + band * (index + 0.5),
            cy: ry(r),
            r: 2.5,
            class: "dot dot-ratio",
          }),
          t("portal.chart.ratio_tip", {
            date: shortDate(day.date),
            percent: percent(r),
            name: ratioName.toLowerCase(),
          }),
        ),
      );
    });
  }
  if (max === 0) noData(root, plot, emptyText);
  return root;
}

// Points (x, y) with y a ratio 0-1, joined by a line; each point's area follows its weight.
export function ratioPoints(
  container,
  { title, description, points, xScale, xTicksAt, xFormat, xName, yName, emptyText, diagonal },
) {
  const { root, plot } = frame(container, { title, description, height: 260 });
  const y = (r) => plot.bottom - r * plot.height;
  yAxis(root, plot, [0, 0.25, 0.5, 0.75, 1], y, { format: (r) => percent(r), label: yName });
  const x = (v) => plot.left + xScale(v) * plot.width;
  xTicks(
    root,
    plot,
    xTicksAt.map((v) => [x(v), xFormat(v)]),
  );
  xLabel(root, plot, xName);
  if (diagonal) {
    root.appendChild(
      svg("line", { x1: x(0), y1: y(0), x2: x(1), y2: y(1), class: "line line-reference" }),
    );
  }
  if (!points.length) {
    noData(root, plot, emptyText);
    return root;
  }
  const heaviest = Math.max(...points.map((p) => p.weight));
  const d = points
    .map((p, i) => `${i ? "L" : "M"}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`)
    .join("");
  root.appendChild(svg("path", { d, class: "line line-main" }));
  const dots = root.appendChild(svg("g", { class: "dots" }));
  for (const p of points) {
    const radius = 3 + 6 * Math.sqrt(p.weight / heaviest);
    dots.appendChild(
      tooltip(
        svg("circle", { cx: x(p.x), cy: y(p.y), r: radius.toFixed(1), class: "dot dot-main" }),
        p.label,
      ),
    );
  }
  return root;
}
