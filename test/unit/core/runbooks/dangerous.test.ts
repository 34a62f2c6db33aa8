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
  ];
  for (const [command, why] of dangerous) {
    it(`flags ${JSON.stringify(command)}`, () => {
      const d = dangerIn(command);
      assert.ok(d, 'flagged');
      assert.match(d.destructive, why);
    });
  }

  const harmless = [
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
