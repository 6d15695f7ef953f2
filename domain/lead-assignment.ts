/**
 * Who gets a new lead (C3). In round-robin mode each new lead of a team goes to the next of
 * its people after the one who got the last, in user-id order, wrapping around. What is kept
 * is WHO got the last (a durable pointer per team, models/lead-assignment.ts), not a count:
 * a colleague who joins or leaves the team takes or gives up a turn without shifting everyone
 * else's, and a pointer at someone who has since left still finds the next in line.
 * In creator mode whoever enters the lead keeps it.
 */

export type AssignmentMode = 'round_robin' | 'creator';

/** The next in line after `last`, among the candidates (any order); null when there is nobody. */
export function nextAssignee(candidates: readonly number[], last: number | null): number | null {
  if (candidates.length === 0) return null;
  const sorted = [...new Set(candidates)].sort((a, b) => a - b);
  if (last === null) return sorted[0] as number;
  return sorted.find((id) => id > last) ?? (sorted[0] as number);
}

/**
 * The team a new lead belongs to: the team of whoever enters it; for someone in no team (a
 * director, an administrator, a form on the website) the configured team, by name; with none
 * configured, the first team. Null when the company has no teams.
 */
export function leadTeam(creatorTeamId: number | null, teams: readonly { id: number; name: string }[], defaultTeam: string): number | null {
  if (creatorTeamId !== null) return creatorTeamId;
  const named = defaultTeam ? teams.find((t) => t.name === defaultTeam) : undefined;
  if (named) return named.id;
  const first = [...teams].sort((a, b) => a.id - b.id)[0];
  return first?.id ?? null;
}
