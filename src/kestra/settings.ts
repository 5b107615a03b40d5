// Where Kestra is and how to reach it, for the scripts (kestra:up/deploy/down, trigger)
// and documented in README.md "Kestra". Validated once, here.
import * as z from 'zod/mini';

export interface KestraSettings {
  url: string;
  username: string;
  password: string;
  /** the webhook trigger's key (the WEBHOOK_KEY secret the flow reads) */
  webhookKey: string;
  namespace: string;
}

/** Defaults for a local stack only; production sets its own. */
export const KESTRA_DEFAULTS = {
  url: 'http://127.0.0.1:8080',
  username: 'admin@kestra.io',
  password: 'Watchdog-local-1',
  webhookKey: 'watchdog-local-webhook-key',
  namespace: 'ai.devops.commander',
} as const;

const Schema = z.object({
  KESTRA_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. http://127.0.0.1:8080' }),
  KESTRA_USERNAME: z.email({ error: 'expected an e-mail address (Kestra basic-auth users are e-mails)' }),
  // Kestra requires 8+ characters with an upper-case letter and a digit.
  KESTRA_PASSWORD: z.string().check(
    z.minLength(8, 'expected at least 8 characters'),
    z.regex(/[A-Z]/, 'expected at least one upper-case letter'),
    z.regex(/[0-9]/, 'expected at least one digit'),
  ),
  WEBHOOK_KEY: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,}$/, 'expected 8+ letters, digits, - or _')),
});

export class KestraSettingsError extends Error {}

export function kestraSettings(env: NodeJS.ProcessEnv = process.env): KestraSettings {
  const pick = (name: string, fallback: string) => (env[name]?.trim() ? env[name]!.trim() : fallback);
  const raw = {
    KESTRA_URL: pick('KESTRA_URL', KESTRA_DEFAULTS.url),
    KESTRA_USERNAME: pick('KESTRA_USERNAME', KESTRA_DEFAULTS.username),
    KESTRA_PASSWORD: pick('KESTRA_PASSWORD', KESTRA_DEFAULTS.password),
    WEBHOOK_KEY: pick('WEBHOOK_KEY', KESTRA_DEFAULTS.webhookKey),
  };
  const parsed = Schema.safeParse(raw);
  if (!parsed.success) {
    const secret = new Set(['KESTRA_PASSWORD', 'WEBHOOK_KEY']);
    const problems = parsed.error.issues.map((i) => {
      const name = String(i.path[0]);
      const shown = secret.has(name) ? '' : ` (got "${raw[name as keyof typeof raw]}")`;
      return `${name}: ${i.message}${shown}`;
    });
    throw new KestraSettingsError(`invalid Kestra settings: ${problems.join('; ')}`);
  }
  const d = parsed.data;
  return {
    url: d.KESTRA_URL.replace(/\/+$/, ''),
    username: d.KESTRA_USERNAME,
    password: d.KESTRA_PASSWORD,
    webhookKey: d.WEBHOOK_KEY,
    namespace: KESTRA_DEFAULTS.namespace,
  };
}
