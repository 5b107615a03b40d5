// Slows password guessing: after 5 failed logins for a user name within 15 minutes,
// that name is refused for a minute. In memory, per process. Pure but for the Map.
export interface LoginThrottle {
  blockedFor(user: string, now: number): number;
  failed(user: string, now: number): void;
  succeeded(user: string): void;
}

export function createLoginThrottle(limit = 5, windowMs = 15 * 60_000, lockMs = 60_000): LoginThrottle {
  const failures = new Map<string, number[]>();
  const recent = (user: string, now: number) => (failures.get(user) ?? []).filter((t) => now - t < windowMs);
  return {
    blockedFor(user, now) {
      const times = recent(user, now);
      if (times.length < limit) return 0;
      return Math.max(0, times[times.length - 1]! + lockMs - now);
    },
    failed(user, now) {
      const times = recent(user, now);
      times.push(now);
      failures.set(user, times.slice(-limit));
      if (failures.size > 10_000) failures.delete(failures.keys().next().value!);
    },
    succeeded(user) {
      failures.delete(user);
    },
  };
}
