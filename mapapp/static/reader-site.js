// Starts the reader edition of a static site (mapapp/reader.py): the engine and
// reader.js are above this in the same module; the page names the data files,
// by content hash, in its #rd-config element.
const config = JSON.parse(document.getElementById("rd-config").textContent);
const json = (name) =>
  fetch(config.files[name]).then((reply) => {
    if (!reply.ok) throw new Error(`${config.files[name]}: ${reply.status} ${reply.statusText}`);
    return reply.json();
  });
// All at once: the outlines load while the timeline is read.
const backdrop = json("backdrop");
backdrop.catch(() => {}); // reported where the map uses it
Promise.all([json("timeline"), json("pages")]).then(
  ([timeline, pages]) =>
    new Reader({ L: window.L, config, timeline, pages, popupsUrl: config.files.popups, backdrop }),
  (error) => {
    const box = document.getElementById("rd-notice");
    box.hidden = false;
    const words = document.createElement("p");
    words.className = "rd-error";
    words.textContent = `The map could not be drawn: its data could not be loaded (${error.message}). Reload the page to try again.`;
    box.append(words);
  },
);
