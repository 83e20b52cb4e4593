// The site's script, progressive enhancement only (every page works without it).
// The search box suggests terms while typing (the form works without this).
(function () {
  const input = document.querySelector("input[data-suggest]");
  const list = document.getElementById("suggestions");
  if (!input || !list || !window.fetch) return;
  let timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) { list.replaceChildren(); return; }
    timer = setTimeout(function () {
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          list.replaceChildren(...data.results.map(function (hit) {
            const option = document.createElement("option");
            option.value = hit.label;  // value/label are text: never parsed as HTML
            const tag = [hit.vocabulary, hit.section].filter(Boolean).join(" · ");  // tells namesakes apart
            if (tag || hit.type !== "concept") option.label = tag || hit.type;
            return option;
          }));
        })
        .catch(function () {});
    }, 120);
  });
})();

// A table wider than the screen scrolls inside its own box (medkg.css): such a box is reachable by keyboard too,
// so it can be scrolled without a mouse (WCAG 2.1.1).
(function () {
  function scrollables() {
    document.querySelectorAll("main table, main .table-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else box.removeAttribute("tabindex");
    });
  }
  scrollables();
  window.addEventListener("resize", scrollables);
  document.addEventListener("toggle", scrollables, true);  // a table inside <details> is measured when shown
})();
