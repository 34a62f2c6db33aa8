#!/usr/bin/env bash
# Installs the Debian packages behind the real test services of the remote-operations tests
# (test/services/): openssh-server (sshd), docker.io (dockerd, containerd, runc), busybox-static
# (the one binary of the local test image), and zsh and dash (runbook steps run in them: the
# placeholder quoting is proven by executing filled commands in bash, dash and zsh). Idempotent; starts nothing: package scripts are kept
# from starting services by policy-rc.d. Prints one line per package: present, installed or failed.
# apt-get update runs only when an install fails without it (the lists on the machine may be fresh).
set -uo pipefail
log() { echo "[ensure-remote-services] $*"; }

# "have": the binary the tests need is there, whichever package brought it. dockerd is what
# matters for docker.io: a docker CLI elsewhere on PATH (e.g. a static /usr/local/bin/docker) is
# left alone and keeps coming first. busybox must be the static build: it runs alone in an image.
have_openssh_server() { [ -x /usr/sbin/sshd ]; }
have_docker_io() { command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || [ -x /usr/bin/dockerd ]; }
have_busybox_static() { dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'; }
have_zsh() { command -v zsh >/dev/null 2>&1; }
have_dash() { command -v dash >/dev/null 2>&1; }
# The rollback's redeploy runs docker-compose on the host where the v2 plugin is missing (Debian's
# archive has only v1, 1.29.2); the tests' hosts are this machine.
have_docker_compose() { command -v docker-compose >/dev/null 2>&1; }

packages=(openssh-server docker.io busybox-static zsh dash docker-compose)
have() { "have_${1//[-.]/_}"; }

missing=()
for pkg in "${packages[@]}"; do
  have "$pkg" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  for pkg in "${packages[@]}"; do log "$pkg: present"; done
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  for pkg in "${packages[@]}"; do
    if have "$pkg"; then log "$pkg: present"; else log "$pkg: failed (missing, and installing needs root)"; fi
  done
  exit 1
fi

# Package maintainer scripts (openssh-server, docker.io) would start their daemons; policy-rc.d
# exiting 101 forbids that. Only a policy file created here is removed again.
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\n# Created by ensure-remote-services.sh while it installs: start nothing.\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
fi

export DEBIAN_FRONTEND=noninteractive
APT_LOG=$(mktemp)
install_missing() {
  apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold "${missing[@]}" >"$APT_LOG" 2>&1
}
if ! install_missing; then
  log "install failed without a fresh package list: running apt-get update"
  apt-get update -qq >>"$APT_LOG" 2>&1
  install_missing
fi

rc=0
for pkg in "${packages[@]}"; do
  if [[ " ${missing[*]} " != *" $pkg "* ]]; then
    log "$pkg: present"
  elif have "$pkg"; then
    log "$pkg: installed"
  else
    log "$pkg: failed"
    rc=1
  fi
done
if [ "$rc" -ne 0 ]; then
  log "apt-get output (last 30 lines):"
  tail -n 30 "$APT_LOG"
fi
rm -f "$APT_LOG"
exit "$rc"
