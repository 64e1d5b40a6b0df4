#!/usr/bin/env bash
# Installs what the tests need on a Debian machine (run as root; no Docker needed) and runs
# every test, integration tests against real redis-server, memcached, PostgreSQL and MariaDB
# processes included.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test.sh] %s\n' "$*"; }

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v memcached >/dev/null 2>&1 || missing+=(memcached)
# saslpasswd2 and the SASL plugins, for the memcached SASL tests
[ -x /usr/sbin/saslpasswd2 ] || command -v saslpasswd2 >/dev/null 2>&1 || missing+=(sasl2-bin)
[ -e /usr/lib/x86_64-linux-gnu/sasl2/libplain.so ] || ls /usr/lib/*/sasl2/libplain.so >/dev/null 2>&1 || missing+=(libsasl2-modules)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() {
  for _ in $(seq 1 60); do listening "$1" && return 0; sleep 0.5; done
  log "nothing answers on port $1"; return 1
}

if ! listening 5432; then
  log "starting PostgreSQL"
  for v in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
  done
  wait_for 5432
fi
if ! listening 3306; then
  log "starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  wait_for 3306
fi

# A role and database of our own, with a password, so the tests work whatever the server's
# authentication rules for other users are.
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'layercache') THEN
    CREATE ROLE layercache LOGIN PASSWORD 'layercache';
  END IF;
END $$;
SQL
# A second database (two databases with the same table names behind one cache) and a role
# without privileges that the test role may SET ROLE to (results must follow the database's
# permissions).
for db in layercache_test layercache_test2; do
  if ! runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
    runuser -u postgres -- createdb -O layercache "$db"
  fi
done
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'layercache_limited') THEN
    CREATE ROLE layercache_limited LOGIN PASSWORD 'limited';
  END IF;
END $$;
GRANT layercache_limited TO layercache;
SQL
mariadb -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS layercache_test;
CREATE DATABASE IF NOT EXISTS layercache_test2;
CREATE USER IF NOT EXISTS 'layercache'@'127.0.0.1' IDENTIFIED BY 'layercache';
CREATE USER IF NOT EXISTS 'layercache'@'localhost' IDENTIFIED BY 'layercache';
GRANT ALL ON layercache_test.* TO 'layercache'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL ON layercache_test.* TO 'layercache'@'localhost' WITH GRANT OPTION;
GRANT ALL ON layercache_test2.* TO 'layercache'@'127.0.0.1';
GRANT ALL ON layercache_test2.* TO 'layercache'@'localhost';
CREATE USER IF NOT EXISTS 'layercache_limited'@'127.0.0.1' IDENTIFIED BY 'limited';
CREATE USER IF NOT EXISTS 'layercache_limited'@'localhost' IDENTIFIED BY 'limited';
SQL

export LAYERCACHE_POSTGRES_URL="${LAYERCACHE_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/layercache_test?user=layercache&password=layercache}"
export LAYERCACHE_MARIADB_URL="${LAYERCACHE_MARIADB_URL:-jdbc:mariadb://127.0.0.1:3306/layercache_test?user=layercache&password=layercache}"
# Redis and memcached: the test kit starts its own processes from the binaries on the PATH.

log "running every test (mvn verify)"
exec mvn -B -ntp verify "$@"
