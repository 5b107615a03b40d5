// Spawning the project's commands from tests: a scrubbed environment (no LLM key,
// no configuration leaking in from the developer's shell, training data in a temp
// dir), captured output, and a hard time limit so a hung child fails the test.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json and node_modules live). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** Every variable src/config/env.ts reads, plus the task inputs: none may leak in from the outer shell. */
const SCRUBBED = [
  'LLM_BASE_URL',
  'LLM_MODEL',
  'LLM_API_KEY',
  'TOGETHER_API_KEY',
  'LLM_TIMEOUT_MS',
  'LLM_MAX_RETRIES',
  'PROMETHEUS_URL',
  'BASELINE_WINDOW_MINUTES',
  'CANARY_WINDOW_MINUTES',
  'STEP_SECONDS',
  'JUDGE_ALPHA',
  'JUDGE_NOISE_SIGMAS',
  'JUDGE_MIN_SAMPLES',
  'JUDGE_GUARDRAILS',
  'JUDGE_MIN_ERROR_EVENTS',
  'JUDGE_LOG_NEW_ERRORS_MIN',
  'KUBE_CONTEXT',
  'KUBE_NAMESPACE',
  'GITHUB_REPOSITORY',
  'GITHUB_TOKEN',
  'GITHUB_API_URL',
  'TRAINING_DATA_DIR',
  'DRY_RUN',
  'LOG_LEVEL',
  'SCENARIO_FILE',
  'DECISION_FILE',
  'DEPLOYMENT_ID',
  'SERVICE',
  'NAMESPACE',
  'VERSION',
  'PREVIOUS_VERSION',
  'DEPLOYED_AT',
  'SOURCE',
  'SCENARIO',
  'MOCK_DATA_DIR',
  'OUTPUT_FILE',
  'PROMETHEUS_TIMEOUT_MS',
  'PROMQL_EXTRA',
  'LOKI_URL',
  'LOKI_SELECTOR',
  'LOG_MAX_LINES',
  'GITOPS_MANIFEST_PATH',
  'GITHUB_BASE_BRANCH',
  'PR_LABELS',
  'ROLLOUT_TIMEOUT_SECONDS',
  'KUBECONFIG',
  'KESTRA_URL',
  'KESTRA_USERNAME',
  'KESTRA_PASSWORD',
  'KESTRA_JAR',
  'KESTRA_HOME',
  'KESTRA_MAVEN_REPO',
  'WEBHOOK_KEY',
  'NODE_PATH',
  'NODE_OPTIONS',
];

/**
 * The parent's environment without any configuration variable, with
 * TRAINING_DATA_DIR set to `trainingDataDir`, then `overrides` (undefined deletes).
 */
export function commandEnv(
  trainingDataDir: string,
  overrides: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SCRUBBED) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith('PROMQL_')) delete env[name];
  env.TRAINING_DATA_DIR = trainingDataDir;
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stderr without npm's own notices (e.g. "npm warn Unknown user config"), which are not the command's */
  stderr: string;
  rawStderr: string;
}

/** npx prints its own warnings about the user's npmrc on stderr; they are not the command's output. */
export function withoutNpmNoise(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !/^npm (warn|notice|WARN)\b/.test(line))
    .join('\n');
}

export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr: withoutNpmNoise(stderr), rawStderr: stderr });
    });
  });
}

/** `npx tsx SCRIPT ARGS...` from the repository root: what `npm run --silent <script> --` runs. */
export function runTsx(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs?: number,
): Promise<CommandResult> {
  return runCommand('npx', ['tsx', script, ...args], { cwd: REPO_ROOT, env, ...(timeoutMs ? { timeoutMs } : {}) });
}

/** A fresh directory under os.tmpdir(); remove it with removeTempDir. */
export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `watchdog-${prefix}-`));
}

export async function removeTempDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}
