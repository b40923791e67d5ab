// Starts the map of a single HTML file (mapapp/export.py): the engine (timemap.js)
// is inlined above this in the same module, and the data sits in JSON elements.
const read = (id) => JSON.parse(document.getElementById(id).textContent);
new TimeMap(document.getElementById("tm-root"), {
  ...read("tm-config"),
  L: window.L,
  timeline: read("tm-timeline"),
  popups: read("tm-popups"),
  backdrop: read("tm-backdrop"),
});
