// The reader edition: the page around the map, for a static site or one HTML file.
//
// The map itself is the engine of timemap.js; this module adds what the app's
// page shows around it: the layer and basemap choices, the day's headline
// figures and the week's events (looked up in the page document compiled by
// mapapp/pagedata.py, never worked out here), the monthly chart with a marker at
// the day, a text list of what is on the map, and the view kept in the URL
// fragment. mapapp/reader.py bundles this file after the engine (its import line
// removed) and before a small start-up file (reader-site.js or reader-single.js).
//
// Text from the data is set with textContent, or is HTML that Python escaped
// (popups, figures' details), exactly as in the app.

import { TimeMap, dayWords, element, formatNumber, runAt } from "./timemap.js";

const SVG = "http://www.w3.org/2000/svg";
const KM = "<!--km-->";

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

/** Whether a URL may become a link: http(s) only, as mapapp.render.text.is_web_link. */
export function isWebLink(url) {
  return typeof url === "string" && /^https?:\/\//i.test(url);
}

/** The plain text of HTML made by Python (parsed inert: no script runs, nothing loads). */
export function textOf(html) {
  const body = new DOMParser().parseFromString(html, "text/html").body;
  const pairs = [...body.querySelectorAll("dt")].map((dt) => {
    const dd = dt.nextElementSibling;
    return `${dt.textContent.trim()}: ${dd ? dd.textContent.trim() : ""}`;
  });
  return pairs.length ? pairs.join("; ") : body.textContent.trim();
}

// --- the view in the URL fragment: the rules of mapapp/urlstate.py -----------------------

/** A value from the link as a notice quotes it (mapapp.urlstate.shown). */
export function shown(value, most = 40) {
  let chars = Array.from(String(value));
  const cut = chars.length > most;
  if (cut) chars = chars.slice(0, most - 1);
  const text = chars
    .map((c) => (c !== " " && /[\p{C}\p{Z}]/u.test(c) ? "\\u" + c.codePointAt(0).toString(16).padStart(4, "0") : c))
    .join("");
  return `“${text}${cut ? "…" : ""}”`;
}

/** The fragment's parameters, decoded: [name, value] pairs in order, and names given more than once. */
export function readFragment(hash) {
  const pairs = [...new URLSearchParams(String(hash || "").replace(/^#/, ""))];
  const counts = new Map();
  for (const [name] of pairs) counts.set(name, (counts.get(name) || 0) + 1);
  return { pairs, repeated: [...counts].filter(([, n]) => n > 1).map(([name]) => name) };
}

const FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;

/** Python's float() of a text: NaN when it would raise. */
function pyFloat(text) {
  const t = text.trim();
  if (FLOAT.test(t)) return Number(t.replace(/_/g, ""));
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(t);
  if (!special) return NaN;
  return special[2].toLowerCase() === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
}

/** Python's int() of a text: null when it would raise. */
function pyInt(text) {
  const t = text.trim();
  return /^[+-]?\d(?:_?\d)*$/.test(t) ? Number(t.replace(/_/g, "")) : null;
}

/** ``lat,lon,zoom`` as numbers, or null (mapapp.urlstate.parse_where). */
export function parseWhere(text, rules) {
  const parts = text.split(",");
  if (parts.length !== 3 || Array.from(text).length > 60) return null;
  const lat = pyFloat(parts[0]);
  const lon = pyFloat(parts[1]);
  const zoom = pyInt(parts[2]);
  if (zoom === null || !(lat >= -85 && lat <= 85 && lon >= -180 && lon <= 180)) return null;
  if (!(zoom >= rules.minZoom && zoom <= rules.maxZoom)) return null;
  // toFixed rounds the exact binary value, as Python's round() does (not lat * 1e4, which may round up).
  return [Number(lat.toFixed(4)), Number(lon.toFixed(4)), zoom];
}

function calendarDay(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const [y, m, d] = text.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  date.setUTCFullYear(y);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date : null;
}

/**
 * The view a fragment asks for, and a notice for every value that was not usable.
 *
 * The same rules and words as mapapp.urlstate.parse (a browser test holds them
 * together); ``rules`` comes from Python with the defaults and the words.
 */
export function parseView(pairs, repeated, rules) {
  const params = new Map(pairs);
  const most = rules.shownNames;
  const notices = repeated
    .slice(0, most)
    .map((name) => `The link gives ${shown(name)} more than once; the last value is used.`);
  let day = rules.defaultDay;
  if (params.has("date")) {
    const raw = params.get("date");
    const date = calendarDay(raw);
    const inPeriod = date && raw >= rules.start && raw <= rules.end;
    if (inPeriod) {
      day = raw;
    } else {
      let why = "it is not a day written YYYY-MM-DD";
      const year = date ? date.getUTCFullYear() : 0;
      if (date && year >= 1900 && year <= 2099) why = `it is outside the map's period (${rules.periodWords})`;
      else if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) why = "there is no such day in the calendar";
      notices.push(`The link's date ${shown(raw)} was not used: ${why}; showing ${rules.defaultDayWords}.`);
    }
  }
  let layers = [...rules.defaultLayers];
  if (params.has("layers")) {
    const known = rules.layers;
    const raw = params.get("layers");
    const asked = raw
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean);
    const unknown = [...new Set(asked.filter((p) => !known.includes(p)))];
    const chosen = known.filter((id) => asked.includes(id));
    if (unknown.length) {
      const names = unknown.slice(0, most).map((n) => shown(n)).join(", ");
      const more = unknown.length > most ? ` and ${unknown.length - most} more` : "";
      const fallback = chosen.length ? "" : " None is a layer of the map: showing the default layers.";
      notices.push(
        `Unknown layer(s) in the link ignored: ${names}${more}. Known layers: ${known.join(", ")}.${fallback}`,
      );
    }
    if (raw.trim() && !asked.length) {
      notices.push(`The link's layers ${shown(raw)} name no layer; showing the default layers.`);
    } else if (!asked.length || chosen.length) {
      layers = chosen;
    }
  }
  let basemap = params.has("basemap") ? params.get("basemap") : rules.defaultBasemap;
  if (!rules.basemaps.includes(basemap)) {
    notices.push(
      `Unknown basemap ${shown(basemap)} in the link; using the ${rules.defaultBasemapWords} basemap ` +
        `(the map knows ${rules.basemaps.join(", ")}).`,
    );
    basemap = rules.defaultBasemap;
  }
  let where = rules.defaultWhere || null;
  if (params.has("view")) {
    where = parseWhere(params.get("view"), rules) || rules.defaultWhere || null;
    if (parseWhere(params.get("view"), rules) === null) {
      notices.push(
        `The link's view ${shown(params.get("view"))} was not used: it should be latitude, longitude ` +
          `and zoom (${rules.minZoom}–${rules.maxZoom}), e.g. 53.9,23.9,9; showing the whole map.`,
      );
    }
  }
  const unknownParams = [...params.keys()].filter((name) => !["date", "layers", "basemap", "view"].includes(name));
  if (unknownParams.length) {
    const names = unknownParams.slice(0, most).map((n) => shown(n)).join(", ");
    const more = unknownParams.length > most ? ` and ${unknownParams.length - most} more` : "";
    notices.push(
      `Unknown link parameter(s) ignored: ${names}${more}. The map understands date, layers, basemap and view.`,
    );
  }
  return { view: { day, layers, basemap, where }, notices };
}

/** The fragment of a view (mapapp.urlstate.encode): the place only once the map has one. */
export function encodeView(view) {
  let text = `date=${view.day}&layers=${view.layers.join(",")}&basemap=${view.basemap}`;
  if (view.where) text += `&view=${view.where[0].toFixed(4)},${view.where[1].toFixed(4)},${view.where[2]}`;
  return text;
}

// --- the monthly chart ----------------------------------------------------------------

const CHART = { height: 240, left: 56, right: 12, top: 12, bottom: 26 };

function niceStep(span) {
  const raw = span / 4;
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 2.5, 5, 10].map((f) => f * power).find((s) => s >= raw) || power * 10;
}

/**
 * Draw one measure of the monthly chart as SVG into ``box``: a point per source's figure (its
 * words in a tooltip, and given to ``onPoint(words, source)`` on a tap or focus), a line
 * through consecutive months only, a dashed rule at ``iso``.
 */
export function drawChart(box, chart, metric, iso, onPoint = null) {
  const width = Math.max(box.clientWidth, 280);
  const { height, left, right, top, bottom } = CHART;
  const t = (d) => Date.parse(d + "T00:00:00Z");
  const [t0, t1] = chart.domain.map(t);
  const max = Math.max(1, ...metric.points.map((p) => p[1]));
  const step = niceStep(max);
  const yMax = Math.ceil(max / step) * step;
  const x = (d) => left + ((t(d) - t0) / (t1 - t0)) * (width - left - right);
  const y = (v) => top + (1 - v / yMax) * (height - top - bottom);
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, class: "rd-chart-svg" });
  root.setAttribute("role", "img");
  root.setAttribute("aria-label", `${metric.title} per month and country; the table below lists every figure`);
  for (let v = 0; v <= yMax + step / 2; v += step) {
    root.append(svg("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), class: "grid" }));
    const label = svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", class: "tick" });
    label.textContent = formatNumber(v);
    root.append(label);
  }
  // A label needs about 70 px: every 3, 6 or 12 months, as the width allows.
  const months = (t1 - t0) / (30.44 * 86400000);
  const every = [3, 6, 12].find((n) => ((width - left - right) / months) * n >= 70) || 12;
  const first = new Date(t0);
  for (let m = first.getUTCMonth(), yr = first.getUTCFullYear(); ; m += every) {
    const at = new Date(Date.UTC(yr, m, 1));
    if (at.getTime() > t1) break;
    if (at.getTime() < t0) continue;
    const iso2 = at.toISOString().slice(0, 10);
    root.append(svg("line", { x1: x(iso2), x2: x(iso2), y1: height - bottom, y2: height - bottom + 4, class: "axis" }));
    const label = svg("text", { x: x(iso2), y: height - 8, "text-anchor": "middle", class: "tick" });
    label.textContent = at.toLocaleDateString("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
    root.append(label);
  }
  root.append(svg("line", { x1: left, x2: width - right, y1: height - bottom, y2: height - bottom, class: "axis" }));
  for (const run of metric.lines) {
    const colour = chart.countries[run.country] || "#555";
    if (run.points.length === 1) continue; // a lone month has its point, and no line to a neighbour
    const points = run.points.map(([d, v]) => `${x(d).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    root.append(svg("polyline", { points, fill: "none", stroke: colour, "stroke-width": 2 }));
  }
  for (const [d, v, country, month, body, counts, notes, source] of metric.points) {
    const dot = svg("circle", { cx: x(d), cy: y(v), r: 5, fill: chart.countries[country] || "#555", tabindex: 0 });
    const title = svg("title");
    title.textContent = [
      `${country}, ${month}: ${formatNumber(v)}`,
      body && `Counted by: ${body}`,
      counts && `What it counts: ${counts}`,
      notes && `Notes: ${notes}`,
      source && `Source: ${source}`,
    ]
      .filter(Boolean)
      .join("\n");
    dot.append(title);
    // A tap or a focus shows the point's words under the chart (a phone has no hover).
    const tell = () => onPoint?.(title.textContent, source);
    dot.addEventListener("click", tell);
    dot.addEventListener("focus", tell);
    root.append(dot);
  }
  if (iso >= chart.domain[0] && iso <= chart.domain[1]) {
    root.append(svg("line", { x1: x(iso), x2: x(iso), y1: top, y2: height - bottom, class: "day" }));
  }
  box.replaceChildren(root);
}

// --- the page ---------------------------------------------------------------------------

/**
 * Start the reader edition on the page mapapp/reader.py wrote.
 *
 * input: L (Leaflet), config (from Python: rules, map options, words), timeline, pages,
 * popups or popupsUrl, backdrop (or a promise of it).
 */
export class Reader {
  constructor(input) {
    this.input = input;
    this.config = input.config;
    this.rules = input.config.rules;
    this.pages = input.pages;
    this.timeline = input.timeline;
    this.$ = (id) => document.getElementById(id);
    const { view, notices } = this.viewFromFragment();
    this.view = view;
    this.map = new TimeMap(this.$("tm-root"), {
      L: input.L,
      timeline: this.timeline,
      popups: input.popups,
      popupsUrl: input.popupsUrl,
      backdrop: input.backdrop,
      map: this.config.map,
      attribution: this.config.attribution,
      tiles: this.config.tiles,
      day: view.day,
      layers: view.layers,
      basemap: view.basemap,
      view: view.where ? { lat: view.where[0], lon: view.where[1], zoom: view.where[2] } : null,
      onDay: () => this.dayRested(),
      // The headings follow every day drawn, Play included; the panels wait for the day to rest.
      onDraw: (iso) => this.headings(iso),
      onTileError: () =>
        this.say(
          "The OpenStreetMap tiles could not be loaded (they need a network). " +
            "The offline basemap needs none.",
        ),
      onView: (where) => {
        this.view.where = [where.lat, where.lon, where.zoom];
        this.writeFragment();
      },
    });
    this.buildChoices();
    this.buildChart();
    this.buildShare();
    this.showNotices(notices);
    this.dayRested();
    window.addEventListener("hashchange", () => this.fromFragment());
    this.$("tm-root").reader = this; // for tests, beside the engine's own element.timemap
    this.ready();
  }

  viewFromFragment() {
    return this.parse(window.location.hash);
  }

  /** How this page reads a fragment: its parameters, and the view with its notices. */
  parse(hash) {
    const { pairs, repeated } = readFragment(hash);
    return { pairs, repeated, ...parseView(pairs, repeated, this.rules) };
  }

  /** The reader (or a link clicked on the page) changed the fragment: show what it asks for. */
  fromFragment() {
    const { view, notices } = this.viewFromFragment();
    this.view = view;
    this.map.setLayers(view.layers);
    this.map.setBasemap(view.basemap);
    this.map.goTo(view.day);
    // No place in the link: the whole map, as the same link opened afresh shows it.
    const where = view.where || [...(this.config.map.center || [53.8, 25.8]), this.config.map.zoom ?? 6];
    this.map.focus(where[0], where[1], where[2]);
    this.syncChoices();
    this.showNotices(notices);
    this.dayRested();
  }

  writeFragment() {
    const wanted = "#" + encodeView(this.view);
    if (window.location.hash !== wanted) history.replaceState(null, "", wanted);
    this.updateShare();
  }

  showNotices(notices) {
    const box = this.$("rd-notice");
    box.replaceChildren();
    box.hidden = !notices.length;
    if (!notices.length) return;
    box.append(element("strong", {}, "Part of the link could not be used. "));
    for (const notice of notices) box.append(element("p", {}, notice));
    const close = element("button", { type: "button", class: "rd-close" }, "Dismiss");
    close.addEventListener("click", () => (box.hidden = true));
    box.append(close);
  }

  /** A line of the page's own in the notice box (once). */
  say(words) {
    const box = this.$("rd-notice");
    if ([...box.querySelectorAll("p")].some((p) => p.textContent === words)) return;
    box.hidden = false;
    box.append(element("p", {}, words));
  }

  ready() {
    const backdrop = this.view.basemap === "osm" ? Promise.resolve() : this.map.backdrop();
    backdrop.then(
      () =>
        requestAnimationFrame(() => {
          document.documentElement.dataset.ready = "1";
          // The popups' sources (a file of their own on a site) come once the map is drawn,
          // so the first click on a feature shows them at once.
          if (!this.input.popups) setTimeout(() => this.map.loadPopups(), 0);
        }),
      (error) => this.fail(`the country outlines could not be loaded (${error.message})`),
    );
  }

  fail(message) {
    const box = this.$("rd-notice");
    box.hidden = false;
    box.append(element("p", { class: "rd-error" }, `The map is incomplete: ${message}.`));
  }

  // --- layers and basemap ---------------------------------------------------------------
  buildChoices() {
    const layers = this.$("rd-layers");
    this.boxes = new Map();
    for (const layer of this.timeline.layers) {
      const label = element("label");
      const box = element("input", { type: "checkbox", value: layer.id });
      box.checked = this.view.layers.includes(layer.id);
      box.addEventListener("change", () => this.layersChosen());
      label.append(box, document.createTextNode(" " + layer.title));
      layers.append(label);
      this.boxes.set(layer.id, box);
    }
    const bases = this.$("rd-basemaps");
    this.radios = new Map();
    for (const [id, words] of Object.entries(this.config.basemaps)) {
      const label = element("label");
      const radio = element("input", { type: "radio", name: "rd-basemap", value: id });
      radio.checked = id === this.view.basemap;
      radio.addEventListener("change", () => {
        this.view.basemap = id;
        this.map.setBasemap(id);
        this.writeFragment();
      });
      label.append(radio, document.createTextNode(" " + words));
      bases.append(label);
      this.radios.set(id, radio);
    }
  }

  syncChoices() {
    for (const [id, box] of this.boxes) box.checked = this.view.layers.includes(id);
    for (const [id, radio] of this.radios) radio.checked = id === this.view.basemap;
  }

  layersChosen() {
    this.view.layers = this.timeline.layers.map((l) => l.id).filter((id) => this.boxes.get(id).checked);
    this.map.setLayers(this.view.layers);
    this.writeFragment();
    this.showList();
  }

  // --- the day ----------------------------------------------------------------------------
  headings(iso) {
    const words = dayWords(iso);
    for (const node of document.querySelectorAll("[data-rd-day]")) node.textContent = words;
  }

  dayRested() {
    const index = this.map.day;
    this.view.day = this.map.iso;
    this.writeFragment();
    this.headings(this.map.iso);
    this.showFigures(index);
    this.showWeek(index);
    this.drawChart();
    this.showList();
  }

  figure(i) {
    const [label, value, detail] = this.pages.figures[i];
    const box = element("div", { class: "rd-figure" });
    box.append(element("div", { class: "rd-label" }, label), element("div", { class: "rd-value" }, value));
    const more = element("div", { class: "rd-detail" });
    more.innerHTML = detail; // escaped by Python (mapapp.render.text.page_text), as in the app
    box.append(more);
    return box;
  }

  showFigures(index) {
    const standing = this.$("rd-standing");
    standing.replaceChildren(...runAt(this.pages.standing, index).map((i) => this.figure(i)));
    const months = this.$("rd-months");
    months.replaceChildren(...runAt(this.pages.months, index).map((i) => this.figure(i)));
  }

  showWeek(index) {
    const week = this.pages.weeks[runAt(this.pages.week, index)];
    this.$("rd-week-title").textContent = week.title;
    const list = this.$("rd-week");
    list.replaceChildren();
    if (!week.events.length) {
      list.append(element("li", { class: "rd-none" }, "No dated event this week in the data."));
      return;
    }
    for (const event of week.events) {
      const item = element("li");
      const name = Array.from(event.name);
      const short = name.length > 80 ? name.slice(0, 79).join("") + "…" : event.name;
      const show = element(
        "button",
        { type: "button", title: "Go to this event's day and place on the map", "aria-label": `Show on the map: ${event.when}, ${short}` },
        "Show",
      );
      show.addEventListener("click", () => this.showEvent(event));
      const words = element("span");
      words.append(element("b", {}, event.when), document.createTextNode(` · ${event.name}${event.where}`));
      item.append(show, words);
      list.append(item);
    }
  }

  showEvent(event) {
    if (!this.view.layers.includes("events") && this.boxes.has("events")) {
      this.boxes.get("events").checked = true;
      this.layersChosen();
    }
    this.map.goTo(event.day);
    // Close in on a known place; a region-only event keeps its surroundings in view.
    this.map.focus(event.lat, event.lon, { exact: 10, approximate: 9 }[event.precision] ?? 7);
    this.dayRested();
    this.$("tm-root").scrollIntoView({ block: "nearest" });
  }

  /** What is on the map on the day, as text: for screen readers and for anyone who wants a list. */
  showList() {
    const list = this.$("rd-list");
    const drawn = this.map.drawn();
    const byLayer = new Map();
    for (const item of drawn) byLayer.set(item.layer, [...(byLayer.get(item.layer) || []), item]);
    const parts = [];
    this.$("rd-list-count").textContent = `${drawn.length} feature${drawn.length === 1 ? "" : "s"}`;
    for (const layer of this.timeline.layers) {
      if (!this.view.layers.includes(layer.id)) continue;
      const items = byLayer.get(layer.id) || [];
      const section = element("section");
      section.append(element("h3", {}, `${layer.title} (${items.length})`));
      const ul = element("ul");
      if (!items.length) ul.append(element("li", { class: "rd-none" }, "none on this day"));
      const objects = this.map.objects.get(layer.id);
      for (const item of items) {
        const parts2 = objects.get(item.id);
        let day = parts2.state.day || "";
        if (parts2.km !== null && parts2.km !== undefined) day = day.split(KM).join(formatNumber(parts2.km));
        const line = textOf(parts2.feature.tip) + (day ? ` — ${textOf(day)}` : "");
        ul.append(element("li", {}, line));
      }
      section.append(ul);
      parts.push(section);
    }
    list.replaceChildren(...parts);
  }

  // --- the chart ------------------------------------------------------------------------
  buildChart() {
    const chart = this.pages.chart;
    const select = this.$("rd-metric");
    chart.metrics.forEach((metric, i) => select.append(element("option", { value: String(i) }, metric.title)));
    select.addEventListener("change", () => this.drawChart());
    const legend = this.$("rd-chart-legend");
    for (const [country, colour] of Object.entries(chart.countries)) {
      const swatch = element("span", { class: "rd-swatch" });
      swatch.style.background = colour;
      const item = element("span");
      item.append(swatch, document.createTextNode(country));
      legend.append(item);
    }
    this.$("rd-chart-section").hidden = !chart.metrics.length;
    new ResizeObserver(() => this.drawChart()).observe(this.$("rd-chart"));
    this.buildTable();
  }

  drawChart() {
    const metric = this.pages.chart.metrics[Number(this.$("rd-metric").value || 0)];
    if (metric) drawChart(this.$("rd-chart"), this.pages.chart, metric, this.map.iso, (w, s) => this.tellPoint(w, s));
  }

  tellPoint(words, source) {
    const box = this.$("rd-chart-point");
    const lines = words.split("\n").filter((line) => !line.startsWith("Source: "));
    box.replaceChildren(element("span", {}, lines.join(" · ")));
    if (isWebLink(source)) {
      box.append(document.createTextNode(" · "));
      box.append(element("a", { href: source, target: "_blank", rel: "noopener noreferrer" }, "source"));
    }
  }

  buildTable() {
    const { columns, rows } = this.pages.chart.table;
    const table = this.$("rd-table");
    const head = element("tr");
    for (const [, title] of columns) head.append(element("th", { scope: "col" }, title));
    table.append(element("thead"), element("tbody"));
    table.tHead.append(head);
    const source = columns.findIndex(([name]) => name === "source_url");
    const value = columns.findIndex(([name]) => name === "value");
    for (const row of rows) {
      const tr = element("tr");
      row.forEach((cell, i) => {
        const td = element("td");
        if (i === source && isWebLink(cell)) {
          td.append(element("a", { href: cell, target: "_blank", rel: "noopener noreferrer" }, cell));
        } else if (i === value && typeof cell === "number") {
          td.textContent = formatNumber(cell);
        } else {
          td.textContent = cell === null || cell === undefined ? "" : String(cell);
        }
        tr.append(td);
      });
      table.tBodies[0].append(tr);
    }
  }

  // --- share and embed ------------------------------------------------------------------
  buildShare() {
    this.$("rd-copy").addEventListener("click", () => {
      const field = this.$("rd-link");
      field.select();
      const said = this.$("rd-copied");
      const done = () => (said.textContent = "Copied.");
      const fallback = () => (document.execCommand("copy") ? done() : (said.textContent = "Select the link and copy it."));
      // The clipboard API exists only on https and localhost pages, not on a file opened from disk.
      if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(done, fallback);
      else fallback();
    });
    this.updateShare();
  }

  updateShare() {
    const href = window.location.href;
    const link = this.$("rd-link");
    if (link) link.value = href;
    const embed = this.$("rd-embed");
    if (!embed) return;
    if (window.location.protocol === "file:") {
      embed.value = "Put the published folder on a web server to embed this map.";
      return;
    }
    const attr = (text) =>
      text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    embed.value =
      `<iframe src="${attr(href)}" title="${attr(this.config.title)}" width="100%" height="1100" ` +
      `style="border:0" loading="lazy"></iframe>`;
  }
}
