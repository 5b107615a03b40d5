// The demo service's settings, from the environment, validated once with zod/mini.
// Invalid values are a ConfigError (src/config/env.ts) naming the variable.
//
//   PORT                 listen port on 127.0.0.1 (default 9464; 0 picks a free one)
//   SERVICE              service name in the metrics' labels and pod names (default payment-service)
//   NAMESPACE            namespace label (default default)
//   INITIAL_VERSION      the version running at start (default v1.4.2)
//   BAD_VERSIONS         comma-separated known-bad versions (default v2.0.0-bad); every other version is good
//   TRAFFIC_RPS          simulated requests per second (default 20)
//   LEAK_PCT_PER_MINUTE  how fast a bad version leaks, % of the memory limit per minute (default 3)
//   SEED                 seed of the simulation (default 42): the same seed gives the same numbers
import * as z from 'zod/mini';
import { ConfigError } from '../config/env.js';
import { RFC1123_LABEL, RFC1123_SUBDOMAIN } from '../scenario/schema.js';
import { DEFAULT_BAD_VERSIONS, DEFAULT_LEAK_PERCENT_PER_MINUTE } from './behaviour.js';
import { VERSION_TAG } from './deploy-request.js';

export interface DemoSettings {
  /** loopback by default (a local stack); HOST=0.0.0.0 inside a container (docker-compose.yml) */
  host: '127.0.0.1' | '0.0.0.0';
  port: number;
  service: string;
  namespace: string;
  initialVersion: string;
  badVersions: string[];
  requestsPerSecond: number;
  leakPercentPerMinute: number;
  seed: number;
}

export const DEMO_DEFAULTS: Readonly<Omit<DemoSettings, 'host'>> = Object.freeze({
  port: 9464,
  service: 'payment-service',
  namespace: 'default',
  initialVersion: 'v1.4.2',
  badVersions: [...DEFAULT_BAD_VERSIONS],
  requestsPerSecond: 20,
  leakPercentPerMinute: DEFAULT_LEAK_PERCENT_PER_MINUTE,
  seed: 42,
});

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const withDefault = <T extends z.ZodMiniType>(schema: T, fallback: string | number) =>
  z.pipe(
    z.transform((v: unknown): unknown => blank(v) ?? fallback),
    schema,
  );
const number = (what: string, min: number, max: number, integer = false) =>
  z.coerce
    .number({ error: `expected a number (${what})` })
    .check(
      ...(integer ? [z.int(`expected a whole number (${what})`)] : []),
      z.gte(min, `expected at least ${min} (${what})`),
      z.lte(max, `expected at most ${max} (${what})`),
    );
const tag = z.string().check(z.regex(VERSION_TAG, 'expected an image tag (letters, digits, "_", "." and "-", at most 128 characters)'));
const tagList = z.pipe(
  z.string(),
  z.transform((text: string, ctx) => {
    const items = text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const item of items) {
      if (!VERSION_TAG.test(item)) {
        ctx.issues.push({ code: 'custom', message: `expected comma-separated image tags; "${item}" is not one`, input: text });
        return z.NEVER;
      }
    }
    return items;
  }),
);

const DemoEnvSchema = z.object({
  PORT: withDefault(number('TCP port', 0, 65_535, true), DEMO_DEFAULTS.port),
  SERVICE: withDefault(
    z.string().check(z.regex(RFC1123_SUBDOMAIN, 'expected a Kubernetes object name (RFC 1123: lowercase letters, digits, "-" and ".")')),
    DEMO_DEFAULTS.service,
  ),
  NAMESPACE: withDefault(z.string().check(z.regex(RFC1123_LABEL, 'expected a Kubernetes namespace name (RFC 1123 label)')), DEMO_DEFAULTS.namespace),
  INITIAL_VERSION: withDefault(tag, DEMO_DEFAULTS.initialVersion),
  BAD_VERSIONS: withDefault(tagList, DEMO_DEFAULTS.badVersions.join(',')),
  TRAFFIC_RPS: withDefault(number('simulated requests per second', 0, 10_000), DEMO_DEFAULTS.requestsPerSecond),
  LEAK_PCT_PER_MINUTE: withDefault(
    number('percent of the memory limit a bad version leaks per minute', 0.01, 6_000),
    DEMO_DEFAULTS.leakPercentPerMinute,
  ),
  SEED: withDefault(number('seed of the simulation', 0, 2 ** 32 - 1, true), DEMO_DEFAULTS.seed),
});

export function loadDemoSettings(env: NodeJS.ProcessEnv = process.env): DemoSettings {
  const parsed = DemoEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '?');
        const raw = env[variable];
        return { variable, message: `${issue.message}${raw === undefined ? '' : `, got ${JSON.stringify(raw)}`}` };
      }),
    );
  }
  const e = parsed.data;
  return {
    // Only the two binds that make sense: loopback, or every interface in a container.
    host: env.HOST?.trim() === '0.0.0.0' ? '0.0.0.0' : '127.0.0.1',
    port: e.PORT,
    service: e.SERVICE,
    namespace: e.NAMESPACE,
    initialVersion: e.INITIAL_VERSION,
    badVersions: e.BAD_VERSIONS,
    requestsPerSecond: e.TRAFFIC_RPS,
    leakPercentPerMinute: e.LEAK_PCT_PER_MINUTE,
    seed: e.SEED,
  };
}
