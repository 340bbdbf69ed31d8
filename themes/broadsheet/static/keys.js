// broadsheet: the arrow keys go to the previous (←) and next (→) article of the issue (or, on a
// page view, the previous and next printed page), in
// print order, following the page's rel="prev" / rel="next" links. Keys typed into a form
// field, or with a modifier, are left alone.
(function () {
  "use strict";
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.defaultPrevented) return;
    var target = ev.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var rel = ev.key === "ArrowLeft" ? "prev" : ev.key === "ArrowRight" ? "next" : null;
    var link = rel && document.querySelector('a[rel="' + rel + '"]');
    if (link) { ev.preventDefault(); window.location.href = link.href; }
  });
})();
