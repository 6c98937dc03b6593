// Starts the planner. CloudFront's response headers policy sends
// `script-src 'self' 'wasm-unsafe-eval'` (terraform/cdn.tf), which forbids
// inline scripts, so trunk's inline <script type="module"> initializer is
// replaced (Trunk.toml pattern_script) by an inert <link id="kickoff-app">
// naming the hashed JS glue and wasm, and this external module (hashed by
// trunk, loaded from 'self') imports the glue and instantiates the wasm.
// tests/e2e.rs serves dist/ with the policy's exact headers.
const app = document.getElementById("kickoff-app");
const { default: init } = await import(app.getAttribute("href"));
await init({ module_or_path: app.dataset.wasm });
