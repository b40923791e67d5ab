// Starts the reader edition in one HTML file (mapapp/reader.py): the engine and
// reader.js are above this in the same module, the data sits in JSON elements.
const read = (id) => JSON.parse(document.getElementById(id).textContent);
new Reader({
  L: window.L,
  config: read("rd-config"),
  timeline: read("rd-timeline"),
  pages: read("rd-pages"),
  popups: read("rd-popups"),
  backdrop: read("rd-backdrop"),
});
