// Starts the planner from <meta id="kickoff-app">, and in a module worker started by kickoffWorker() (Trunk.toml explains both).
if (typeof document === "undefined") {
  const q = new URL(import.meta.url).searchParams;
  const { default: init } = await import(q.get("js"));
  await init({ module_or_path: q.get("wasm") });
} else {
  const { js, wasm } = document.getElementById("kickoff-app").dataset;
  globalThis.kickoffWorker = () => {
    const u = new URL(import.meta.url);
    u.search = new URLSearchParams({ js, wasm });
    return new Worker(u, { type: "module" });
  };
  const { default: init } = await import(js);
  await init({ module_or_path: wasm });
}
