#!/usr/bin/env bash
# The main job: a real VS Code (code-server, in your browser) with the Kernel Workbench
# extension installed and the teaching kernel's folder open; press F5 there to boot and debug it.
# Sets up (scripts/setup.sh), builds the extension's .vsix (npm run package: the teaching
# kernel, the bundles, vsce), installs it into a profile of its own under build/workbench/, and
# starts code-server on 127.0.0.1 with a generated password (printed) until Ctrl-C.
#   bash scripts/workbench.sh [--no-auth] [--port N] [FOLDER]
# --no-auth: no password (code-server's --auth none); --port: default 8080, or a free one when
# 8080 is taken; FOLDER: default guest/ (the teaching kernel's sources).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "workbench: building the extension (npm run package)"
npm run -s package >/dev/null
exec node -r tsx/cjs scripts/workbench.ts "$@"
