// Not a task of its own: the launcher the flows run every task through,
// `node dist/tasks/run.cjs dist/tasks/<task>.cjs`, which runs the task's bundle with
// V8's code cache (src/task-io/code-cache.ts). The bundles stay plain: each still runs
// with `node dist/tasks/<task>.cjs`.
import { runBundle } from '../src/task-io/code-cache.js';

runBundle();
