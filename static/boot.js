// Starts the planner. CloudFront's response headers policy sends
// `script-src 'self' 'wasm-unsafe-eval'` (terraform/cdn.tf), which forbids
// inline scripts, so trunk's inline <script type="module"> initializer is
// replaced (Trunk.toml pattern_script) by an inert <link id="kickoff-app">
// naming the hashed JS glue and wasm, and this external module (hashed by
// trunk, loaded from 'self') imports the glue and instantiates the wasm.
// tests/e2e.rs serves dist/ with the policy's exact headers.
//
// The same module also starts the planner's background worker (drills run
// there, src/web/worker.rs): the page offers `kickoffWorker()`, which loads
// this file in a module worker with the glue and wasm named in its URL; the
// worker's copy of the wasm sees no document and answers messages instead.
if (typeof document === "undefined") {
  const q = new URL(import.meta.url).searchParams;
  const { default: init } = await import(q.get("glue"));
  await init({ module_or_path: q.get("wasm") });
} else {
  const app = document.getElementById("kickoff-app");
  const glue = app.getAttribute("href");
  const wasm = app.dataset.wasm;
  globalThis.kickoffWorker = () => {
    const url = new URL(import.meta.url);
    url.search = new URLSearchParams({ glue, wasm }).toString();
    return new Worker(url, { type: "module" });
  };
  const { default: init } = await import(glue);
  await init({ module_or_path: wasm });
}
