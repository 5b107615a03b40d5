// The generated mock scenarios (mock-data/scenarios/*.json): valid format v1,
// byte-identical to what scripts/generate-scenarios.ts writes (so nobody edits
// the JSON by hand), and the data really shows what each scenario claims.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScenarioSchema, type Scenario } from '../../src/scenario/schema.js';
import {
  CATEGORIES,
  DEFAULT_SEED,
  generate,
  SCENARIOS,
  type Category,
  type ScenarioDef,
} from '../../scripts/scenarios/generate.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DIR = join(ROOT, 'mock-data/scenarios');
const ORIGINAL_IDS = ['memory-leak-payment', 'healthy-hotfix', 'db-trouble-user-service'];
const WELL_KNOWN = new Set([
  'error_rate',
  'latency_p95_ms',
  'latency_p99_ms',
  'memory_pct',
  'cpu_pct',
  'request_rate',
  'restarts',
]);

type Samples = ReadonlyArray<number | null>;

const values = (a: Samples): number[] => a.filter((x): x is number => x !== null);
function mean(a: Samples): number {
  const v = values(a);
  return v.length === 0 ? Number.NaN : v.reduce((s, x) => s + x, 0) / v.length;
}
function sd(a: Samples): number {
  const v = values(a);
  const m = mean(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, v.length - 1));
}
function median(a: Samples): number {
  const v = values(a).sort((x, y) => x - y);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}
/** canary mean / baseline mean */
function ratio(s: Scenario, name: string): number {
  const m = s.metrics[name];
  return m ? mean(m.canary) / mean(m.baseline) : Number.NaN;
}
function lag1(a: Samples): number {
  const v = values(a);
  const m = mean(v);
  let num = 0;
  let den = 0;
  for (let i = 0; i < v.length; i++) {
    den += ((v[i] as number) - m) ** 2;
    if (i > 0) num += ((v[i] as number) - m) * ((v[i - 1] as number) - m);
  }
  return den === 0 ? 0 : num / den;
}
function correlationWithTime(a: Samples): number {
  const pts = a.flatMap((y, x) => (y === null ? [] : [[x, y] as const]));
  const mx = pts.reduce((s, [x]) => s + x, 0) / pts.length;
  const my = pts.reduce((s, [, y]) => s + y, 0) / pts.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pts) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
const metrics = (s: Scenario) => Object.entries(s.metrics);
const latencyNames = (s: Scenario) => Object.keys(s.metrics).filter((k) => k.startsWith('latency_'));
const allLogs = (s: Scenario) => [...(s.logs?.baseline ?? []), ...(s.logs?.canary ?? [])];
const level = (line: string) => /^\S+ (INFO|WARN|ERROR) /.exec(line)?.[1];

/**
 * What the data of a scenario in each category must show. Checked on every
 * scenario carrying the category, so a definition that drifts away from its
 * description fails here.
 */
const SHOWS: Record<Category, (s: Scenario) => boolean> = {
  original: (s) => ORIGINAL_IDS.includes(s.id),
  'latency-regression': (s) => latencyNames(s).some((k) => ratio(s, k) >= 1.3),
  'latency-p99-only': (s) => Math.abs(ratio(s, 'latency_p95_ms') - 1) <= 0.1 && ratio(s, 'latency_p99_ms') >= 2,
  'error-spike': (s) => {
    const e = s.metrics.error_rate;
    return !!e && ratio(s, 'error_rate') >= 5 && mean(e.canary) >= 3;
  },
  'crash-loop': (s) => {
    const r = s.metrics.restarts;
    return !!r && values(r.baseline).every((x) => x === 0) && values(r.canary).reduce((a, b) => a + b, 0) >= 3;
  },
  'traffic-drop': (s) => ratio(s, 'request_rate') <= 0.5,
  'late-degradation': (s) =>
    metrics(s).some(([, m]) => {
      const half = m.canary.slice(0, Math.floor(m.canary.length / 2));
      const last = m.canary.slice(-4);
      return mean(half) <= 1.2 * mean(m.baseline) && mean(last) >= 2 * mean(m.baseline);
    }),
  'cpu-regression': (s) => ratio(s, 'cpu_pct') >= 1.5 && mean(s.metrics.cpu_pct?.canary ?? []) >= 70,
  'custom-kpi-regression': (s) =>
    metrics(s).some(([k, m]) => !WELL_KNOWN.has(k) && m.direction === undefined && Math.abs(ratio(s, k) - 1) >= 0.3),
  'regression-with-nulls-noise': (s) =>
    metrics(s).some(([, m]) => [...m.baseline, ...m.canary].includes(null) && sd(m.baseline) / mean(m.baseline) >= 0.15),
  'regression-no-baseline': (s) => metrics(s).some(([, m]) => m.baseline.length === 0 && m.canary.length > 0),
  'prompt-injection': (s) => (s.logs?.canary ?? []).some((l) => /ignore previous instructions/i.test(l)),
  'noisy-same-distribution': (s) =>
    metrics(s).some(([, m]) => sd(m.baseline) / mean(m.baseline) >= 0.15 && Math.abs(mean(m.canary) / mean(m.baseline) - 1) <= 0.15),
  'single-spike': (s) =>
    metrics(s).some(([, m]) => {
      const high = values(m.canary).filter((x) => x > 2 * Math.max(...values(m.baseline)));
      return high.length === 1 && Math.abs(median(m.canary) / median(m.baseline) - 1) <= 0.2;
    }),
  'warmup-burst': (s) =>
    metrics(s).some(([, m]) => {
      const first = m.canary[0];
      return (
        typeof first === 'number' &&
        first >= 2 * mean(m.baseline) &&
        Math.abs(mean(m.canary.slice(2)) / mean(m.baseline) - 1) <= 0.15
      );
    }),
  'diurnal-trend': (s) => {
    const rr = s.metrics.request_rate;
    return (
      !!rr &&
      Math.abs(correlationWithTime([...rr.baseline, ...rr.canary])) >= 0.8 &&
      Math.abs(ratio(s, 'request_rate') - 1) >= 0.2
    );
  },
  'tiny-traffic': (s) => {
    const rr = s.metrics.request_rate;
    const er = s.metrics.error_rate;
    return !!rr && !!er && mean([...rr.baseline, ...rr.canary]) < 0.5 && values(er.canary).some((x) => x >= 50);
  },
  'missing-metric': (s) => Object.keys(s.metrics).filter((k) => WELL_KNOWN.has(k)).length <= 3,
  'empty-window': (s) => metrics(s).some(([, m]) => (m.baseline.length === 0) !== (m.canary.length === 0)),
  'scattered-nulls': (s) => {
    const all = metrics(s).flatMap(([, m]) => [...m.baseline, ...m.canary]);
    return all.filter((x) => x === null).length >= 0.1 * all.length;
  },
  'harmless-error-logs': (s) => {
    const mentions = allLogs(s).filter((l) => /error/i.test(l));
    return mentions.length >= 3 && mentions.every((l) => level(l) === 'INFO');
  },
  improvement: (s) => {
    const err = s.metrics.error_rate;
    const errorRise = err ? mean(err.canary) - mean(err.baseline) : 0;
    return (
      ['error_rate', ...latencyNames(s)].some((k) => ratio(s, k) <= 0.7) &&
      latencyNames(s).every((k) => ratio(s, k) <= 1.1) &&
      errorRise <= 0.5
    );
  },
  'ar1-wander': (s) => metrics(s).some(([, m]) => lag1(m.baseline) >= 0.6),
  'many-custom-kpis-unchanged': (s) => {
    const custom = metrics(s).filter(([k]) => !WELL_KNOWN.has(k));
    return custom.length >= 6 && custom.every(([k]) => Math.abs(ratio(s, k) - 1) <= 0.15);
  },
  'short-canary': (s) => metrics(s).every(([, m]) => m.canary.length <= 8),
  'small-shift': (s) =>
    metrics(s).some(([k]) => {
      const change = Math.abs(ratio(s, k) - 1);
      return change >= 0.03 && change <= 0.15;
    }) && metrics(s).every(([k]) => !(Math.abs(ratio(s, k) - 1) > 0.15)),
  'steady-warn-logs': (s) => {
    const warnB = (s.logs?.baseline ?? []).filter((l) => level(l) === 'WARN').length;
    const warnC = (s.logs?.canary ?? []).filter((l) => level(l) === 'WARN').length;
    const [b, c] = windowLengths(s);
    return warnB > 0 && warnC > 0 && warnC / c / (warnB / b) >= 0.5 && warnC / c / (warnB / b) <= 2;
  },
  sawtooth: (s) => {
    const m = s.metrics.memory_pct;
    const range = (a: Samples) => Math.max(...values(a)) - Math.min(...values(a));
    return !!m && range(m.baseline) >= 15 && range(m.canary) >= 15;
  },
  'isolated-restart': (s) => {
    const r = s.metrics.restarts;
    const total = (a: Samples) => values(a).reduce((x, y) => x + y, 0);
    return !!r && total(r.canary) === 1 && total(r.baseline) >= 1;
  },
};

/** Categories that only make sense for one class. */
const CLASS_OF: Partial<Record<Category, 'ROLLBACK' | 'CONTINUE'>> = {
  'latency-regression': 'ROLLBACK',
  'latency-p99-only': 'ROLLBACK',
  'error-spike': 'ROLLBACK',
  'crash-loop': 'ROLLBACK',
  'traffic-drop': 'ROLLBACK',
  'late-degradation': 'ROLLBACK',
  'cpu-regression': 'ROLLBACK',
  'custom-kpi-regression': 'ROLLBACK',
  'regression-with-nulls-noise': 'ROLLBACK',
  'regression-no-baseline': 'ROLLBACK',
  'prompt-injection': 'ROLLBACK',
  'noisy-same-distribution': 'CONTINUE',
  'single-spike': 'CONTINUE',
  'warmup-burst': 'CONTINUE',
  'diurnal-trend': 'CONTINUE',
  'tiny-traffic': 'CONTINUE',
  'missing-metric': 'CONTINUE',
  'empty-window': 'CONTINUE',
  'scattered-nulls': 'CONTINUE',
  'harmless-error-logs': 'CONTINUE',
  improvement: 'CONTINUE',
  'ar1-wander': 'CONTINUE',
  'many-custom-kpis-unchanged': 'CONTINUE',
  'small-shift': 'CONTINUE',
  'steady-warn-logs': 'CONTINUE',
  sawtooth: 'CONTINUE',
  'isolated-restart': 'CONTINUE',
};

function windowLengths(s: Scenario): [number, number] {
  const first = Object.values(s.metrics).find((m) => m.baseline.length > 0 && m.canary.length > 0);
  return first ? [first.baseline.length, first.canary.length] : [0, 0];
}

let files: string[] = [];
const texts = new Map<string, string>();
const scenarios = new Map<string, Scenario>();

beforeAll(async () => {
  files = (await readdir(DIR)).filter((f) => f.endsWith('.json')).sort();
  for (const f of files) {
    const text = await readFile(join(DIR, f), 'utf8');
    texts.set(f, text);
    const parsed = ScenarioSchema.safeParse(JSON.parse(text));
    if (parsed.success) scenarios.set(f, parsed.data);
  }
});

const byId = (id: string): Scenario => {
  const s = scenarios.get(`${id}.json`);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
};
const defsWith = (c: Category): ScenarioDef[] => SCENARIOS.filter((d) => d.categories.includes(c));

describe('mock-data/scenarios', () => {
  it('holds at least 33 scenarios, every one valid format v1', () => {
    expect(files.length).toBeGreaterThanOrEqual(33);
    for (const f of files) {
      const result = ScenarioSchema.safeParse(JSON.parse(texts.get(f) ?? ''));
      expect(result.success, `${f}: ${result.success ? '' : result.error.message}`).toBe(true);
    }
  });

  it('has unique ids equal to the file names, and unique deployment ids', () => {
    const ids = [...scenarios.entries()].map(([f, s]) => {
      expect(`${s.id}.json`).toBe(f);
      return s.id;
    });
    expect(new Set(ids).size).toBe(files.length);
    const deployIds = [...scenarios.values()].map((s) => s.deployment.deployment_id);
    expect(new Set(deployIds).size).toBe(deployIds.length);
  });

  it('is exactly what the generator writes with the default seed (no hand edits, no stale files)', () => {
    const generated = generate(DEFAULT_SEED);
    expect(files).toEqual(generated.map((g) => g.file).sort());
    for (const g of generated) expect(texts.get(g.file), g.file).toBe(g.text);
  });

  it('mixes both decisions, roughly 40% ROLLBACK, with ids that say which', () => {
    const all = [...scenarios.values()];
    const rollbacks = all.filter((s) => s.expected === 'ROLLBACK').length;
    const continues = all.filter((s) => s.expected === 'CONTINUE').length;
    expect(rollbacks + continues).toBe(all.length); // every scenario has ground truth
    expect(rollbacks / all.length).toBeGreaterThanOrEqual(0.3);
    expect(rollbacks / all.length).toBeLessThanOrEqual(0.5);
    for (const s of all) {
      expect(s.description?.length ?? 0, s.id).toBeGreaterThan(30);
      if (ORIGINAL_IDS.includes(s.id)) continue;
      expect(s.id, s.id).toMatch(/^(regress|healthy)-/);
      expect(s.expected, s.id).toBe(s.id.startsWith('regress-') ? 'ROLLBACK' : 'CONTINUE');
    }
  });

  it('uses realistic deployments and window sizes', () => {
    for (const s of scenarios.values()) {
      const d = s.deployment;
      expect(d.deployment_id, s.id).toMatch(/^deploy-\d{4}$/);
      expect(d.version, s.id).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(d.previous_version, s.id).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(d.previous_version, s.id).not.toBe(d.version);
      expect(['prod', 'staging'], s.id).toContain(d.namespace);
      for (const [name, m] of metrics(s)) {
        if (m.baseline.length > 0) expect(m.baseline.length, `${s.id} ${name}`).toBeGreaterThanOrEqual(20);
        expect(m.baseline.length, `${s.id} ${name}`).toBeLessThanOrEqual(60);
        if (m.canary.length > 0) expect(m.canary.length, `${s.id} ${name}`).toBeGreaterThanOrEqual(5);
        expect(m.canary.length, `${s.id} ${name}`).toBeLessThanOrEqual(30);
        for (const x of values([...m.baseline, ...m.canary])) {
          expect(x, `${s.id} ${name}`).toBeGreaterThanOrEqual(0);
          expect(Math.abs(x * 1000 - Math.round(x * 1000)), `${s.id} ${name} ${x} has > 3 decimals`).toBeLessThan(1e-6);
          if (name.endsWith('_pct') || name === 'error_rate') expect(x, `${s.id} ${name}`).toBeLessThanOrEqual(100);
          if (name === 'restarts') expect(Number.isInteger(x), `${s.id} restarts`).toBe(true);
        }
      }
    }
    const steps = new Set([...scenarios.values()].map((s) => s.step_seconds));
    expect(steps.has(60)).toBe(true);
    expect(steps.size).toBeGreaterThan(1);
  });

  it('has logs in about a third of the scenarios, timestamped, levelled and in order', () => {
    const withLogs = [...scenarios.values()].filter((s) => s.logs);
    expect(withLogs.length / scenarios.size).toBeGreaterThanOrEqual(0.2);
    expect(withLogs.length / scenarios.size).toBeLessThanOrEqual(0.5);
    for (const s of withLogs) {
      const lines = allLogs(s);
      for (const line of lines) expect(line, s.id).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (INFO|WARN|ERROR) \S/);
      const times = lines.map((l) => Date.parse(l.slice(0, 20)));
      for (let i = 1; i < times.length; i++) expect(times[i], `${s.id} line ${i}`).toBeGreaterThanOrEqual(times[i - 1] as number);
      expect(s.logs?.baseline.length, s.id).toBeGreaterThan(0);
      expect(s.logs?.canary.length, s.id).toBeGreaterThan(0);
    }
  });
});

describe('the three original scenarios', () => {
  it('memory-leak-payment: ~35% canary errors and memory climbing past 90% → ROLLBACK', () => {
    const s = byId('memory-leak-payment');
    expect(s.deployment.service).toBe('payment-service');
    expect(s.expected).toBe('ROLLBACK');
    const err = mean(s.metrics.error_rate?.canary ?? []);
    expect(err).toBeGreaterThanOrEqual(30);
    expect(err).toBeLessThanOrEqual(40);
    expect(mean(s.metrics.error_rate?.baseline ?? [])).toBeLessThan(2);
    const mem = s.metrics.memory_pct;
    expect(Math.max(...values(mem?.canary ?? []))).toBeGreaterThanOrEqual(90);
    expect(Math.max(...values(mem?.baseline ?? []))).toBeLessThan(70);
    expect(s.logs?.baseline.length).toBeGreaterThan(0);
    expect(s.logs?.canary.length).toBeGreaterThan(0);
  });

  it('healthy-hotfix: ~0.8% errors and everything stable → CONTINUE', () => {
    const s = byId('healthy-hotfix');
    expect(s.expected).toBe('CONTINUE');
    const err = s.metrics.error_rate;
    expect(mean(err?.canary ?? [])).toBeLessThan(1.5);
    expect(Math.abs(mean(err?.baseline ?? []) - 0.8)).toBeLessThan(0.2);
    for (const [name] of metrics(s)) {
      if (name === 'restarts') continue;
      expect(Math.abs(ratio(s, name) - 1), name).toBeLessThan(0.1);
    }
    expect(s.logs?.baseline.length).toBeGreaterThan(0);
    expect(s.logs?.canary.length).toBeGreaterThan(0);
  });

  it('db-trouble-user-service: ~45% errors and db timeouts in the canary logs → ROLLBACK', () => {
    const s = byId('db-trouble-user-service');
    expect(s.deployment.service).toBe('user-service');
    expect(s.expected).toBe('ROLLBACK');
    const err = mean(s.metrics.error_rate?.canary ?? []);
    expect(err).toBeGreaterThanOrEqual(40);
    expect(err).toBeLessThanOrEqual(50);
    const canary = s.logs?.canary ?? [];
    expect(canary.some((l) => /ERROR db timeout after \d+ms query=/.test(l))).toBe(true);
    expect((s.logs?.baseline ?? []).some((l) => /timeout/i.test(l))).toBe(false);
  });
});

describe('scenario categories', () => {
  it('every category is covered, and the data of each tagged scenario shows it', () => {
    for (const category of Object.keys(CATEGORIES) as Category[]) {
      const defs = defsWith(category);
      expect(defs.length, `no scenario for category ${category}`).toBeGreaterThan(0);
      for (const def of defs) {
        const s = byId(def.id);
        expect(SHOWS[category](s), `${def.id} does not show ${category}`).toBe(true);
        const cls = CLASS_OF[category];
        if (cls) expect(s.expected, `${def.id} (${category})`).toBe(cls);
      }
    }
  });

  it('has several latency regressions of different sizes, including a p99-only one', () => {
    const ratios = defsWith('latency-regression').map((d) => ratio(byId(d.id), 'latency_p95_ms'));
    expect(ratios.length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...ratios)).toBeLessThan(1.1); // the p99-only one
    expect(Math.max(...ratios)).toBeGreaterThan(2);
    expect(ratios.some((r) => r > 1.3 && r < 1.6)).toBe(true);
    expect(defsWith('latency-p99-only').length).toBeGreaterThan(0);
  });

  it('covers missing data both ways: an empty canary window and an empty baseline window', () => {
    const healthy = defsWith('empty-window').map((d) => byId(d.id));
    expect(healthy.some((s) => metrics(s).some(([, m]) => m.canary.length === 0 && m.baseline.length > 0))).toBe(true);
    expect(healthy.some((s) => metrics(s).some(([, m]) => m.baseline.length === 0 && m.canary.length > 0))).toBe(true);
  });

  it('has short canaries (5–8 samples) in both classes', () => {
    const short = [...scenarios.values()].filter((s) => windowLengths(s)[1] <= 8);
    expect(short.some((s) => s.expected === 'ROLLBACK')).toBe(true);
    expect(short.some((s) => s.expected === 'CONTINUE')).toBe(true);
  });

  it('gives custom KPIs no direction unless one is meant', () => {
    const custom = [...scenarios.values()].flatMap((s) => metrics(s).filter(([k]) => !WELL_KNOWN.has(k)));
    expect(custom.length).toBeGreaterThanOrEqual(10);
    expect(custom.filter(([, m]) => m.direction === undefined).length).toBeGreaterThan(custom.length / 2);
  });
});

describe('the generator', () => {
  it('is deterministic and draws other noise for another seed, keeping shapes and decisions', () => {
    const a = generate(DEFAULT_SEED);
    expect(generate(DEFAULT_SEED)).toEqual(a);
    const b = generate(12345);
    expect(b.map((f) => f.id)).toEqual(a.map((f) => f.id));
    expect(b.filter((f, i) => f.text !== a[i]?.text).length).toBeGreaterThan(a.length / 2);
    for (const f of b) expect(f.scenario.expected).toBe(a.find((x) => x.id === f.id)?.scenario.expected);
    const leak = b.find((f) => f.id === 'memory-leak-payment')?.scenario;
    const err = mean(leak?.metrics.error_rate?.canary ?? []);
    expect(err).toBeGreaterThanOrEqual(30);
    expect(err).toBeLessThanOrEqual(40);
    expect(Math.max(...values(leak?.metrics.memory_pct?.canary ?? []))).toBeGreaterThanOrEqual(90);
  });

  it('writes the same bytes through the command line (--out)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'scenarios-'));
    try {
      const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
      await promisify(execFile)(tsx, ['scripts/generate-scenarios.ts', '--out', out, '--seed', String(DEFAULT_SEED)], {
        cwd: ROOT,
        timeout: 60_000,
      });
      const written = (await readdir(out)).sort();
      expect(written).toEqual(files);
      for (const f of written) expect(await readFile(join(out, f), 'utf8'), f).toBe(texts.get(f));
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('rejects a bad --seed', async () => {
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    await expect(
      promisify(execFile)(tsx, ['scripts/generate-scenarios.ts', '--out', join(tmpdir(), 'never'), '--seed', 'abc'], {
        cwd: ROOT,
        timeout: 60_000,
      }),
    ).rejects.toThrow(/--seed/);
  });
});
