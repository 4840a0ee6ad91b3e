#!/usr/bin/env bash
# Installs (or upgrades) pcc, the XAT agent:   curl -fsSL <server>/install.sh | API_KEY=<key> bash
#
# Needs Node.js >= 20 and root. Installs /opt/pcc/pcc.mjs (downloaded from the server), /etc/pcc/config.json
# (mode 0600: server URL and API key), /usr/local/bin/pcc, a systemd unit when systemd runs (else it says how to run
# the agent), then runs `pcc register`. Running it again upgrades in place; the spool in /var/lib/pcc is kept.
#
# Environment: API_KEY (or PCC_APIKEY), PCC_SERVER_URL (default: the server this script came from),
# PCC_PREFIX (install under a fake root, for tests; no root needed, systemd left alone), PCC_NODE (node binary).
set -euo pipefail

SERVER_URL="${PCC_SERVER_URL:-__PCC_SERVER_URL__}"
SERVER_URL="${SERVER_URL%/}"
API_KEY="${API_KEY:-${PCC_APIKEY:-}}"
PREFIX="${PCC_PREFIX:-}"
INSTALL_DIR="$PREFIX/opt/pcc"
CONFIG_DIR="$PREFIX/etc/pcc"
CONFIG_FILE="$CONFIG_DIR/config.json"
DATA_DIR="$PREFIX/var/lib/pcc"
BIN_DIR="$PREFIX/usr/local/bin"
UNIT_FILE="$PREFIX/etc/systemd/system/pcc.service"

say() { printf 'pcc install: %s\n' "$*"; }
die() { printf 'pcc install: %s\n' "$*" >&2; exit 1; }

# --- Node.js >= 20 -------------------------------------------------------------------------------------------------
NODE="${PCC_NODE:-$(command -v node || true)}"
node_help() {
  cat >&2 <<'EOF'
pcc needs Node.js 20 or newer. Install it, then run this command again:
  Debian/Ubuntu:  curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash - && sudo apt-get install -y nodejs
  RHEL/Fedora:    sudo dnf module install -y nodejs:20   (or: curl -fsSL https://rpm.nodesource.com/setup_20.x | sudo bash - && sudo dnf install -y nodejs)
  Amazon Linux:   sudo dnf install -y nodejs20
  Other systems:  https://nodejs.org/en/download
EOF
}
if [ -z "$NODE" ] || ! [ -x "$NODE" ]; then
  say "Node.js was not found."
  node_help
  exit 1
fi
# </dev/null everywhere: under `curl … | bash` stdin is this script, and nothing may eat it.
NODE_MAJOR="$("$NODE" -p 'process.versions.node.split(".")[0]' </dev/null 2>/dev/null || echo 0)"
if ! [ "$NODE_MAJOR" -ge 20 ] 2>/dev/null; then
  say "Node.js $("$NODE" --version </dev/null 2>/dev/null || echo '?') is too old."
  node_help
  exit 1
fi

# --- checks --------------------------------------------------------------------------------------------------------
case "$SERVER_URL" in
  http://* | https://*) ;;
  *) die "no server URL: set PCC_SERVER_URL=http(s)://your-server:8000" ;;
esac
if [ -z "$PREFIX" ] && [ "$(id -u)" -ne 0 ]; then
  die "run as root, e.g.: curl -fsSL $SERVER_URL/install.sh | sudo API_KEY=<key> bash"
fi
if [ -z "$API_KEY" ] && ! [ -f "$CONFIG_FILE" ]; then
  die "no API key: run with API_KEY=<the collector's key> (shown once when the collector was created)"
fi

# --- the agent -----------------------------------------------------------------------------------------------------
mkdir -p "$INSTALL_DIR" "$CONFIG_DIR" "$BIN_DIR"
mkdir -p -m 0700 "$DATA_DIR"
TMP="$INSTALL_DIR/.download-$$.mjs"   # .mjs: node runs it as a module for the check below
trap 'rm -f "$TMP"' EXIT
say "downloading the agent from $SERVER_URL/downloads/pcc.mjs"
if command -v curl >/dev/null 2>&1; then
  curl -fsSL "$SERVER_URL/downloads/pcc.mjs" -o "$TMP" || die "download failed ($SERVER_URL/downloads/pcc.mjs)"
elif command -v wget >/dev/null 2>&1; then
  wget -q -O "$TMP" "$SERVER_URL/downloads/pcc.mjs" || die "download failed ($SERVER_URL/downloads/pcc.mjs)"
else
  die "neither curl nor wget is installed"
fi
VERSION="$("$NODE" "$TMP" --version </dev/null)" || die "the downloaded agent does not run on $("$NODE" --version)"
chmod 0755 "$TMP"
mv -f "$TMP" "$INSTALL_DIR/pcc.mjs"   # atomic: a running agent keeps its old file until it restarts
trap - EXIT

# The daemon runs without the JIT and with a small young generation: it works for a few ms every 10 s, and this keeps
# its resident memory near a bare Node process's (the load test needs the JIT for WebAssembly, so only `run`).
DAEMON_FLAGS="--jitless --max-semi-space-size=1"
cat >"$INSTALL_DIR/pcc" <<EOF
#!/bin/sh
export PCC_CONFIG="\${PCC_CONFIG:-$CONFIG_FILE}"
if [ "\$1" = run ]; then exec "$NODE" $DAEMON_FLAGS "$INSTALL_DIR/pcc.mjs" "\$@"; fi
exec "$NODE" "$INSTALL_DIR/pcc.mjs" "\$@"
EOF
chmod 0755 "$INSTALL_DIR/pcc"
ln -sf "$INSTALL_DIR/pcc" "$BIN_DIR/pcc"
say "installed $VERSION in $INSTALL_DIR"

# --- config (0600: it holds the key); an upgrade without a new key keeps the old file; a new key keeps the file's
# other settings ("jobs": false, an interval…) and replaces only the server, the key and the data directory --------
if [ -n "$API_KEY" ]; then
  (
    umask 077
    PCC_I_URL="$SERVER_URL" PCC_I_KEY="$API_KEY" PCC_I_DATA="$DATA_DIR" PCC_I_FILE="$CONFIG_FILE" "$NODE" -e '
      const fs = require("node:fs");
      let kept = {};
      try {
        const old = JSON.parse(fs.readFileSync(process.env.PCC_I_FILE, "utf8"));
        if (old && typeof old === "object" && !Array.isArray(old)) kept = old;
      } catch (e) {
        if (e.code !== "ENOENT") console.error("pcc install: " + process.env.PCC_I_FILE + " could not be read (" + e.message + "): only the server, the key and the data directory are written");
      }
      const { PCC_I_URL: server_url, PCC_I_KEY: api_key, PCC_I_DATA: data_dir } = process.env;
      process.stdout.write(JSON.stringify({ ...kept, server_url, api_key, data_dir }, null, 2) + "\n");
    ' </dev/null >"$CONFIG_FILE.tmp"
    mv -f "$CONFIG_FILE.tmp" "$CONFIG_FILE"
  )
  chmod 0600 "$CONFIG_FILE"
  say "wrote $CONFIG_FILE"
else
  say "kept $CONFIG_FILE"
fi

# --- service ---------------------------------------------------------------------------------------------------
mkdir -p "$(dirname "$UNIT_FILE")"
cat >"$UNIT_FILE" <<EOF
[Unit]
Description=pcc, the XAT performance agent
Wants=network-online.target
After=network-online.target

[Service]
Environment=PCC_CONFIG=$CONFIG_FILE
ExecStart=$NODE $DAEMON_FLAGS $INSTALL_DIR/pcc.mjs run
Restart=always
RestartSec=5
KillSignal=SIGTERM
TimeoutStopSec=30
Nice=5

[Install]
WantedBy=multi-user.target
EOF

if [ -z "$PREFIX" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload
  systemctl enable pcc.service >/dev/null 2>&1 || true
  systemctl restart pcc.service </dev/null
  say "service pcc started (systemctl status pcc; journalctl -u pcc)"
else
  say "systemd is not running here: start the agent yourself, e.g."
  say "  nohup $BIN_DIR/pcc run >>$DATA_DIR/pcc.log 2>&1 &"
  say "(the unit file is in $UNIT_FILE for when systemd is available)"
fi

# --- register ------------------------------------------------------------------------------------------------------
if PCC_CONFIG="$CONFIG_FILE" "$NODE" "$INSTALL_DIR/pcc.mjs" register </dev/null; then
  say "done"
else
  die "installed, but registration failed (see above); check the key and run: pcc register"
fi
