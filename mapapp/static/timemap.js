// The map that keeps time in the browser.
//
// It draws any day of the period from the timeline that Python compiled once
// (mapapp/compiled.py): which features stand on the day, how they look and what
// their popups say are looked up, never worked out here. Leaflet draws; the
// time bar under the map steps, jumps and plays through the days.
//
// One ES module, no globals of its own: the page that uses it (the Streamlit
// component in component.js, or a static page) creates a TimeMap on an element.

const DAY_MS = 86400000;
const DAY_MARK = "<!--day-->";
const KM_MARK = "<!--km-->";
/** Play speeds, days per second. */
export const SPEEDS = [1, 2, 5, 10, 30];
/** How long the day must rest before the page around the map is told (ms). */
export const REST_MS = 300;

/** A number for a reader, as the Python side writes it: 1,234 or 12.5. */
export function formatNumber(value) {
  return Number(value).toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** The ISO day ``index`` days after ``startIso``. */
export function isoOf(startIso, index) {
  return new Date(Date.parse(startIso + "T00:00:00Z") + index * DAY_MS).toISOString().slice(0, 10);
}

/** Days from ``startIso`` to ``iso`` (NaN when ``iso`` is not a day). */
export function indexOf(startIso, iso) {
  if (typeof iso !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(iso)) return NaN;
  return Math.round((Date.parse(iso + "T00:00:00Z") - Date.parse(startIso + "T00:00:00Z")) / DAY_MS);
}

/** "13 Nov 2021" for a reader. */
export function dayWords(iso) {
  const date = new Date(iso + "T00:00:00Z");
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

/** The value of the run holding ``index``: runs are ``[first index, value]``, in order. */
export function runAt(runs, index) {
  let lo = 0;
  let hi = runs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (runs[mid][0] <= index) lo = mid;
    else hi = mid - 1;
  }
  return runs[lo][1];
}

/** The state of a compiled feature on day ``index``: the last one starting on or before it. */
export function stateAt(feature, index) {
  return runAt(feature.s, index);
}

/** Split [lon, lat] coordinates at ``fraction`` of their planar length: [first part, rest]. */
export function cutLine(coords, fraction) {
  if (fraction <= 0) return [null, coords];
  if (fraction >= 1) return [coords, null];
  const walked = [0];
  for (let i = 1; i < coords.length; i++) {
    const dx = coords[i][0] - coords[i - 1][0];
    const dy = coords[i][1] - coords[i - 1][1];
    walked.push(walked[i - 1] + Math.hypot(dx, dy));
  }
  const total = walked[walked.length - 1];
  if (total === 0) return [null, coords];
  const at = fraction * total;
  let i = 1;
  while (i < coords.length - 1 && walked[i] <= at) i++;
  const step = walked[i] - walked[i - 1];
  const share = step ? (at - walked[i - 1]) / step : 0;
  const cut = [
    coords[i - 1][0] + share * (coords[i][0] - coords[i - 1][0]),
    coords[i - 1][1] + share * (coords[i][1] - coords[i - 1][1]),
  ];
  return [[...coords.slice(0, i), cut], [cut, ...coords.slice(i)]];
}

const latLngs = (coords) => coords.map(([lon, lat]) => [lat, lon]);

/** An element with attributes and text (set as text, never parsed). */
export function element(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

/**
 * The map, its layers for the chosen day, its legend and its time bar.
 *
 * options: L (Leaflet), timeline (compiled), popupsUrl or popups, backdropUrl or backdrop
 * (URLs to fetch, or the documents themselves; the backdrop may be a promise of it, already
 * on its way), map (Leaflet
 * options from folium: center, zoom, minZoom, maxZoom, scale…), attribution
 * (trusted HTML of ours), tiles ({url, attribution}), day (ISO), layers (ids shown),
 * basemap ("offline" | "osm"), view ({lat, lon, zoom} or null), speed (days/s),
 * onDay(iso) after the day rests, onView({lat, lon, zoom}) after the map rests, onDraw(iso)
 * after every day drawn (Play included: keep it cheap), onTileError() when the tiles fail.
 */
export class TimeMap {
  constructor(root, options) {
    this.L = options.L;
    this.timeline = options.timeline;
    this.options = options;
    this.root = root;
    this.days = this.timeline.days;
    this.day = this.clampDay(indexOf(this.timeline.start, options.day));
    if (Number.isNaN(this.day)) this.day = 0;
    this.shown = new Set(options.layers || []);
    this.speed = SPEEDS.includes(options.speed) ? options.speed : 5;
    this.playing = false;
    this.popups = options.popups || null;
    this.objects = new Map(); // layer id → Map(feature id → drawn object)
    this.groups = new Map();
    this.build();
    this.setBasemap(options.basemap || "offline");
    for (const layer of this.timeline.layers) this.showLayer(layer.id, this.shown.has(layer.id));
    this.draw();
    root.timemap = this; // for the page around it and for tests: on the element, not the window
  }

  clampDay(index) {
    return Math.min(Math.max(index, 0), this.days - 1);
  }

  get iso() {
    return isoOf(this.timeline.start, this.day);
  }

  // --- building -------------------------------------------------------------------
  build() {
    const L = this.L;
    this.root.classList.add("tm");
    this.mapEl = element("div", {
      class: "tm-map",
      tabindex: "0",
      "aria-label":
        "Map of the Belarus–EU border crisis. Left and right arrows: a day; with Shift: a week; " +
        "Page Up and Page Down: the previous or next change; Space: play or pause.",
    });
    this.root.append(this.mapEl, this.buildBar());
    const opts = this.options.map || {};
    this.map = L.map(this.mapEl, {
      center: opts.center || [53.8, 25.8],
      zoom: opts.zoom ?? 6,
      minZoom: opts.minZoom ?? 4,
      maxZoom: opts.maxZoom ?? 16,
      zoomControl: opts.zoomControl ?? true,
      preferCanvas: false,
      keyboard: false, // the arrow keys step through time here, not pan
    });
    const view = this.options.view;
    if (view && Number.isFinite(view.lat) && Number.isFinite(view.lon) && Number.isFinite(view.zoom)) {
      this.map.setView([view.lat, view.lon], view.zoom, { animate: false });
    }
    if (opts.scale !== false) L.control.scale({ imperial: false }).addTo(this.map);
    if (this.options.attribution) this.map.attributionControl.addAttribution(this.options.attribution);
    // On a touch screen one finger scrolls the page; two move and zoom the map.
    if (L.Browser.mobile) this.map.dragging.disable();
    this.map.createPane("tm-backdrop").style.zIndex = 250;
    this.timeline.layers.forEach((layer, i) => {
      this.map.createPane("tm-" + layer.id).style.zIndex = String(410 + i);
      this.groups.set(layer.id, L.layerGroup());
      this.objects.set(layer.id, new Map());
    });
    this.buildLegend();
    this.root.addEventListener("keydown", (event) => this.onKey(event));
    this.map.on("moveend", () => this.restThen("view", () => this.options.onView?.(this.view())));
  }

  buildBar() {
    const bar = element("div", { class: "tm-bar", role: "group", "aria-label": "Time: the day on the map" });
    const button = (label, title, action, cls = "") => {
      const b = element("button", { type: "button", "aria-label": title, title, class: cls }, label);
      b.addEventListener("click", action);
      return b;
    };
    this.prevChange = button("◀◀ Change", "Previous change", () => this.jumpChange(-1));
    const weekBack = button("◀ Week", "Back one week", () => this.step(-7));
    const dayBack = button("◀ Day", "Back one day", () => this.step(-1));
    this.playButton = button("▶ Play", "Play", () => this.togglePlay(), "tm-play");
    this.playButton.setAttribute("aria-pressed", "false");
    const dayOn = button("Day ▶", "Forward one day", () => this.step(1));
    const weekOn = button("Week ▶", "Forward one week", () => this.step(7));
    this.nextChange = button("Change ▶▶", "Next change", () => this.jumpChange(1));
    this.dateLabel = element("output", { class: "tm-date", "aria-live": "polite" });
    this.speedSelect = element("select", { class: "tm-speed", "aria-label": "Play speed" });
    for (const speed of SPEEDS) {
      const option = element("option", { value: String(speed) }, speed === 1 ? "1 day/s" : `${speed} days/s`);
      if (speed === this.speed) option.selected = true;
      this.speedSelect.append(option);
    }
    this.speedSelect.addEventListener("change", () => (this.speed = Number(this.speedSelect.value)));
    const buttons = element("div", { class: "tm-buttons" });
    buttons.append(this.prevChange, weekBack, dayBack, this.playButton, dayOn, weekOn, this.nextChange,
      this.dateLabel, this.speedSelect);
    this.strip = element("div", {
      class: "tm-strip",
      role: "slider",
      tabindex: "0",
      "aria-label": "Day on the map (marks: days on which the map changes; tall ticks: events)",
      "aria-valuemin": "0",
      "aria-valuemax": String(this.days - 1),
    });
    this.canvas = element("canvas", { "aria-hidden": "true" });
    this.cursor = element("div", { class: "tm-cursor", "aria-hidden": "true" });
    this.strip.append(this.canvas, this.cursor);
    const pick = (event) => {
      const box = this.strip.getBoundingClientRect();
      const share = Math.min(Math.max((event.clientX - box.left) / Math.max(box.width, 1), 0), 1);
      this.setDay(Math.round(share * (this.days - 1)), { from: "strip" });
    };
    this.strip.addEventListener("pointerdown", (event) => {
      this.pause();
      this.strip.setPointerCapture?.(event.pointerId);
      this.dragging = true;
      pick(event);
    });
    this.strip.addEventListener("pointermove", (event) => this.dragging && pick(event));
    const stop = () => (this.dragging = false);
    this.strip.addEventListener("pointerup", stop);
    this.strip.addEventListener("pointercancel", stop);
    bar.append(buttons, this.strip);
    new ResizeObserver(() => this.paintStrip()).observe(this.strip);
    return bar;
  }

  paintStrip() {
    const width = this.strip.clientWidth;
    const height = this.strip.clientHeight;
    if (!width || !height) return;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.width = width + "px";
    this.canvas.style.height = height + "px";
    const ctx = this.canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    const x = (index) => (index / (this.days - 1)) * (width - 1) + 0.5;
    ctx.fillStyle = "#eef1f4";
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = "#9fb3c8";
    for (const index of this.timeline.changes) ctx.fillRect(x(index) - 0.5, height * 0.45, 1, height * 0.55);
    ctx.fillStyle = "#c2185b";
    for (const index of this.timeline.events) ctx.fillRect(x(index) - 0.5, height * 0.15, 1.2, height * 0.85);
    // Years, so the strip can be read at a glance.
    ctx.fillStyle = "#37474f";
    ctx.font = "10px system-ui, sans-serif";
    const first = Number(this.timeline.start.slice(0, 4));
    const last = Number(this.timeline.end.slice(0, 4));
    for (let year = first + 1; year <= last; year++) {
      const at = x(indexOf(this.timeline.start, `${year}-01-01`));
      ctx.fillRect(at, 0, 1, height);
      ctx.fillText(String(year), at + 3, 10);
    }
    this.placeCursor();
  }

  placeCursor() {
    const width = this.strip.clientWidth;
    this.cursor.style.left = `${(this.day / (this.days - 1)) * Math.max(width - 1, 0)}px`;
  }

  buildLegend() {
    const L = this.L;
    const control = L.control({ position: "bottomright" });
    control.onAdd = () => {
      const div = L.DomUtil.create("div", "mapapp-legend");
      const details = element("details");
      details.append(element("summary", {}, "Legend: on the map now"));
      this.legendBody = element("div", { class: "mapapp-legend-body" });
      details.append(this.legendBody);
      // Open on a large map, folded where it would hide too much of it.
      details.open = window.innerWidth >= 900 && window.innerHeight >= 650;
      div.append(details);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    control.addTo(this.map);
  }

  // --- basemap and layers -----------------------------------------------------------
  setBasemap(id) {
    if (id === this.basemapId) return;
    this.basemapId = id;
    if (this.basemap) this.map.removeLayer(this.basemap);
    const container = this.map.getContainer();
    if (id === "osm") {
      const tiles = this.options.tiles;
      this.basemap = this.L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 });
      // Once per basemap switch: the page may say that the tiles need a network.
      this.basemap.once("tileerror", () => this.options.onTileError?.());
      container.classList.remove("mapapp-offline");
    } else {
      this.basemap = this.L.geoJSON(null, {
        pane: "tm-backdrop",
        interactive: false,
        style: (f) => f.properties.style,
      });
      container.classList.add("mapapp-offline");
      this.backdrop().then((data) => this.basemap && this.basemapId !== "osm" && this.basemap.addData(data));
    }
    this.basemap.addTo(this.map);
  }

  backdrop() {
    if (!this.backdropData) {
      const given = this.options.backdrop;
      this.backdropData = given ? Promise.resolve(given) : fetch(this.options.backdropUrl).then((r) => r.json());
    }
    return this.backdropData;
  }

  setLayers(ids) {
    const wanted = new Set(ids);
    if (wanted.size === this.shown.size && [...wanted].every((id) => this.shown.has(id))) return;
    for (const layer of this.timeline.layers) this.showLayer(layer.id, wanted.has(layer.id));
    this.shown = wanted;
    this.draw();
  }

  showLayer(id, on) {
    const group = this.groups.get(id);
    if (!group) return;
    if (on && !this.map.hasLayer(group)) group.addTo(this.map);
    if (!on && this.map.hasLayer(group)) this.map.removeLayer(group);
    if (on) this.shown.add(id);
    else this.shown.delete(id);
  }

  // --- one feature --------------------------------------------------------------------
  make(layer, feature) {
    const L = this.L;
    const pane = "tm-" + layer.id;
    const parts = { feature, layer, main: null, rest: null, halo: null, arrow: null, state: null, km: null };
    const interactive = [];
    if (layer.geometry === "point") {
      parts.main = L.circleMarker([0, 0], { pane });
      interactive.push(parts.main);
    } else if (layer.built_by) {
      parts.main = L.polyline([], { pane });
      parts.rest = L.polyline([], { pane });
      interactive.push(parts.main, parts.rest);
    } else {
      parts.main = L.geoJSON(feature.g, { pane });
      interactive.push(parts.main);
      if (feature.arrow) parts.arrow = L.polyline(latLngs(feature.arrow), { pane, interactive: false });
    }
    const popupOptions = {
      // Narrower than the map itself (not the window: the map may be a column of the page).
      maxWidth: Math.max(160, Math.min(360, (this.mapEl.clientWidth || window.innerWidth) - 70)),
      maxHeight: 320,
      autoPanPadding: [20, 20],
    };
    for (const shape of interactive) {
      if (feature.label) {
        shape.bindTooltip(feature.tip, { permanent: true, direction: "right", className: "mapapp-town", offset: [3, 0] });
      } else {
        shape.bindTooltip(feature.tip, { sticky: true });
      }
      shape.bindPopup(() => this.popupHtml(parts), popupOptions);
      shape.on("popupopen", (event) => (this.openPopup = { parts, popup: event.popup }));
      shape.on("popupclose", () => (this.openPopup = null));
    }
    parts.group = L.featureGroup([parts.halo, parts.rest, parts.main, parts.arrow].filter(Boolean));
    return parts;
  }

  apply(parts, index) {
    const { feature, layer } = parts;
    const state = stateAt(feature, index);
    const km = layer.built_by ? feature.km[index - feature.a] : null;
    if (state === parts.state && km === parts.km) return false;
    const L = this.L;
    if (layer.geometry === "point") {
      const latlng = [state.xy[1], state.xy[0]];
      parts.main.setLatLng(latlng);
      parts.main.setStyle(state.style);
      parts.main.setRadius(state.style.radius);
      if (state.halo) {
        const pane = "tm-" + layer.id;
        const wanted = state.halo.radius_m ? "circle" : "marker";
        if (!parts.halo || parts.haloKind !== wanted) {
          if (parts.halo) parts.group.removeLayer(parts.halo);
          parts.halo = wanted === "circle" ? L.circle(latlng, { pane }) : L.circleMarker(latlng, { pane });
          parts.haloKind = wanted;
          parts.group.addLayer(parts.halo);
          parts.main.bringToFront();
        }
        parts.halo.setLatLng(latlng);
        parts.halo.setStyle({ ...state.halo, interactive: false });
        parts.halo.setRadius(state.halo.radius_m || state.halo.radius);
      }
    } else if (layer.built_by) {
      const fraction = feature.planned ? Math.min(1, km / feature.planned) : 1;
      const geometry = feature.g;
      let built = null;
      let rest = null;
      if (geometry.type === "LineString") {
        [built, rest] = cutLine(geometry.coordinates, fraction);
      } else if (fraction >= 1) {
        built = geometry.coordinates.map(latLngs);
      } else {
        rest = geometry.coordinates.map(latLngs);
      }
      const ll = (part) => (part && geometry.type === "LineString" ? latLngs(part) : part || []);
      parts.main.setLatLngs(ll(built));
      parts.rest.setLatLngs(ll(rest));
      parts.main.setStyle(state.style);
      parts.rest.setStyle(state.rest);
      parts.fraction = fraction;
    } else {
      parts.main.setStyle(state.style);
      if (parts.arrow) parts.arrow.setStyle(state.arrow);
    }
    parts.state = state;
    parts.km = km;
    if (this.openPopup && this.openPopup.parts === parts) this.openPopup.popup.setContent(this.popupHtml(parts));
    return true;
  }

  popupHtml(parts) {
    const { feature, layer, state } = parts;
    let day = state ? state.day : "";
    if (parts.km !== null && parts.km !== undefined) day = day.split(KM_MARK).join(formatNumber(parts.km));
    if (!this.popups) {
      this.loadPopups();
      return `<div class="mapapp-popup"><h4>${feature.tip}</h4>${day}<p>Loading the sources…</p></div>`;
    }
    const lasting = (this.popups[layer.id] || {})[feature.id] || "";
    // split/join: replace() would read $& and $` in the data as patterns.
    return lasting.split(DAY_MARK).join(day);
  }

  loadPopups() {
    if (this.popupsLoading) return this.popupsLoading;
    this.popupsLoading = fetch(this.options.popupsUrl)
      .then((r) => r.json())
      .then((data) => {
        this.popups = data;
        const open = this.openPopup;
        if (open) open.popup.setContent(this.popupHtml(open.parts));
      })
      .catch(() => (this.popupsLoading = null));
    return this.popupsLoading;
  }

  // --- the day ------------------------------------------------------------------------
  /** Draw the chosen day: add, remove and restyle features; then the legend and the bar. */
  draw() {
    const index = this.day;
    for (const layer of this.timeline.layers) {
      if (!this.shown.has(layer.id)) continue;
      const group = this.groups.get(layer.id);
      const objects = this.objects.get(layer.id);
      let reorder = false;
      for (const feature of layer.features) {
        let parts = objects.get(feature.id);
        const standing = feature.a <= index && index <= feature.b;
        if (!standing) {
          if (parts && group.hasLayer(parts.group)) {
            group.removeLayer(parts.group);
            reorder = true;
          }
          continue;
        }
        if (!parts) {
          parts = this.make(layer, feature);
          objects.set(feature.id, parts);
        }
        const changed = this.apply(parts, index);
        if (!group.hasLayer(parts.group)) {
          group.addLayer(parts.group);
          reorder = true;
        }
        reorder = reorder || (changed && layer.geometry === "point");
      }
      if (reorder && layer.geometry === "point") this.order(layer);
    }
    this.updateLegend();
    this.updateBar();
    this.root.dataset.day = this.iso;
    this.root.dataset.draws = String(Number(this.root.dataset.draws || 0) + 1);
    this.options.onDraw?.(this.iso);
  }

  /** Points in drawing order: big circles under small ones, closed crossings on top. */
  order(layer) {
    const group = this.groups.get(layer.id);
    const standing = [...this.objects.get(layer.id).values()].filter((p) => group.hasLayer(p.group));
    standing.sort((a, b) => a.state.z - b.state.z);
    for (const parts of standing) {
      if (parts.halo) parts.halo.bringToFront();
      parts.main.bringToFront();
    }
  }

  setDay(index, { from = "map" } = {}) {
    const day = this.clampDay(Math.round(index));
    if (Number.isNaN(day)) return;
    if (day !== this.day) {
      this.day = day;
      this.draw();
    }
    if (from !== "page") this.restThen("day", () => this.options.onDay?.(this.iso));
  }

  /** Move to a day the page asked for (ISO); Play stops. */
  goTo(iso) {
    const index = indexOf(this.timeline.start, iso);
    if (Number.isNaN(index)) return;
    this.pause();
    this.setDay(index, { from: "page" });
  }

  step(days) {
    this.pause();
    this.setDay(this.day + days);
  }

  jumpChange(direction) {
    const target = this.changeFrom(direction);
    if (target !== null) {
      this.pause();
      this.setDay(target);
    }
  }

  changeFrom(direction) {
    const changes = this.timeline.changes;
    if (direction < 0) {
      for (let i = changes.length - 1; i >= 0; i--) if (changes[i] < this.day) return changes[i];
    } else {
      for (const index of changes) if (index > this.day) return index;
    }
    return null;
  }

  restThen(what, action) {
    this.timers = this.timers || {};
    clearTimeout(this.timers[what]);
    this.timers[what] = setTimeout(action, REST_MS);
  }

  view() {
    const centre = this.map.getCenter();
    return { lat: +centre.lat.toFixed(4), lon: +centre.lng.toFixed(4), zoom: this.map.getZoom() };
  }

  focus(lat, lon, zoom) {
    // No pan animation: the page redraws around the map meanwhile, which could stop it half-way.
    this.map.setView([lat, lon], zoom ?? Math.max(this.map.getZoom(), 10), { animate: false });
  }

  // --- Play ---------------------------------------------------------------------------
  togglePlay() {
    if (this.playing) this.pause();
    else this.play();
  }

  play() {
    if (this.playing) return;
    if (this.day >= this.days - 1) this.setDay(0);
    this.playing = true;
    this.lastStep = performance.now();
    this.dateLabel.setAttribute("aria-live", "off"); // a date read out 30 times a second helps nobody
    const tick = (now) => {
      if (!this.playing) return;
      const interval = 1000 / this.speed;
      // One day per frame at most: a slow frame slows Play down, it never skips a day.
      if (now - this.lastStep >= interval - 2) {
        this.lastStep = now - this.lastStep > 2 * interval ? now : this.lastStep + interval;
        this.setDay(this.day + 1);
        if (this.day >= this.days - 1) {
          this.pause();
          return;
        }
      }
      this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
    this.updateBar();
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    cancelAnimationFrame(this.frame);
    this.dateLabel.setAttribute("aria-live", "polite");
    this.updateBar();
    this.restThen("day", () => this.options.onDay?.(this.iso));
  }

  onKey(event) {
    const tag = event.target && event.target.tagName;
    if (tag === "SELECT" || tag === "INPUT" || tag === "TEXTAREA" || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    // Space and Enter on a button of the bar press that button, as anywhere else.
    if (tag === "BUTTON" && (event.key === " " || event.key === "Enter")) return;
    const actions = {
      ArrowLeft: () => this.step(event.shiftKey ? -7 : -1),
      ArrowRight: () => this.step(event.shiftKey ? 7 : 1),
      PageUp: () => this.jumpChange(-1),
      PageDown: () => this.jumpChange(1),
      Home: () => this.step(-this.days),
      End: () => this.step(this.days),
      " ": () => this.togglePlay(),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    action();
  }

  // --- what the page shows around the map ---------------------------------------------
  updateBar() {
    const iso = this.iso;
    this.dateLabel.textContent = dayWords(iso);
    this.strip.setAttribute("aria-valuenow", String(this.day));
    this.strip.setAttribute("aria-valuetext", dayWords(iso));
    this.placeCursor();
    this.playButton.textContent = this.playing ? "❚❚ Pause" : "▶ Play";
    this.playButton.setAttribute("aria-label", this.playing ? "Pause" : "Play");
    this.playButton.setAttribute("aria-pressed", String(this.playing));
    this.prevChange.disabled = this.changeFrom(-1) === null;
    this.nextChange.disabled = this.changeFrom(1) === null;
  }

  updateLegend() {
    if (!this.legendBody) return;
    const body = this.legendBody;
    body.replaceChildren();
    const notes = [];
    const halos = new Set();
    for (const layer of this.timeline.layers) {
      if (!this.shown.has(layer.id)) continue;
      const standing = this.standing(layer);
      body.append(element("b", {}, layer.legend.title));
      if (!standing.length) {
        body.append(element("div", { class: "none" }, "none on this day"));
        continue;
      }
      const keys = new Set(standing.map((p) => p.state.ck));
      for (const [key, colour, label] of layer.legend.entries) {
        if (key !== "" && !keys.has(key)) continue;
        const row = element("div");
        const swatch = element("span", { class: "swatch-" + layer.legend.swatch });
        if (layer.legend.swatch === "line") swatch.style.borderColor = colour;
        else swatch.style.background = colour;
        row.append(swatch, document.createTextNode(label));
        body.append(row);
      }
      for (const parts of standing) if (parts.state.halo) halos.add(parts.feature.halo);
      const unfinished = !layer.built_by || standing.some((p) => p.fraction < 1);
      if (layer.legend.note && unfinished) notes.push(layer.legend.note);
    }
    const precision = this.timeline.precision_notes;
    const lines = [...Object.keys(precision).filter((k) => halos.has(k)).map((k) => precision[k]), ...notes];
    if (lines.length) {
      const box = element("div", { class: "notes" });
      for (const line of lines) box.append(element("div", {}, line));
      body.append(box);
    }
  }

  standing(layer) {
    const group = this.groups.get(layer.id);
    return [...this.objects.get(layer.id).values()].filter((p) => group.hasLayer(p.group));
  }

  /** What is drawn now: per feature its layer, id and day properties (for tests and the text list). */
  drawn() {
    const out = [];
    for (const layer of this.timeline.layers) {
      if (!this.shown.has(layer.id) || !this.map.hasLayer(this.groups.get(layer.id))) continue;
      for (const parts of this.standing(layer)) {
        const props = { ...parts.state.props };
        if (layer.built_by) props[layer.built_by] = parts.km;
        out.push({ layer: layer.id, id: parts.feature.id, props });
      }
    }
    return out;
  }
}
