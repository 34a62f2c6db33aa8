import * as assert from 'node:assert/strict';
import { dangerIn } from '../../../../src/core/runbooks/dangerous';

describe('dangerIn: destructive commands', () => {
  const dangerous: Array<[string, RegExp]> = [
    ['git push --force origin main', /git push --force/],
    ['git push -f', /git push --force/],
    ['git push -uf origin fix', /git push --force/],
    ['git push --force-with-lease=main origin main', /git push --force/],
    ['cd /srv/app && git push origin +main --force-with-lease', /git push --force/],
    ['rm -rf /var/lib/app/cache', /rm -rf/],
    ['sudo rm -fr build', /rm -rf/],
    ['rm -r -f build', /rm -rf/],
    ['rm --recursive --force build', /rm -rf/],
    ['sudo -u deploy /bin/rm -Rf x', /rm -rf/],
    ['pkill -f worker', /pkill/],
    ['kill -9 1234', /kill -9/],
    ['kill -KILL 1234', /kill -9/],
    ['kill -s KILL 1234', /kill -9/],
    ['sudo reboot', /reboot/],
    ['shutdown -h now', /shutdown/],
    ['systemctl reboot', /systemctl reboot/],
    ['docker system prune -af', /docker system prune/],
    ['docker compose down -v', /docker compose down -v/],
    ['docker compose -f prod.yml down --volumes', /docker compose down -v/],
    ['docker-compose down -v --remove-orphans', /docker compose down -v/],
    ['psql "$DATABASE_URL" -c "DROP TABLE sessions"', /DROP/],
    ['mysql -e "drop database shop"', /DROP/],
    ['psql -c "TRUNCATE jobs"', /TRUNCATE/],
    ['psql -c "DELETE FROM jobs"', /DELETE without WHERE/],
    ['psql -c "DELETE FROM jobs WHERE id = 1; DELETE FROM users"', /DELETE without WHERE/],
    ['redis-cli -h cache FLUSHALL', /FLUSHALL/],
    ['redis-cli flushdb', /FLUSHALL/],
    ["psql -c 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity'", /pg_terminate_backend/],
    ['chmod -R 777 /', /chmod -R on \//],
    ['sudo chown -R nobody /', /chown -R on \//],
    ['echo start\nrm -rf /tmp/x\necho done', /rm -rf/],
    ['timeout 5 rm -rf x', /rm -rf/],
    ['FOO=1 env BAR=2 pkill app', /pkill/],
    ['killall -9 node', /killall/],
    ['poweroff', /poweroff/],
    ['docker volume prune -f', /docker volume prune/],
    ['git push origin +main', /git push --force rewrites origin\/main on the remote/],
    // Restores over a live database: the dump's DROPs are not in the command, so the restore itself counts.
    ['pg_restore --clean -d "$DATABASE_URL" /backups/nightly.dump', /pg_restore --clean/],
    ['pg_restore -c -d shop nightly.dump', /pg_restore --clean/],
    ['mongorestore --drop --uri "$MONGO_URL" /backups/dump', /mongorestore --drop/],
    ['psql "$DATABASE_URL" < /backups/nightly.sql', /psql fed from a file or a pipe restores a dump/],
    ['gunzip -c nightly.sql.gz | psql shop', /psql fed from a file or a pipe/],
    ['mysql -u root shop < dump.sql', /mysql fed from a file or a pipe/],
    ['dropdb shop', /dropdb/],
    ['docker compose exec -T db psql -U app app < backup.sql', /psql fed from a file or a pipe/],
    ['gunzip -c dump.sql.gz | kubectl exec -i pg-0 -- psql -U postgres', /psql fed from a file or a pipe/],
    ['./infra/backups/restore_db.sh /var/backups/daily/[latest-backup].sql.gz', /restore_db\.sh restores a backup over the live data/],
    ['./scripts/restore-mongodb.sh /backups/mongodb/latest.tar.gz', /restore-mongodb\.sh restores a backup/],
    ['chmod -R 777 /*', /chmod -R on \//],
  ];
  for (const [command, why] of dangerous) {
    it(`flags ${JSON.stringify(command)}`, () => {
      const d = dangerIn(command);
      assert.ok(d, 'flagged');
      assert.match(d.destructive, why);
    });
  }

  const harmless = [
    'rm -f file',
    'chmod -R o-w ./dir',
    'git push',
    'psql -c "DELETE FROM jobs WHERE id = 42"',
    'shutdown -c',
    'pg_restore --list nightly.dump',
    'mongorestore --uri "$MONGO_URL" /backups/dump',
    'psql "$DATABASE_URL" -c "SELECT 1 < 2"',
    'psql "$DATABASE_URL" <<SQL\nSELECT 1;\nSQL',
    'pg_dump shop > nightly.sql',
    'psql shop || echo unreachable',
    'git push origin main:main',
    'docker compose exec db psql -U app app',
    './scripts/backup-db.sh',
    'restorecon -R /var/www',
    'ls /var/backups/restore-points',
    'git push origin main',
    'git push --follow-tags',
    'git fetch --force',
    'rm -f /tmp/lock',
    'rm -r build',
    'kill 1234',
    'kill -TERM 1234',
    'grep reboot /var/log/syslog',
    'journalctl -u app --since "1 hour ago"',
    'docker compose down',
    'docker compose up -d -v',
    'docker system df',
    'docker volume ls -v',
    'iptables -A INPUT -s 10.0.0.1 -j DROP',
    'psql -c "DELETE FROM jobs WHERE done"',
    'psql -c "SELECT count(*) FROM jobs"',
    'truncate -s 0 /var/log/app.log',
    'chmod -R g+w /srv/app',
    'chown -R app /srv/app/',
    'redis-cli llen jobs',
    'sudo -i systemctl restart app',
    'kubectl scale deploy/worker --replicas=3',
  ];
  for (const command of harmless) {
    it(`leaves ${JSON.stringify(command)} alone`, () => {
      assert.equal(dangerIn(command), undefined);
    });
  }
});

describe('dangerIn: what a force push rewrites', () => {
  const cases: Array<[string, string]> = [
    ['git push --force origin main', 'git push --force rewrites origin/main on the remote'],
    ['git push -f upstream HEAD:release/1.2', 'git push --force rewrites upstream/release/1.2 on the remote'],
    ['git push --force-with-lease -o ci.skip origin feature', 'git push --force rewrites origin/feature on the remote'],
    ['git push origin +refs/heads/main', 'git push --force rewrites origin/main on the remote'],
    ['git push --force', 'git push --force rewrites the remote branch'],
    ['git push -f origin', 'git push --force rewrites the remote branch'],
    ['git push -f origin HEAD', 'git push --force rewrites the remote branch'],
  ];
  for (const [command, reason] of cases) {
    it(`${JSON.stringify(command)}: ${reason}`, () => {
      assert.equal(dangerIn(command)?.destructive, reason);
    });
  }
});
