#!/usr/bin/env bash
# Measures `rapport run` at rest: resident memory and CPU time used between
# ticks, with the inbox watcher connected (IDLE) to the Dovecot and Postfix
# of scripts/e2e-servers.sh. Target: under 40 MB RSS, no CPU between ticks.
#
#   scripts/e2e-servers.sh start && scripts/bench-daemon-idle.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
idle=${1:-30}
set -a
# shellcheck disable=SC1091
. "${RAPPORT_E2E_DIR:-/tmp/rapport-e2e}/env"
set +a

work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
CGO_ENABLED=0 go build -o "$work/rapport" ./cmd/rapport
"$work/rapport" init "$work/u" >/dev/null
smtp_port=${RAPPORT_E2E_SUBMISSION##*:}
imap_port=${RAPPORT_E2E_IMAP##*:}
cat > "$work/u/rapport.toml" <<TOML
[identity]
name = "Anna Lee, LMFT"
email = "$RAPPORT_E2E_USER"
[smtp]
host = "127.0.0.1"
port = $smtp_port
security = "starttls"
password_env = "RAPPORT_E2E_PASSWORD"
ca_file = "$RAPPORT_E2E_CA"
[imap]
host = "127.0.0.1"
port = $imap_port
security = "starttls"
password_env = "RAPPORT_E2E_PASSWORD"
ca_file = "$RAPPORT_E2E_CA"
TOML
chmod 600 "$work/u/rapport.toml"
printf 'Email,Name,Type\ndoc01@clinic.test,Sam Lee,physician\ndoc02@clinic.test,Kim Ortiz,physician\n' > "$work/u/c.csv"
cd "$work/u"
../rapport import c.csv >/dev/null
../rapport campaigns start intro-physicians >/dev/null
../rapport run 2>"$work/log" &
pid=$!
sleep 5   # start, recover, connect, first catch-up

cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }   # utime + stime, in clock ticks
hz=$(getconf CLK_TCK)
before=$(cpu)
sleep "$idle"
after=$(cpu)
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
kill -TERM "$pid"
wait "$pid" || true
printf 'idle for %ss: CPU %s s (%s ticks), RSS %s MB (peak %s MB)\n' "$idle" \
  "$(awk -v t=$((after - before)) -v hz="$hz" 'BEGIN{printf "%.2f", t/hz}')" $((after - before)) \
  "$(awk -v k="$rss" 'BEGIN{printf "%.1f", k/1024}')" "$(awk -v k="$hwm" 'BEGIN{printf "%.1f", k/1024}')"
grep -c '"level":"ERROR"' "$work/log" | xargs printf 'errors logged: %s\n'
