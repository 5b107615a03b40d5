// Reading scenario files: every error names the file and the JSON path at fault.
// Synchronous fs: node:fs/promises costs a bundled task ~1 ms of start-up (it loads
// readline and the streams); reading one small file does not need it.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as z from 'zod/mini';
import { ScenarioSchema, type Scenario } from './schema.js';

export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ScenarioError';
  }
}

/** `$.metrics.error_rate.baseline[3]` from a zod issue path. */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

export function formatIssues(error: z.core.$ZodError): string {
  return error.issues.map((issue) => `${jsonPath(issue.path)}: ${issue.message}`).join('; ');
}

export interface LoadOptions {
  /** the namespace of a deployment that names none (KUBE_NAMESPACE); the format's default is "default" */
  defaultNamespace?: string;
}

function withDefaultNamespace(value: unknown, namespace: string | undefined): unknown {
  if (!namespace || typeof value !== 'object' || value === null) return value;
  const deployment = (value as { deployment?: unknown }).deployment;
  if (typeof deployment !== 'object' || deployment === null || 'namespace' in deployment) return value;
  return { ...value, deployment: { ...deployment, namespace } };
}

/** Validates an already-parsed JSON value; `file` only labels the error. */
export function parseScenario(value: unknown, file: string, options: LoadOptions = {}): Scenario {
  const result = ScenarioSchema.safeParse(withDefaultNamespace(value, options.defaultNamespace));
  if (!result.success) throw new ScenarioError(file, formatIssues(result.error));
  return result.data;
}

export function parseScenarioText(text: string, file: string, options: LoadOptions = {}): Scenario {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(file, `not valid JSON (${(err as Error).message})`);
  }
  return parseScenario(value, file, options);
}

export async function loadScenarioFile(file: string, options: LoadOptions = {}): Promise<Scenario> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(file, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseScenarioText(text, file, options);
}

/**
 * Expands the command-line paths: a file stays as it is, a directory gives every
 * `*.json` below it (recursively, sorted so output order is stable).
 */
export async function expandScenarioPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let info;
    try {
      info = statSync(p);
    } catch {
      out.push(p); // reported as unreadable by loadScenarioFile
      continue;
    }
    if (info.isDirectory()) out.push(...(await jsonFilesBelow(p)));
    else out.push(p);
  }
  return out;
}

async function jsonFilesBelow(dir: string): Promise<string[]> {
  const entries = readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await jsonFilesBelow(full)));
    else if (entry.isFile() && entry.name.endsWith('.json')) files.push(full);
  }
  return files;
}
