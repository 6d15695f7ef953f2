import { describe, expect, it } from 'vitest';
import { leadTeam, nextAssignee } from '../../domain/lead-assignment';

describe('round-robin: the next in line after whoever got the last lead', () => {
  it.each([
    [[3, 1, 2], null, 1],
    [[1, 2, 3], 1, 2],
    [[1, 2, 3], 2, 3],
    [[1, 2, 3], 3, 1],
    // the last one left the team: the next after them still follows the order
    [[1, 3, 5], 4, 5],
    [[1, 3, 5], 9, 1],
    // a newcomer takes the turn their id falls on, nobody else's moves
    [[1, 2, 3, 10], 3, 10],
    [[7], 7, 7],
    [[2, 2, 1], 1, 2],
  ] as const)('%j after %s → %s', (candidates, last, next) => {
    expect(nextAssignee(candidates, last)).toBe(next);
  });

  it('nobody to give it to', () => {
    expect(nextAssignee([], null)).toBeNull();
    expect(nextAssignee([], 4)).toBeNull();
  });

  it('gives each of n people exactly one lead in every n, whatever the start', () => {
    const people = [4, 8, 15, 16, 23, 42];
    let last: number | null = 16;
    const got = new Map<number, number>();
    for (let i = 0; i < people.length * 50; i++) {
      last = nextAssignee(people, last) as number;
      got.set(last, (got.get(last) ?? 0) + 1);
    }
    expect([...got.values()]).toEqual(people.map(() => 50));
  });
});

describe('the team a new lead belongs to', () => {
  const teams = [
    { id: 2, name: '华南' },
    { id: 1, name: '华东' },
  ];
  it.each([
    [5, '', 5],
    [5, '华南', 5],
    [null, '华南', 2],
    [null, '', 1],
    [null, '西北', 1],
  ] as const)('creator in team %s, configured "%s" → team %s', (creator, configured, team) => {
    expect(leadTeam(creator, teams, configured)).toBe(team);
  });
  it('no teams at all', () => expect(leadTeam(null, [], '华东')).toBeNull());
});
