import { describe, expect, it } from 'vitest';
import { mayWrite, ReferenceCache } from '../../models/reference-cache';

/** The cache itself, on a clock the test moves: age, single flight, invalidation racing a load. */
describe('reference cache', () => {
  const setup = (maxAgeMs = 1000) => {
    let now = 0;
    let version = 1;
    const loads: { key: string; resolve: () => void }[] = [];
    let deferred = false;
    const cache = new ReferenceCache<string, string>(
      (key) => {
        const v = `${key}@${version}`;
        if (!deferred) return Promise.resolve(v);
        return new Promise((resolve) => loads.push({ key, resolve: () => resolve(v) }));
      },
      maxAgeMs,
      () => now,
    );
    return {
      cache,
      loads,
      tick: (ms: number) => {
        now += ms;
      },
      change: () => {
        version++;
      },
      defer: (on: boolean) => {
        deferred = on;
      },
    };
  };

  it('answers from memory until the value is max-age old, then reads again', async () => {
    const s = setup();
    expect(await s.cache.get('a')).toBe('a@1');
    s.change();
    s.tick(999);
    expect(await s.cache.get('a')).toBe('a@1');
    s.tick(1);
    expect(await s.cache.get('a')).toBe('a@2');
  });

  it('invalidate() makes the next get read again', async () => {
    const s = setup();
    expect(await s.cache.get('a')).toBe('a@1');
    s.change();
    s.cache.invalidate();
    expect(await s.cache.get('a')).toBe('a@2');
  });

  it('a burst of gets shares one load', async () => {
    const s = setup();
    s.defer(true);
    const all = Promise.all([s.cache.get('a'), s.cache.get('a'), s.cache.get('a')]);
    expect(s.loads).toHaveLength(1);
    s.loads[0]!.resolve();
    expect(await all).toEqual(['a@1', 'a@1', 'a@1']);
  });

  it('a load that started before an invalidation is neither shared nor kept', async () => {
    const s = setup();
    s.defer(true);
    const early = s.cache.get('a'); // reads version 1 …
    s.change();
    s.cache.invalidate(); // … which a write then makes stale
    const late = s.cache.get('a');
    expect(s.loads).toHaveLength(2); // not the stale load
    s.loads[0]!.resolve();
    s.loads[1]!.resolve();
    expect(await early).toBe('a@1');
    expect(await late).toBe('a@2');
    s.defer(false);
    expect(await s.cache.get('a')).toBe('a@2');
  });

  it('a stale load finishing after the fresh one does not overwrite it', async () => {
    const s = setup();
    s.defer(true);
    const early = s.cache.get('a');
    s.change();
    s.cache.invalidate();
    const late = s.cache.get('a');
    s.loads[1]!.resolve();
    await late;
    s.loads[0]!.resolve();
    await early;
    s.defer(false);
    expect(await s.cache.get('a')).toBe('a@2');
  });

  it('a failed load is not cached', async () => {
    let fail = true;
    const cache = new ReferenceCache<string, string>(async (k) => {
      if (fail) throw new Error('database gone');
      return k;
    });
    await expect(cache.get('a')).rejects.toThrow('database gone');
    fail = false;
    expect(await cache.get('a')).toBe('a');
  });

  it('past half its age a value is served at once and read again in the background', async () => {
    const s = setup();
    expect(await s.cache.get('a')).toBe('a@1');
    s.change();
    s.tick(500);
    s.defer(true);
    expect(await s.cache.get('a')).toBe('a@1'); // not waiting for the read …
    expect(s.loads).toHaveLength(1); // … that has started
    expect(await s.cache.get('a')).toBe('a@1');
    expect(s.loads).toHaveLength(1); // one at a time
    s.loads[0]!.resolve();
    await Promise.resolve();
    await Promise.resolve();
    s.defer(false);
    s.tick(600); // 1100 ms after the first read, 600 after the second began
    expect(await s.cache.get('a')).toBe('a@2');
  });

  // A PostgreSQL pool whose every connection is held by a transaction waiting for the reload
  // never serves the reload (tests/activities/concurrent-orders: 200 orders at once hung).
  it('a caller in a transaction never waits for the shared reload: it reads through its transaction, and that is not kept', async () => {
    const s = setup();
    expect(await s.cache.get('a')).toBe('a@1');
    s.change();
    s.tick(1000);
    s.defer(true);
    const shared = s.cache.get('a'); // queued for a connection that will not come
    expect(s.loads).toHaveLength(1);
    expect(await s.cache.get('a', async () => 'a@2 in tx')).toBe('a@2 in tx');
    expect(await s.cache.get('a', async () => 'again in tx')).toBe('again in tx');
    s.loads[0]!.resolve();
    expect(await shared).toBe('a@2');
    expect(await s.cache.get('a', async () => 'not asked')).toBe('a@2'); // fresh: from memory, in a transaction too
  });

  it('the age counts from when the read began', async () => {
    const s = setup();
    s.defer(true);
    const v = s.cache.get('a');
    s.tick(600); // a slow read
    s.loads[0]!.resolve();
    await v;
    s.defer(false);
    s.change();
    s.tick(400);
    expect(await s.cache.get('a')).toBe('a@2');
  });
});

describe('reference cache with a commit probe', () => {
  const setup = () => {
    let now = 0;
    let committed = 1;
    let data = 1;
    const loaded: string[] = [];
    const cache = new ReferenceCache<string, string>(
      async (key) => {
        loaded.push(key);
        return `${key}@${data}`;
      },
      1000,
      () => now,
      async () => committed,
    );
    return {
      cache,
      loaded,
      tick: (ms: number) => {
        now += ms;
      },
      commit: () => {
        data++;
        committed++;
      },
    };
  };

  it('keeps an aged value without reading it again while nothing was committed', async () => {
    const s = setup();
    expect(await s.cache.get('a')).toBe('a@1');
    for (let i = 0; i < 5; i++) {
      s.tick(1000);
      expect(await s.cache.get('a')).toBe('a@1');
    }
    expect(s.loaded).toEqual(['a']);
  });

  it('reads again, within the max age, once something was committed', async () => {
    const s = setup();
    expect(await s.cache.get('a')).toBe('a@1');
    s.commit();
    s.tick(999);
    expect(await s.cache.get('a')).toBe('a@1');
    s.tick(1);
    expect(await s.cache.get('a')).toBe('a@2');
    expect(s.loaded).toEqual(['a', 'a']);
  });

  it('invalidate() reads again even when the probe saw no commit (a write on the probed connection itself)', async () => {
    const s = setup();
    expect(await s.cache.get('a')).toBe('a@1');
    s.cache.invalidate();
    expect(await s.cache.get('a')).toBe('a@1');
    expect(s.loaded).toEqual(['a', 'a']);
  });
});

describe('which statements may write the cached tables', () => {
  const tables = new Set(['users', 'roles']);
  const mention = /\b(?:users|roles)\b/i;
  it.each([
    ['INSERT INTO `users` (`id`,`login`) VALUES ($1,$2);', true],
    ['INSERT INTO "users" ("login") VALUES (\'a\') ON CONFLICT ("login") DO UPDATE SET "name" = EXCLUDED."name"', true],
    ['INSERT OR IGNORE INTO `roles` (`code`) VALUES (?)', true],
    ['UPDATE `users` SET `active`=$1 WHERE `login` = $2', true],
    ['UPDATE "public"."roles" SET "can_see_cost"=$1', true],
    ['DELETE FROM "users" WHERE "id" = 3', true],
    ['ALTER TABLE `users` ADD COLUMN `x` INTEGER', true],
    ['DROP TABLE IF EXISTS `roles`;', true],
    ['WITH gone AS (DELETE FROM users WHERE id = 1 RETURNING id) SELECT count(*) FROM gone', true],
    ['CREATE INDEX `users_team_id` ON `users` (`team_id`)', true],
    // a value that happens to contain a table name is not a write to it
    ['INSERT INTO `outbox` (`payload`) VALUES (\'{"text":"users and roles"}\')', false],
    ['UPDATE `stock_levels` SET `reserved` = `reserved` + 1 WHERE `id` = 4', false],
    ["SELECT `id`, `login` FROM `users` AS `User` WHERE `User`.`login` = 'a'", false],
    ['PRAGMA table_info(`users`)', false],
  ])('%s → %s', (sql, expected) => {
    expect(mayWrite(sql, tables, mention)).toBe(expected);
  });
});
