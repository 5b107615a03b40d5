// npm run kestra:deploy: build the task bundles, upload them (and the demo scenarios)
// as namespace files of ai.devops.commander, then create-or-update every flow in
// flows/ with one API call. Idempotent: running it twice changes nothing the
// second time (Kestra keeps the same flow revision for an unchanged source).
// Kestra: KESTRA_URL, KESTRA_USERNAME, KESTRA_PASSWORD (README.md "Kestra").
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { UsageError, parseCommandArgs } from '../../src/cli/args.js';
import { createKestraClient } from '../../src/kestra/client.js';
import { missingLibraries, parseFlow, WATCHDOG_NAMESPACE } from '../../src/kestra/flow-model.js';
import { kestraSettings } from '../../src/kestra/settings.js';
import { buildTasks, requiredLibraries } from '../build.js';

const ROOT = resolve(import.meta.dirname, '../..');

export interface DeployReport {
  flows: Array<{ id: string; revision?: number }>;
  files: string[];
}

export async function deploy(
  opts: {
    env?: NodeJS.ProcessEnv;
    log?: (line: string) => void;
    /** where the task bundles are built before the upload (default dist/tasks; tests use their own) */
    bundlesDir?: string;
  } = {},
): Promise<DeployReport> {
  const log = opts.log ?? (() => {});
  const settings = kestraSettings(opts.env);
  const client = createKestraClient(settings);
  await client.reachable();

  // Parse every flow before uploading anything: a broken file stops the deploy whole.
  const flowFiles = (await readdir(join(ROOT, 'flows'))).filter((f) => /\.ya?ml$/.test(f)).sort();
  const flows = await Promise.all(flowFiles.map(async (f) => parseFlow(f.replace(/\.ya?ml$/, ''), await readFile(join(ROOT, 'flows', f), 'utf8'))));
  for (const flow of flows) {
    if (flow.id !== flow.name) throw new Error(`flows/${flow.name}.yml: id is "${flow.id}"; it must equal the file name`);
    // The namespace endpoint splits its body on every `---`, even inside a string.
    if (flow.source.includes('---')) throw new Error(`flows/${flow.name}.yml contains "---"; Kestra's bulk upload would split the flow there`);
    if (flow.namespace !== WATCHDOG_NAMESPACE) throw new Error(`flows/${flow.name}.yml: namespace is "${flow.namespace}", expected ${WATCHDOG_NAMESPACE}`);
  }

  const bundlesDir = resolve(opts.bundlesDir ?? join(ROOT, 'dist/tasks'));
  const bundles = await buildTasks(bundlesDir);
  // a flow task must include the libraries its bundle loads on some paths (scripts/build.ts)
  const required = (script: string) => {
    const bundle = join(bundlesDir, `${script}.cjs`);
    return existsSync(bundle) ? requiredLibraries(readFileSync(bundle, 'utf8')) : [];
  };
  const missing = flows.flatMap((f) => missingLibraries(f, required));
  if (missing.length > 0) throw new Error(missing.join('\n'));
  const files: string[] = [];
  for (const bundle of bundles) {
    // the tasks' bundles and the lazy libraries they require from lib/, as the flows include them
    const path = `/dist/tasks/${relative(bundlesDir, bundle)}`;
    await client.uploadNamespaceFile(WATCHDOG_NAMESPACE, path, await readFile(bundle));
    files.push(path);
    log(`uploaded ${path}`);
  }
  const scenarioDir = join(ROOT, 'mock-data/scenarios');
  for (const f of (await readdir(scenarioDir)).filter((n) => n.endsWith('.json')).sort()) {
    const path = `/mock-data/scenarios/${f}`;
    await client.uploadNamespaceFile(WATCHDOG_NAMESPACE, path, await readFile(join(scenarioDir, f)));
    files.push(path);
  }
  log(`uploaded ${files.length - bundles.length} demo scenarios under /mock-data/scenarios`);

  const saved = await client.upsertFlows(WATCHDOG_NAMESPACE, flows.map((f) => f.source));
  for (const flow of saved) log(`flow ${WATCHDOG_NAMESPACE}.${flow.id} revision ${flow.revision ?? '?'}`);
  return { flows: saved, files };
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  try {
    parseCommandArgs(process.argv.slice(2), {});
    await deploy({ log: (line) => process.stdout.write(`${line}\n`) });
  } catch (err) {
    process.stderr.write(`${err instanceof UsageError ? 'usage: npm run kestra:deploy\n' : ''}kestra:deploy failed: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
