#!/bin/sh
# The Redis server zt-redis's tests run against (Debian package redis-server, 7.0).
#   scripts/redis-server.sh install   installs it when it is missing (apt-get as root, or sudo without a password)
#   scripts/redis-server.sh path      prints the redis-server binary, or fails
set -eu

find_server() {
  if [ -n "${ZT_REDIS_SERVER:-}" ] && [ -x "$ZT_REDIS_SERVER" ]; then echo "$ZT_REDIS_SERVER"; return 0; fi
  command -v redis-server 2>/dev/null && return 0
  for p in /usr/bin/redis-server /usr/local/bin/redis-server /usr/sbin/redis-server; do
    if [ -x "$p" ]; then echo "$p"; return 0; fi
  done
  return 1
}

case "${1:-}" in
  path)
    find_server || { echo "redis-server not found: run scripts/redis-server.sh install" >&2; exit 1; }
    ;;
  install)
    if find_server >/dev/null; then find_server; exit 0; fi
    if [ "$(id -u)" = 0 ]; then
      SUDO=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      SUDO="sudo -n"
    else
      echo "redis-server is missing and this user cannot install packages." >&2
      echo "Install it as root (Debian/Ubuntu: apt-get install -y redis-server), or set ZT_REDIS_SERVER to a redis-server 7 binary." >&2
      exit 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "redis-server is missing and there is no apt-get here: install Redis 7 and set ZT_REDIS_SERVER." >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get install -y --no-install-recommends redis-server >&2 \
      || { $SUDO apt-get update >&2 && $SUDO apt-get install -y --no-install-recommends redis-server >&2; }
    # the package starts a system service on 6379; the tests start their own servers and do not need it
    find_server
    ;;
  *)
    echo "usage: $0 install|path" >&2
    exit 2
    ;;
esac
