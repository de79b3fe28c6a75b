#!/usr/bin/env bash
# e2e-servers.sh: real Postfix and Dovecot from Debian's packages on loopback
# ports, for rapport's end-to-end suite (internal/e2e).
#
#   scripts/e2e-servers.sh start    install if needed, configure, start, wait (idempotent)
#   scripts/e2e-servers.sh stop     stop both daemons
#   scripts/e2e-servers.sh restart  stop, then start
#   scripts/e2e-servers.sh status   exit 0 when both are running
#   scripts/e2e-servers.sh env      print the `export` lines the tests read
#   scripts/e2e-servers.sh logs     print the tail of both logs
#
# Everything lives under $RAPPORT_E2E_DIR (default /tmp/rapport-e2e): a private
# Postfix instance (postfix -c DIR, own queue and data directories), a private
# Dovecot instance (dovecot -c FILE, own base_dir), a private CA, the Maildirs
# and the logs. The system's /etc/postfix and /etc/dovecot are not used and no
# system service is started. Needs root (apt-get, the daemons' privilege drop).
#
# After start, $RAPPORT_E2E_DIR/env holds:
#   RAPPORT_E2E=1, RAPPORT_E2E_DIR, RAPPORT_E2E_CA (CA PEM),
#   RAPPORT_E2E_SUBMISSION  Postfix submission: STARTTLS required, AUTH PLAIN/LOGIN only after TLS
#   RAPPORT_E2E_SMTP        Postfix inbound smtpd: plain, no auth, local domains only
#   RAPPORT_E2E_IMAP        Dovecot IMAP (STARTTLS)
#   RAPPORT_E2E_IMAPS       Dovecot IMAP over implicit TLS
#   RAPPORT_E2E_PASSWORD    the one password of every test user
#   RAPPORT_E2E_USER        therapist@rapport.test, the sender
#
# Mail: local domains rapport.test, clinic.test, church.test, school.test.
# Postfix hands every local recipient to Dovecot over LMTP; an unknown local
# user (e.g. nobody@clinic.test) is accepted at RCPT time and then bounced
# with an RFC 3464 DSN by Postfix once LMTP answers 550 5.1.1. Mail to any
# other domain is bounced at once by Postfix's error transport: nothing leaves
# this machine. "+" is the recipient delimiter, so therapist+x@rapport.test
# lands in therapist's INBOX.
#
# vacation@clinic.test has an active Sieve vacation script (RFC 5230, :days 1).
# Its duplicate-suppression handle includes the incoming Message-ID, so every
# new message draws exactly one auto-reply (Auto-Submitted: auto-replied),
# sent with a null envelope sender to the incoming message's envelope sender
# via Postfix's inbound port. The same Message-ID from the same envelope sender
# is answered once a day only. Pigeonhole never answers messages with a null
# envelope sender, from MAILER-DAEMON/owner-*/-request style senders, or that
# carry Auto-Submitted (other than "no"), Precedence: bulk|list|junk or List-Id.
#
# Ports (override with the environment variables of the same name):
#   RAPPORT_E2E_SMTP_PORT=12525 RAPPORT_E2E_SUBMISSION_PORT=12587
#   RAPPORT_E2E_IMAP_PORT=12143 RAPPORT_E2E_IMAPS_PORT=12993
set -euo pipefail

DIR=${RAPPORT_E2E_DIR:-/tmp/rapport-e2e}
SMTP_PORT=${RAPPORT_E2E_SMTP_PORT:-12525}
SUBMISSION_PORT=${RAPPORT_E2E_SUBMISSION_PORT:-12587}
IMAP_PORT=${RAPPORT_E2E_IMAP_PORT:-12143}
IMAPS_PORT=${RAPPORT_E2E_IMAPS_PORT:-12993}
HOST=127.0.0.1
START_TIMEOUT=${RAPPORT_E2E_START_TIMEOUT:-30}

PF_CONF=$DIR/postfix/etc
PF_QUEUE=$DIR/postfix/spool
PF_DATA=$DIR/postfix/data
DC_CONF=$DIR/dovecot/dovecot.conf
DC_RUN=$DIR/dovecot/run
TLS=$DIR/tls
LOGS=$DIR/log
MAIL=$DIR/mail

SENDER=therapist@rapport.test
DOMAINS="rapport.test clinic.test church.test school.test"
USERS="therapist@rapport.test assistant@rapport.test postmaster@rapport.test
dr.lee@clinic.test frontdesk@clinic.test vacation@clinic.test
pastor.kim@church.test counselor@school.test"
for i in $(seq -w 1 30); do USERS="$USERS doc$i@clinic.test"; done

log() { printf 'e2e-servers: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	show_logs >&2 || true
	exit 1
}

show_logs() {
	local f
	for f in "$LOGS/postfix.log" "$LOGS/dovecot.log" "$LOGS/postfix-start.log" "$LOGS/dovecot-start.log"; do
		[ -s "$f" ] || continue
		echo "----- tail of $f"
		tail -n 30 "$f"
	done
}

need_root() {
	[ "$(id -u)" = 0 ] || die "must run as root (apt-get, and the daemons drop privileges themselves)"
}

# ---------------------------------------------------------------- install

have_packages() {
	command -v openssl >/dev/null &&
		[ -x /usr/sbin/postfix ] && [ -x /usr/sbin/dovecot ] &&
		[ -x /usr/lib/dovecot/imap ] && [ -x /usr/lib/dovecot/lmtp ] &&
		[ -e /usr/lib/dovecot/modules/lib90_sieve_plugin.so ]
}

install_packages() {
	have_packages && return 0
	log "installing postfix and dovecot from Debian's packages"
	export DEBIAN_FRONTEND=noninteractive
	# No default Postfix instance: this script runs its own under $DIR.
	debconf-set-selections <<-'EOF'
		postfix postfix/main_mailer_type select No configuration
		postfix postfix/mailname string mail.rapport.test
	EOF
	# Keep the packages' maintainer scripts from starting the system services
	# (there is no systemd here, so they would go through invoke-rc.d).
	local policy=/usr/sbin/policy-rc.d made_policy=
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		made_policy=1
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	local pkgs=(postfix dovecot-core dovecot-imapd dovecot-lmtpd dovecot-sieve openssl ca-certificates)
	local apt=(apt-get -y -o DPkg::Lock::Timeout=120)
	local apt_log=$DIR/log/apt.log rc=0
	mkdir -p "$DIR/log"
	# Try with the lists we have; refresh them only if that fails (missing or stale lists).
	if ! "${apt[@]}" install --no-install-recommends -o Dpkg::Options::=--force-confold "${pkgs[@]}" >"$apt_log" 2>&1; then
		log "apt-get install failed with the current package lists; running apt-get update"
		{
			"${apt[@]}" update &&
				"${apt[@]}" install --no-install-recommends -o Dpkg::Options::=--force-confold "${pkgs[@]}"
		} >>"$apt_log" 2>&1 || rc=$?
	fi
	if [ -n "$made_policy" ]; then
		rm -f "$policy"
		trap - EXIT
	fi
	if [ "$rc" != 0 ] || ! have_packages; then
		tail -n 40 "$apt_log" >&2
		die "could not install the packages (log: $apt_log)"
	fi
}

ensure_vmail() {
	if ! getent group vmail >/dev/null; then groupadd --system vmail; fi
	if ! getent passwd vmail >/dev/null; then
		useradd --system --gid vmail --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin vmail
	fi
}

# ---------------------------------------------------------------- config

# write_if_changed FILE: stdin to FILE, only when the content differs.
write_if_changed() {
	local f=$1 tmp
	tmp=$(mktemp "$f.XXXXXX")
	cat >"$tmp"
	if [ -f "$f" ] && cmp -s "$tmp" "$f"; then
		rm -f "$tmp"
	else
		mv -f "$tmp" "$f"
	fi
}

make_tls() {
	mkdir -p "$TLS"
	chmod 755 "$TLS"
	if [ ! -s "$TLS/ca.pem" ] || ! openssl x509 -checkend 86400 -noout -in "$TLS/ca.pem" >/dev/null 2>&1; then
		log "creating the test CA"
		openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$TLS/ca.key" -out "$TLS/ca.pem" -days 3650 -subj "/CN=rapport e2e test CA" \
			-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
			>/dev/null 2>&1 || die "openssl: cannot create the CA"
		rm -f "$TLS/server.pem"
	fi
	if [ ! -s "$TLS/server.pem" ] || ! openssl x509 -checkend 86400 -noout -in "$TLS/server.pem" >/dev/null 2>&1; then
		log "creating the server certificate for localhost/127.0.0.1"
		cat >"$TLS/server.ext" <<-'EOF'
			basicConstraints=critical,CA:FALSE
			keyUsage=critical,digitalSignature,keyEncipherment
			extendedKeyUsage=serverAuth
			subjectAltName=DNS:localhost,DNS:mail.rapport.test,IP:127.0.0.1
		EOF
		if ! {
			openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
				-keyout "$TLS/server.key" -out "$TLS/server.csr" -subj "/CN=localhost" &&
				openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial \
					-days 825 -extfile "$TLS/server.ext" -out "$TLS/server.pem"
		} >/dev/null 2>&1; then
			die "openssl: cannot create the server certificate"
		fi
	fi
	chmod 600 "$TLS/ca.key" "$TLS/server.key"
	chmod 644 "$TLS/ca.pem" "$TLS/server.pem"
}

password() {
	if [ ! -s "$DIR/password" ]; then
		(umask 077 && openssl rand -hex 12 >"$DIR/password")
	fi
	cat "$DIR/password"
}

write_postfix_config() {
	mkdir -p "$PF_CONF" "$PF_QUEUE" "$PF_DATA"
	chown root:root "$PF_QUEUE"
	chmod 755 "$PF_QUEUE"
	chown postfix:postfix "$PF_DATA"
	write_if_changed "$PF_CONF/main.cf" <<-EOF
		# Generated by scripts/e2e-servers.sh; edits are overwritten.
		compatibility_level = 3.6
		config_directory = $PF_CONF
		queue_directory = $PF_QUEUE
		data_directory = $PF_DATA
		maillog_file_prefixes = $LOGS, /dev/stdout
		maillog_file = $LOGS/postfix.log
		syslog_name = postfix-rapport-e2e

		myhostname = mail.rapport.test
		mydomain = rapport.test
		myorigin = rapport.test
		mydestination =
		mynetworks = 127.0.0.0/8
		inet_interfaces = $HOST
		inet_protocols = ipv4
		smtputf8_enable = no
		biff = no
		append_dot_mydomain = no
		recipient_delimiter = +
		alias_maps =
		alias_database =
		local_recipient_maps =
		local_transport = error:5.1.1 no local delivery in the rapport e2e instance
		smtpd_banner = \$myhostname ESMTP rapport-e2e
		smtpd_peername_lookup = no

		# Every test domain goes to Dovecot over LMTP; Dovecot decides which users exist.
		virtual_mailbox_domains = ${DOMAINS}
		virtual_transport = lmtp:unix:$DC_RUN/lmtp
		# Accept unknown recipients at RCPT time, so they bounce with a DSN instead.
		smtpd_reject_unlisted_recipient = no
		# Nothing leaves this machine: other domains bounce at once.
		default_transport = error:5.1.2 external mail is disabled in the rapport e2e instance
		relay_transport = error:5.1.2 external mail is disabled in the rapport e2e instance
		relay_domains =

		# Fast queue for tests: deliveries and bounces within a second or two.
		queue_run_delay = 1s
		minimal_backoff_time = 1s
		maximal_backoff_time = 5s
		maximal_queue_lifetime = 1h
		bounce_queue_lifetime = 1h
		delay_warning_time = 0
		lmtp_connect_timeout = 5s
		in_flow_delay = 0

		# Defaults for both smtpd services; the submission service overrides below.
		smtpd_tls_cert_file = $TLS/server.pem
		smtpd_tls_key_file = $TLS/server.key
		smtpd_tls_security_level = none
		smtpd_tls_loglevel = 0
		smtpd_tls_mandatory_protocols = >=TLSv1.2
		smtpd_tls_protocols = >=TLSv1.2
		smtpd_sasl_type = dovecot
		smtpd_sasl_path = $DC_RUN/auth-postfix
		smtpd_sasl_auth_enable = no
		smtpd_relay_restrictions = reject_unauth_destination
		smtpd_recipient_restrictions =
		smtpd_client_restrictions =
		smtpd_helo_restrictions =
		smtpd_sender_restrictions =
		smtpd_error_sleep_time = 0
		smtpd_soft_error_limit = 1000
		smtpd_hard_error_limit = 1000
		smtpd_client_connection_rate_limit = 0
		smtpd_client_connection_count_limit = 0
	EOF
	write_if_changed "$PF_CONF/master.cf" <<-EOF
		# Generated by scripts/e2e-servers.sh; edits are overwritten.
		# service type  private unpriv  chroot  wakeup  maxproc command + args
		$HOST:$SMTP_PORT inet n - n - - smtpd
		  -o syslog_name=postfix-rapport-e2e/smtp
		$HOST:$SUBMISSION_PORT inet n - n - - smtpd
		  -o syslog_name=postfix-rapport-e2e/submission
		  -o smtpd_tls_security_level=encrypt
		  -o smtpd_tls_auth_only=yes
		  -o smtpd_sasl_auth_enable=yes
		  -o smtpd_sasl_security_options=noanonymous
		  -o smtpd_sasl_tls_security_options=noanonymous
		  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
		  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
		  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
		pickup    unix  n       -       n       60      1       pickup
		cleanup   unix  n       -       n       -       0       cleanup
		qmgr      unix  n       -       n       300     1       qmgr
		tlsmgr    unix  -       -       n       1000?   1       tlsmgr
		rewrite   unix  -       -       n       -       -       trivial-rewrite
		bounce    unix  -       -       n       -       0       bounce
		defer     unix  -       -       n       -       0       bounce
		trace     unix  -       -       n       -       0       bounce
		verify    unix  -       -       n       -       1       verify
		flush     unix  n       -       n       1000?   0       flush
		proxymap  unix  -       -       n       -       -       proxymap
		proxywrite unix -       -       n       -       1       proxymap
		smtp      unix  -       -       n       -       -       smtp
		relay     unix  -       -       n       -       -       smtp
		showq     unix  n       -       n       -       -       showq
		error     unix  -       -       n       -       -       error
		retry     unix  -       -       n       -       -       error
		discard   unix  -       -       n       -       -       discard
		local     unix  -       n       n       -       -       local
		virtual   unix  -       n       n       -       -       virtual
		lmtp      unix  -       -       n       -       -       lmtp
		anvil     unix  -       -       n       -       1       anvil
		scache    unix  -       -       n       -       1       scache
		postlog   unix-dgram n  -       n       -       1       postlogd
	EOF
}

write_dovecot_config() {
	local pw=$1 uid u
	uid=$(id -u vmail)
	mkdir -p "$DIR/dovecot" "$DC_RUN" "$MAIL"
	chown vmail:vmail "$MAIL"
	chmod 750 "$MAIL"
	{
		for u in $USERS; do printf '%s:{PLAIN}%s::::::\n' "$u" "$pw"; done
	} | write_if_changed "$DIR/dovecot/users"
	chown root:dovecot "$DIR/dovecot/users"
	chmod 640 "$DIR/dovecot/users"
	local dh=
	[ -r /usr/share/dovecot/dh.pem ] && dh="ssl_dh = </usr/share/dovecot/dh.pem"
	write_if_changed "$DC_CONF" <<-EOF
		# Generated by scripts/e2e-servers.sh; edits are overwritten.
		instance_name = rapport-e2e
		base_dir = $DC_RUN
		state_dir = $DIR/dovecot/state
		protocols = imap lmtp
		listen = $HOST
		hostname = mail.rapport.test
		postmaster_address = postmaster@rapport.test
		log_path = $LOGS/dovecot.log
		login_greeting = rapport-e2e Dovecot ready.
		shutdown_clients = yes

		ssl = yes
		ssl_cert = <$TLS/server.pem
		ssl_key = <$TLS/server.key
		ssl_min_protocol = TLSv1.2
		$dh

		auth_mechanisms = plain login
		# Tests try wrong passwords; do not make them wait.
		auth_failure_delay = 0
		passdb {
		  driver = passwd-file
		  args = scheme=PLAIN username_format=%Lu $DIR/dovecot/users
		}
		userdb {
		  driver = passwd-file
		  args = username_format=%Lu $DIR/dovecot/users
		}
		mail_uid = vmail
		mail_gid = vmail
		first_valid_uid = $uid
		last_valid_uid = $uid
		mail_home = $MAIL/%Ld/%Ln
		mail_location = maildir:~/Maildir
		mailbox_idle_check_interval = 1 secs
		recipient_delimiter = +
		lda_mailbox_autocreate = yes

		namespace inbox {
		  inbox = yes
		  separator = /
		  mailbox Drafts {
		    special_use = \\Drafts
		    auto = subscribe
		  }
		  mailbox Sent {
		    special_use = \\Sent
		    auto = subscribe
		  }
		  mailbox Junk {
		    special_use = \\Junk
		    auto = subscribe
		  }
		  mailbox Trash {
		    special_use = \\Trash
		    auto = subscribe
		  }
		  mailbox Archive {
		    special_use = \\Archive
		    auto = subscribe
		  }
		}

		service imap-login {
		  inet_listener imap {
		    address = $HOST
		    port = $IMAP_PORT
		  }
		  inet_listener imaps {
		    address = $HOST
		    port = $IMAPS_PORT
		    ssl = yes
		  }
		}
		service lmtp {
		  unix_listener lmtp {
		    mode = 0666
		  }
		}
		# No auth penalty: tests log in with wrong passwords on purpose, and
		# Dovecot would then delay every later login from 127.0.0.1 (IMAP and
		# Postfix's SASL alike) by up to 15s. Mode 0 keeps Dovecot from
		# creating this socket, and without it the penalty is off.
		service anvil {
		  unix_listener anvil-auth-penalty {
		    mode = 0
		  }
		}
		service auth {
		  unix_listener auth-userdb {
		    mode = 0600
		  }
		  unix_listener auth-postfix {
		    mode = 0666
		  }
		}

		protocol imap {
		  # A watcher's IDLE plus the tests' own logins, in parallel.
		  mail_max_userip_connections = 200
		}

		# Sieve replies (vacation) go back in through Postfix's inbound port.
		submission_host = $HOST:$SMTP_PORT
		protocol lmtp {
		  mail_plugins = \$mail_plugins sieve
		}
		plugin {
		  sieve = file:~/sieve;active=~/.dovecot.sieve
		  sieve_vacation_min_period = 0
		  sieve_vacation_default_period = 1d
		  sieve_vacation_dont_check_recipient = yes
		}
	EOF
	write_vacation_sieve
}

write_vacation_sieve() {
	local home=$MAIL/clinic.test/vacation
	mkdir -p "$home/sieve"
	write_if_changed "$home/sieve/vacation.sieve" <<-'EOF'
		require ["vacation", "variables"];
		# rapport e2e: one auto-reply per new message. The handle carries the
		# incoming Message-ID, so Pigeonhole's once-per-:days suppression only
		# hides a second copy of the same message from the same sender.
		set "msgid" "none";
		if header :matches "Message-ID" "*" {
		  set "msgid" "${1}";
		}
		vacation :days 1 :handle "rapport-e2e ${msgid}"
		  :subject "Out of Office: away until Monday"
		  :from "vacation@clinic.test"
		"Thank you for your message. I am out of the office until Monday,
		12 January 2099, with limited access to email. For urgent matters please
		call the front desk.";
	EOF
	ln -sfn sieve/vacation.sieve "$home/.dovecot.sieve"
	chown -R -h vmail:vmail "$MAIL/clinic.test"
}

write_env() {
	local pw=$1
	write_if_changed "$DIR/env" <<-EOF
		export RAPPORT_E2E=1
		export RAPPORT_E2E_DIR=$DIR
		export RAPPORT_E2E_CA=$TLS/ca.pem
		export RAPPORT_E2E_SUBMISSION=$HOST:$SUBMISSION_PORT
		export RAPPORT_E2E_SMTP=$HOST:$SMTP_PORT
		export RAPPORT_E2E_IMAP=$HOST:$IMAP_PORT
		export RAPPORT_E2E_IMAPS=$HOST:$IMAPS_PORT
		export RAPPORT_E2E_PASSWORD=$pw
		export RAPPORT_E2E_USER=$SENDER
	EOF
	chmod 644 "$DIR/env"
}

config_sum() {
	cat "$PF_CONF/main.cf" "$PF_CONF/master.cf" "$DC_CONF" "$DIR/dovecot/users" \
		"$TLS/server.pem" 2>/dev/null | cksum
}

# ---------------------------------------------------------------- daemons

port_open() {
	(exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

dovecot_running() {
	local pid
	[ -s "$DC_RUN/master.pid" ] || return 1
	pid=$(cat "$DC_RUN/master.pid")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

postfix_running() {
	[ -f "$PF_CONF/main.cf" ] && postfix -c "$PF_CONF" status >/dev/null 2>&1
}

wait_ready() {
	local deadline=$((SECONDS + START_TIMEOUT)) p missing
	while :; do
		missing=
		for p in "$SMTP_PORT" "$SUBMISSION_PORT" "$IMAP_PORT" "$IMAPS_PORT"; do
			port_open "$p" || missing="$missing $p"
		done
		[ -S "$DC_RUN/lmtp" ] || missing="$missing lmtp-socket"
		[ -S "$DC_RUN/auth-postfix" ] || missing="$missing auth-socket"
		[ -z "$missing" ] && return 0
		if [ "$SECONDS" -ge "$deadline" ]; then
			die "servers not ready after ${START_TIMEOUT}s (waiting for:$missing)"
		fi
		sleep 0.1
	done
}

start_dovecot() {
	dovecot_running && return 0
	log "starting dovecot"
	mkdir -p "$DIR/dovecot/state"
	# With its listener disabled (mode 0) Dovecot neither creates nor removes
	# this socket; a stale one would make every auth process wait 5s on it.
	rm -f "$DC_RUN/anvil-auth-penalty"
	# 9>&-: the daemons must not inherit (and so hold forever) the start lock.
	dovecot -c "$DC_CONF" >"$LOGS/dovecot-start.log" 2>&1 9>&- || die "dovecot did not start"
}

start_postfix() {
	postfix_running && return 0
	log "starting postfix"
	postfix -c "$PF_CONF" check >"$LOGS/postfix-start.log" 2>&1 || die "postfix check failed"
	postfix -c "$PF_CONF" start >>"$LOGS/postfix-start.log" 2>&1 9>&- || die "postfix did not start"
}

stop_all() {
	local pid i
	if postfix_running; then
		log "stopping postfix"
		postfix -c "$PF_CONF" stop >/dev/null 2>&1 || true
	fi
	if dovecot_running; then
		log "stopping dovecot"
		pid=$(cat "$DC_RUN/master.pid")
		kill "$pid" 2>/dev/null || true
		for i in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
	for i in $(seq 1 50); do
		postfix_running || break
		sleep 0.1
	done
	rm -f "$DIR/.running-config"
}

check_ports_free() {
	local p i
	for p in "$SMTP_PORT" "$SUBMISSION_PORT" "$IMAP_PORT" "$IMAPS_PORT"; do
		# Allow a moment for exiting children of a just-stopped instance.
		for i in $(seq 1 30); do
			port_open "$p" || continue 2
			sleep 0.1
		done
		die "port $HOST:$p is already in use by another program (set RAPPORT_E2E_*_PORT to move)"
	done
}

cmd_start() {
	need_root
	local t0=$SECONDS pw sum
	mkdir -p "$DIR" "$LOGS"
	chmod 755 "$DIR" "$LOGS"
	install_packages
	ensure_vmail
	make_tls
	pw=$(password)
	write_postfix_config
	write_dovecot_config "$pw"
	sum=$(config_sum)
	if postfix_running && dovecot_running; then
		if [ "$(cat "$DIR/.running-config" 2>/dev/null)" = "$sum" ]; then
			wait_ready
			write_env "$pw"
			log "already running ($DIR/env)"
			return 0
		fi
		log "configuration changed; restarting"
	fi
	stop_all
	check_ports_free
	start_dovecot
	start_postfix
	wait_ready
	printf '%s\n' "$sum" >"$DIR/.running-config"
	write_env "$pw"
	log "ready in $((SECONDS - t0))s: submission $HOST:$SUBMISSION_PORT, smtp $HOST:$SMTP_PORT, imap $HOST:$IMAP_PORT, imaps $HOST:$IMAPS_PORT; env in $DIR/env"
}

cmd_status() {
	local ok=0
	if postfix_running; then echo "postfix: running"; else echo "postfix: stopped"; ok=1; fi
	if dovecot_running; then echo "dovecot: running"; else echo "dovecot: stopped"; ok=1; fi
	return $ok
}

# One start/stop at a time (parallel CI jobs, a developer's second shell).
lock() {
	need_root
	mkdir -p "$DIR"
	exec 9>"$DIR/.lock"
	flock -w 120 9 || die "another e2e-servers.sh holds $DIR/.lock"
}

case ${1:-} in
start) lock; cmd_start ;;
stop) lock; stop_all ;;
restart) lock; stop_all; cmd_start ;;
status) cmd_status ;;
env)
	[ -s "$DIR/env" ] || die "no $DIR/env: run scripts/e2e-servers.sh start"
	cat "$DIR/env"
	;;
logs) show_logs ;;
*)
	echo "usage: $0 start|stop|restart|status|env|logs" >&2
	exit 2
	;;
esac
