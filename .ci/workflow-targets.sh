#!/usr/bin/env bash
# Checks that every `make <target>` a GitHub Actions workflow runs exists in the Makefile, so a
# renamed or deleted target fails here instead of on GitHub.
#
#   .ci/workflow-targets.sh [-f MAKEFILE] [WORKFLOW.yml ...]
#
# Defaults: the repository's Makefile and .github/workflows/*.yml|*.yaml. Only `run:` scripts
# are read (single-line and block scalars); in them, every `make` word in command position
# (line start, after ; & | ( or `then`/`do`/`else`) contributes its non-option arguments as
# targets (VAR=value assignments and options such as -C DIR are skipped). Targets are looked up
# in make's own database (`make -pq`), so included files and generated rules count; nothing is
# built. Prints each target checked; exits 1 naming every missing target, 2 on usage errors.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
makefile="$root/Makefile"
if [ "${1:-}" = "-f" ]; then
  [ $# -ge 2 ] || { echo "usage: $0 [-f MAKEFILE] [WORKFLOW.yml ...]" >&2; exit 2; }
  makefile="$2"
  shift 2
fi

workflows=("$@")
if [ ${#workflows[@]} -eq 0 ]; then
  shopt -s nullglob
  workflows=("$root"/.github/workflows/*.yml "$root"/.github/workflows/*.yaml)
  shopt -u nullglob
fi
if [ ${#workflows[@]} -eq 0 ]; then
  echo "workflow-targets: no workflow files found" >&2
  exit 2
fi
if [ ! -f "$makefile" ]; then
  echo "workflow-targets: no Makefile at $makefile" >&2
  exit 1
fi

# 1. The shell text of every `run:` key, one line per output line, prefixed "FILE:LINE:".
run_lines() {
  awk '
    function indent(s) { match(s, /^ */); return RLENGTH }
    FNR == 1 { inblock = 0 }
    {
      if (inblock) {
        if ($0 ~ /^[[:space:]]*$/) next
        if (indent($0) > keyindent) { print FILENAME ":" FNR ":" $0; next }
        inblock = 0
      }
      if (match($0, /^[[:space:]]*(-[[:space:]]+)?run:[[:space:]]*/)) {
        rest = substr($0, RSTART + RLENGTH)
        match($0, /^[[:space:]]*(-[[:space:]]+)?/)
        keyindent = RLENGTH                  # column of "run", also after "- "
        if (rest ~ /^[|>][-+0-9]*[[:space:]]*(#.*)?$/) { inblock = 1 }
        else if (rest != "") { print FILENAME ":" FNR ":" rest }
      }
    }
  ' "$@"
}

# 2. Targets of each `make` command in those lines, as "FILE:LINE TARGET".
make_calls() {
  local loc text word skip cmdpos inmake words
  while IFS= read -r line; do
    loc="${line%%:*}"; line="${line#*:}"
    loc="$loc:${line%%:*}"; text="${line#*:}"
    text="${text%%#*}"                      # drop shell comments (good enough for run: lines)
    text="${text//\$(MAKE)/make}"
    text="${text//;/ ; }"; text="${text//&/ & }"; text="${text//|/ | }"; text="${text//(/ ( }"
    text="${text//)/ ) }"
    read -r -a words <<< "$text" || true
    cmdpos=1; skip=0; inmake=0
    for word in "${words[@]}"; do
      case "$word" in
        ';'|'&'|'|'|'('|')') cmdpos=1; inmake=0; continue ;;
      esac
      if [ "$inmake" = 1 ]; then
        if [ "$skip" = 1 ]; then skip=0; continue; fi
        case "$word" in
          -C|-f|-I|-o|-W|--directory|--file|--makefile|--include-dir|--old-file|--new-file) skip=1 ;;
          -*) ;;
          *=*) ;;
          \"*|\'*|\$*|\\) inmake=0 ;;     # quoted text, expansions, a line continuation
          *) printf '%s %s\n' "$loc" "$word" ;;
        esac
        continue
      fi
      if [ "$cmdpos" = 1 ]; then
        case "$word" in
          make) inmake=1; skip=0 ;;
          then|do|else|time|'!'|sudo|env) continue ;;
          *=*) continue ;;                  # VAR=value before the command
        esac
        cmdpos=0
      fi
    done
  done
}

# 3. Every target make knows (explicit rules, incl. .PHONY ones), from its database.
known_targets() {
  # Run make from the Makefile's directory, ignoring any make that invoked this script.
  # The probe target does not exist, so make builds nothing and exits non-zero; only the
  # database it prints (-p) matters. -q also keeps any recipe from running.
  (cd "$(dirname "$makefile")" || exit 1
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -pRrq -f "$(basename "$makefile")" \
      .workflow-targets-probe 2>/dev/null
    exit 0) |
    awk '
      /^# Not a target:/ { skipnext = 1; next }
      /^[^#\t%][^=\t]*:/ && $0 !~ /^[^:]*:=/ && $0 !~ /^[^:]*::=/ {
        if (skipnext) { skipnext = 0; next }
        split($0, parts, ":"); n = split(parts[1], names, " ")
        for (i = 1; i <= n; i++) print names[i]
        next
      }
      { skipnext = 0 }
    ' | sort -u
}

known="$(known_targets)"
calls="$(run_lines "${workflows[@]}" | make_calls)"
if [ -z "$calls" ]; then
  echo "workflow-targets: no make calls found in ${workflows[*]}" >&2
  exit 1
fi

missing=0
while read -r loc target; do
  rel="${loc#"$root"/}"
  if grep -qxF -- "$target" <<< "$known"; then
    echo "ok      make $target  ($rel)"
  else
    echo "MISSING make $target  ($rel): no such target in ${makefile#"$root"/}" >&2
    missing=1
  fi
done <<< "$calls"

checked="$(cut -d' ' -f2 <<< "$calls" | sort -u | tr '\n' ' ')"
if [ "$missing" -ne 0 ]; then
  echo "workflow-targets: FAILED: workflows call make targets that do not exist (see MISSING above)" >&2
  exit 1
fi
echo "workflow-targets: all $(wc -w <<< "$checked") target(s) exist: $checked"
