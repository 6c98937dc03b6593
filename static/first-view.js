// Runs in <head>, before the first paint (a classic, blocking script: the
// CSP in terraform/cdn.tf forbids inline scripts). The page carries the
// default plan, pre-rendered at build time (kickoff first-view). When the app
// will open another scenario, that plan must never show: with a share link
// (#s1=…) or a saved scenario that is not the default (FNV-1a of its JSON vs
// <html data-kickoff-default>, src/export/first_view.rs), mark <html> so the
// style sheet shows "Opening your scenario…" until the app renders.
(function () {
  var d = document.documentElement, s = null, h = 0x811c9dc5, i;
  try { s = localStorage.getItem("kickoff.scenario.v1"); } catch (e) {}
  if (s !== null) for (i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  if (/^#s\d+=/.test(location.hash) || (s !== null && (h >>> 0).toString(16) !== d.getAttribute("data-kickoff-default"))) {
    d.className += " kickoff-opening";
  }
})();
