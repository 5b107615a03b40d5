// Turns the scenario table into scenario files (format v1, see
// ../../../shared/scenario-format.md). Pure: no file system access here, so
// the test can compare `generate()` with the committed files byte for byte.
import { ScenarioSchema, type ScenarioInput } from '../../src/scenario/schema.js';
import { Gen, hashString, LogGen, mulberry32, type LogEntry, type MetricSeries } from './builders.js';
import { HEALTHY } from './healthy.js';
import { ORIGINALS } from './originals.js';
import { REGRESSIONS } from './regressions.js';
import type { ScenarioDef } from './types.js';

export { CATEGORIES, type Category, type ScenarioDef } from './types.js';

/** The default seed: change it and every noisy sample changes (the shapes do not). */
export const DEFAULT_SEED = 20260105;

/** Every scenario, in file-name-independent table order. */
export const SCENARIOS: readonly ScenarioDef[] = [...ORIGINALS, ...REGRESSIONS, ...HEALTHY];

/** Deployment times: 2026-01-05 09:00 UTC plus 26 h 17 min per deployment number. */
const FIRST_DEPLOY_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
const DEPLOY_SPACING_MS = (26 * 60 + 17) * 60_000;

export interface GeneratedFile {
  id: string;
  /** `<id>.json` */
  file: string;
  /** the exact file content, trailing newline included */
  text: string;
  scenario: ScenarioInput;
}

/** Builds one scenario object from its definition. Each scenario has its own random streams. */
export function buildScenario(def: ScenarioDef, seed = DEFAULT_SEED): ScenarioInput {
  const [baseline, canary] = def.windows;
  const step = def.stepSeconds ?? 60;
  const salt = def.salt ? `:${def.salt}` : '';
  const gen = new Gen(baseline, canary, mulberry32(hashString(`${seed}:${def.id}:metrics${salt}`)));
  const metrics: Record<string, MetricSeries> = def.metrics(gen);

  const scenario: ScenarioInput = {
    id: def.id,
    description: def.description,
    deployment: {
      deployment_id: `deploy-${String(def.deploy).padStart(4, '0')}`,
      service: def.service,
      namespace: def.namespace ?? 'prod',
      version: def.version,
      previous_version: def.previousVersion,
    },
    step_seconds: step,
    metrics,
  };

  if (def.logs) {
    const deployMs = FIRST_DEPLOY_MS + def.deploy * DEPLOY_SPACING_MS;
    const logGen = new LogGen(deployMs, step, baseline, canary, mulberry32(hashString(`${seed}:${def.id}:logs`)));
    const entries = def.logs(logGen);
    const ordered = (w: LogEntry['window']) =>
      entries
        .filter((e) => e.window === w)
        .sort((a, b) => a.ms - b.ms || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
        .map((e) => e.text);
    scenario.logs = { baseline: ordered('baseline'), canary: ordered('canary') };
  }

  scenario.expected = def.expected;
  return scenario;
}

/**
 * JSON with 2-space indentation, except that arrays of numbers/nulls stay on
 * one line (a 60-sample window is one readable line instead of 60).
 */
export function renderJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v === 'number')) {
      return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    }
    return `[\n${value.map((v) => inner + renderJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${renderJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** Every scenario file, validated against the schema; throws on a bad definition. */
export function generate(seed = DEFAULT_SEED): GeneratedFile[] {
  const seen = new Set<string>();
  return SCENARIOS.map((def) => {
    if (seen.has(def.id)) throw new Error(`duplicate scenario id ${def.id}`);
    seen.add(def.id);
    const scenario = buildScenario(def, seed);
    const parsed = ScenarioSchema.safeParse(scenario);
    if (!parsed.success) {
      throw new Error(`scenario ${def.id} does not match the format: ${parsed.error.message}`);
    }
    return { id: def.id, file: `${def.id}.json`, text: `${renderJson(scenario)}\n`, scenario };
  });
}
