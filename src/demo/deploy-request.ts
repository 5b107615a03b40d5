// The body of POST /deploy: {"version": "<image tag>"}. Validated with zod/mini;
// an invalid body gets one message that names the offending field.
import * as z from 'zod/mini';
// Configures zod/mini's English messages (see src/scenario/schema.ts).
import '../scenario/schema.js';

/** An OCI image tag: what a Deployment's image version can be. */
export const VERSION_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const VERSION_RULE = 'an image tag: letters, digits, "_", "." and "-", at most 128 characters, not starting with "." or "-"';

export const DeployRequestSchema = z.strictObject({
  version: z.string({ error: `expected a string, ${VERSION_RULE}` }).check(z.regex(VERSION_TAG, `expected ${VERSION_RULE}`)),
});

export type DeployRequest = z.infer<typeof DeployRequestSchema>;

export type DeployParse = { ok: true; request: DeployRequest } | { ok: false; message: string };

const EXAMPLE = '{"version": "v1.4.3"}';

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Parses and validates the raw request body. */
export function parseDeployRequest(body: string): DeployParse {
  if (!body.trim()) return { ok: false, message: `body: expected a JSON object like ${EXAMPLE}, got an empty body` };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { ok: false, message: `body: not valid JSON (${(err as Error).message}); expected ${EXAMPLE}` };
  }
  const parsed = DeployRequestSchema.safeParse(json);
  if (parsed.success) return { ok: true, request: parsed.data };
  const messages = parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `body: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; the only field is "version", e.g. ${EXAMPLE}`;
    }
    if (issue.path.length === 0) return `body: expected a JSON object like ${EXAMPLE}, got ${shown(json)}`;
    const field = issue.path.map(String).join('.');
    const value = (json as Record<string, unknown>)[String(issue.path[0])];
    if (value === undefined) return `field "${field}" is missing: ${issue.message.replace(/^expected a string, /, 'expected ')}`;
    return `field "${field}": ${issue.message}, got ${shown(value)}`;
  });
  return { ok: false, message: messages.join('; ') };
}
