// The provision reader: a defined term's definition beside it on hover and on keyboard focus (Escape hides it),
// and "copy citation" buttons. Progressive enhancement: without this, terms are links and the text reads the same.
(function () {
  const tip = document.createElement("div");
  tip.className = "term-popover";
  tip.id = "term-popover";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.appendChild(tip);

  function termOf(node) { return node && node.closest ? node.closest("a.term[aria-describedby]") : null; }

  function show(term) {
    const source = document.getElementById(term.getAttribute("aria-describedby"));
    if (!source) return;
    tip.replaceChildren(...Array.from(source.cloneNode(true).childNodes));
    tip.hidden = false;
    const box = term.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    tip.style.top = (window.scrollY + box.bottom + 6) + "px";
    tip.style.left = Math.max(8, Math.min(window.scrollX + box.left, width - tip.offsetWidth - 8)) + "px";
  }

  function hide() { tip.hidden = true; }

  document.addEventListener("focusin", function (e) { const t = termOf(e.target); if (t) show(t); else hide(); });
  document.addEventListener("focusout", function (e) { if (termOf(e.target)) hide(); });
  document.addEventListener("mouseover", function (e) { const t = termOf(e.target); if (t) show(t); });
  document.addEventListener("mouseout", function (e) {
    if (termOf(e.target) && document.activeElement !== termOf(e.target)) hide();
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });

  document.addEventListener("click", function (e) {
    const button = e.target.closest ? e.target.closest("button.copy-cite") : null;
    if (!button) return;
    const text = button.dataset.cite;
    const done = function () {
      const label = button.textContent;
      button.textContent = "Copied";
      button.setAttribute("aria-live", "polite");
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else { fallback(text); done(); }
  });

  function fallback(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (err) { /* the citation stays visible on the page */ }
    area.remove();
  }
})();
