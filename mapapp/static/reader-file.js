// The static site's page opened straight from disk (file://): browsers do not run its
// module or let it read its data files there, so the map cannot start. A classic
// script still runs: it says what to do instead of leaving a blank page.
if (window.location.protocol === "file:") {
  const box = document.getElementById("rd-notice");
  const words = document.createElement("p");
  words.className = "rd-error";
  words.textContent =
    "The map could not be drawn: a browser does not let a page opened from a file read the files " +
    "beside it. Serve this folder from a web server (for a test: python3 -m http.server in the " +
    "folder), or publish with --single-file for one HTML file that opens from disk.";
  box.append(words);
  box.hidden = false;
}
