// What this project needs to know about its Kestra flow files, read statically:
// identity (id, namespace), every task (nested ones in If/Switch/errors included),
// and the `outputs.<task>.vars.<key>` / `outputs.<task>.outputFiles['<file>']`
// expressions that wire tasks together. Pure: YAML text in, plain data out. The
// flow contract test checks those references against what the bundled scripts
// really emit, and kestra:deploy refuses a flow whose references dangle.
import { parse } from 'yaml';

export const WATCHDOG_NAMESPACE = 'ai.devops.commander';

export interface FlowTask {
  id: string;
  type: string;
  /** the task's YAML object as parsed */
  spec: Record<string, unknown>;
  /** the task bundles its commands run: `node dist/tasks/run.cjs dist/tasks/<name>.cjs` (or `node dist/tasks/<name>.cjs`) */
  scripts: string[];
  /** whether a command runs its bundle through dist/tasks/run.cjs */
  launcher: boolean;
}

export interface FlowFile {
  /** file name without .yml/.yaml */
  name: string;
  id: string;
  namespace: string;
  source: string;
  doc: Record<string, unknown>;
  tasks: FlowTask[];
}

export interface OutputReference {
  task: string;
  kind: 'vars' | 'outputFiles';
  key: string;
}

export class FlowFileError extends Error {}

const CHILD_LISTS = ['tasks', 'then', 'else', 'defaults', 'errors', 'finally'];

/** `node dist/tasks/run.cjs dist/tasks/<name>.cjs` (group 1: the launcher) or `node dist/tasks/<name>.cjs`. */
const TASK_COMMAND = /\bnode\s+(dist\/tasks\/run\.cjs\s+)?dist\/tasks\/([a-z0-9-]+)\.cjs\b/g;

function walkTasks(list: unknown, into: FlowTask[]): void {
  if (!Array.isArray(list)) return;
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const spec = item as Record<string, unknown>;
    const commands = Array.isArray(spec.commands) ? spec.commands.map(String) : [];
    const runs = commands.flatMap((c) => [...c.matchAll(TASK_COMMAND)]);
    const scripts = runs.map((m) => m[2]!);
    into.push({ id: String(spec.id), type: String(spec.type), spec, scripts, launcher: runs.some((m) => m[1] !== undefined) });
    for (const key of CHILD_LISTS) walkTasks(spec[key], into);
    if (spec.cases && typeof spec.cases === 'object') {
      for (const branch of Object.values(spec.cases as Record<string, unknown>)) walkTasks(branch, into);
    }
  }
}

/** Parses one flow file; names the file and what is missing when it is not a flow. */
export function parseFlow(name: string, source: string): FlowFile {
  let doc: unknown;
  try {
    doc = parse(source);
  } catch (err) {
    throw new FlowFileError(`${name}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object') throw new FlowFileError(`${name}: not a flow (expected a YAML mapping with id, namespace and tasks)`);
  const d = doc as Record<string, unknown>;
  for (const key of ['id', 'namespace', 'tasks']) {
    if (d[key] === undefined) throw new FlowFileError(`${name}: the flow has no \`${key}\``);
  }
  const tasks: FlowTask[] = [];
  walkTasks(d.tasks, tasks);
  walkTasks(d.errors, tasks);
  walkTasks(d.finally, tasks);
  return { name, id: String(d.id), namespace: String(d.namespace), source, doc: d, tasks };
}

/** Every `outputs.<task>.vars.<key>` and `outputs.<task>.outputFiles['<file>']` in a text. */
export function outputReferences(text: string): OutputReference[] {
  const refs = new Map<string, OutputReference>();
  for (const m of text.matchAll(/\boutputs\.([A-Za-z0-9_]+)\.vars\.([A-Za-z0-9_]+)/g)) {
    refs.set(`${m[1]}.vars.${m[2]}`, { task: m[1]!, kind: 'vars', key: m[2]! });
  }
  for (const m of text.matchAll(/\boutputs\.([A-Za-z0-9_]+)\.outputFiles\[['"]([^'"]+)['"]\]/g)) {
    refs.set(`${m[1]}.outputFiles.${m[2]}`, { task: m[1]!, kind: 'outputFiles', key: m[2]! });
  }
  return [...refs.values()];
}

/**
 * References that cannot resolve: to a task the flow does not have, or to an
 * output file the task does not list in its outputFiles. `emitted(script)` gives
 * the output keys a bundled script emits, when known; unknown scripts are not checked.
 */
export function danglingReferences(flow: FlowFile, emitted: (script: string) => ReadonlySet<string> | undefined): string[] {
  const byId = new Map(flow.tasks.map((t) => [t.id, t]));
  const problems: string[] = [];
  for (const ref of outputReferences(flow.source)) {
    const task = byId.get(ref.task);
    const at = `outputs.${ref.task}.${ref.kind}${ref.kind === 'vars' ? `.${ref.key}` : `['${ref.key}']`}`;
    if (!task) {
      problems.push(`${flow.name}: ${at}: the flow has no task \`${ref.task}\``);
      continue;
    }
    if (ref.kind === 'outputFiles') {
      const files = Array.isArray(task.spec.outputFiles) ? task.spec.outputFiles.map(String) : [];
      if (!files.includes(ref.key)) problems.push(`${flow.name}: ${at}: task \`${ref.task}\` does not list ${ref.key} in outputFiles`);
      continue;
    }
    if (task.scripts.length === 0) continue; // a core task (Labels, Log, ...): its outputs are Kestra's
    const keys = task.scripts.map(emitted);
    if (keys.some((k) => k === undefined)) continue;
    if (!keys.some((k) => k!.has(ref.key))) {
      problems.push(`${flow.name}: ${at}: ${task.scripts.map((s) => `dist/tasks/${s}.cjs`).join(', ')} never emits \`${ref.key}\``);
    }
  }
  return problems;
}

/** The `namespaceFiles.include` patterns of a task, as written. */
export function namespaceIncludes(task: FlowTask): string[] {
  const nsf = task.spec.namespaceFiles as { include?: unknown } | undefined;
  return Array.isArray(nsf?.include) ? nsf.include.map(String) : [];
}

/**
 * Files a task runs that it does not list in its namespaceFiles: the libraries its
 * bundle requires (`lib/<file>`, scripts/build.ts), on Kestra "Cannot find module
 * './lib/…'" on that path, and the launcher dist/tasks/run.cjs when its command uses it.
 * `required(script)` gives a bundle's libraries.
 */
export function missingLibraries(flow: FlowFile, required: (script: string) => readonly string[]): string[] {
  const problems: string[] = [];
  for (const task of flow.tasks) {
    const includes = new Set(namespaceIncludes(task));
    if (task.launcher && !includes.has('dist/tasks/run.cjs')) {
      problems.push(`${flow.name}: task \`${task.id}\` runs its bundle through dist/tasks/run.cjs: add dist/tasks/run.cjs to the task's namespaceFiles include`);
    }
    for (const script of task.scripts) {
      for (const lib of required(script)) {
        if (!includes.has(`dist/tasks/${lib}`)) {
          problems.push(`${flow.name}: task \`${task.id}\` runs dist/tasks/${script}.cjs, which loads dist/tasks/${lib} on some paths: add it to the task's namespaceFiles include`);
        }
      }
    }
  }
  return problems;
}

/**
 * Tasks that blank NODE_EXTRA_CA_CERTS (`env: {NODE_EXTRA_CA_CERTS: ""}`, which saves
 * Node 20 parsing its CA store at start-up) although their bundle may open a TLS
 * connection: behind a private CA that connection would fail. `mayOpenTls(script)`
 * tells from a bundle (scripts/build.ts).
 */
export function blankedCaWithTls(flow: FlowFile, mayOpenTls: (script: string) => boolean): string[] {
  return flow.tasks
    .filter((t) => (t.spec.env as Record<string, unknown> | undefined)?.NODE_EXTRA_CA_CERTS === '')
    .flatMap((t) =>
      t.scripts
        .filter(mayOpenTls)
        .map((s) => `${flow.name}: task \`${t.id}\` blanks NODE_EXTRA_CA_CERTS but dist/tasks/${s}.cjs may open TLS connections: remove the blank so a private CA is trusted`),
    );
}
