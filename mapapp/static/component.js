// The Streamlit side of the map: a Components v2 component (st.components.v2).
//
// Streamlit runs this default export at every rerun with the same parentElement.
// The map is built once on that element (timemap.js) and then only told what
// changed: the layers, the basemap, and a day or a place the page asked for
// (each with a sequence number, so a stale rerun never moves the map back).
// The map tells the page its day and view once they rest (setStateValue).

function loadScript(src) {
  const found = document.querySelector(`script[data-mapapp="${CSS.escape(src)}"]`);
  if (found) return found.loaded;
  const script = document.createElement("script");
  script.src = src;
  script.dataset.mapapp = src;
  script.loaded = new Promise((resolve, reject) => {
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
  });
  document.head.append(script);
  return script.loaded;
}

function loadStyle(href) {
  if (document.querySelector(`link[data-mapapp="${CSS.escape(href)}"]`)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  link.dataset.mapapp = href;
  document.head.append(link);
}

const absolute = (url) => new URL(url, window.location.href).href;

async function create(host, data) {
  const assets = data.assets;
  assets.css.forEach((href) => loadStyle(absolute(href)));
  const json = (url) =>
    fetch(absolute(url)).then((reply) => {
      if (!reply.ok) throw new Error(`could not load ${url} (${reply.status})`);
      return reply.json();
    });
  // Everything at once: one round trip instead of three in a row. The engine needs
  // Leaflet only when the map is built, not when it is imported.
  const backdrop = json(data.backdrop_url);
  backdrop.catch(() => {}); // its failure is reported where the map uses it
  const [, engine, timeline] = await Promise.all([
    loadScript(absolute(assets.leaflet)),
    import(absolute(assets.engine)),
    json(data.timeline_url),
  ]);
  return new engine.TimeMap(host, {
    L: window.L,
    timeline,
    popupsUrl: absolute(data.popups_url),
    backdrop,
    map: data.map,
    attribution: data.attribution,
    tiles: data.tiles,
    day: data.day,
    layers: data.layers,
    basemap: data.basemap,
    view: data.view,
    onDay: (iso) => host.send("day", iso),
    onView: (view) => host.send("view", `${view.lat},${view.lon},${view.zoom}`),
  });
}

export default async function (component) {
  const { parentElement, data, setStateValue } = component;
  let host = parentElement.querySelector(".tm-host");
  if (!host) {
    host = document.createElement("div");
    host.className = "tm-host";
    parentElement.append(host);
    host.daySeq = data.day_seq;
    host.focusSeq = data.focus_seq;
    host.ready = create(host, data).catch((error) => {
      host.textContent = `The map could not be drawn: ${error.message}. Reload the page to try again.`;
      host.classList.add("tm-failed");
      return null;
    });
  }
  // The latest callback. Each report is numbered, so that the page hears it even when
  // the value equals an older report (the page may have moved in between).
  host.send = (name, value) => {
    host.reports = (host.reports || 0) + 1;
    setStateValue(name, { value, n: host.reports });
  };
  const map = await host.ready;
  if (!map) return;
  map.setLayers(data.layers);
  map.setBasemap(data.basemap);
  if (data.day_seq !== host.daySeq) {
    host.daySeq = data.day_seq;
    map.goTo(data.day);
  }
  if (data.focus && data.focus_seq !== host.focusSeq) {
    host.focusSeq = data.focus_seq;
    map.focus(data.focus[0], data.focus[1], data.focus[2]);
  }
}
