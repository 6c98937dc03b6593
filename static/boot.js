// Starts the planner from <meta id="kickoff-app"> (Trunk.toml explains why; trunk cannot minify this file, so it stays short).
const app = document.getElementById("kickoff-app");
const { default: init } = await import(app.dataset.js);
await init({ module_or_path: app.dataset.wasm });
