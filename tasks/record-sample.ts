// Kestra task: record the reward-pending training sample for one deployment.
//
// Inputs (environment):
//   DECISION_FILE      the decide task's full record (decision.json)
//   DEPLOYMENT_ID, SERVICE, NAMESPACE, VERSION, PREVIOUS_VERSION  the deployment
//   TRAINING_DATA_DIR  where samples.jsonl lives (default training-data)
// Outputs (Kestra): sample_status (recorded | duplicate), sample_file.
// Idempotent by deployment_id: a re-delivered webhook records nothing new.
// Synchronous fs: a task is one short process, and node:fs/promises would load
// readline and the streams at start-up (~1 ms per task).
import { readFileSync } from 'node:fs';
import Kestra from '../src/task-io/kestra.js';
import { configOrExit } from '../src/config/env.js';
import type { DecisionRecord } from '../src/decision/types.js';
import { createLogger, forDeployment } from '../src/log.js';
import { readDeploymentEnv } from '../src/task-io/deployment-env.js';
import { buildSample } from '../src/training/sample.js';
import { recordSample } from '../src/training/store.js';

async function main(): Promise<void> {
  const config = configOrExit(process.env, ['trainingDataDir']);
  const { deployment } = readDeploymentEnv();
  const file = process.env.DECISION_FILE || 'decision.json';
  let record: DecisionRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as DecisionRecord;
  } catch (err) {
    throw new Error(`cannot read the decision record ${file} (${(err as Error).message}); run the decide task first`);
  }
  if (record.decision !== 'ROLLBACK' && record.decision !== 'CONTINUE') {
    throw new Error(`${file} is not a decision record (no ROLLBACK/CONTINUE decision)`);
  }
  const outcome = await recordSample(config.trainingDataDir, buildSample(deployment, record, new Date()));
  forDeployment(createLogger({ level: config.logLevel, fd: 1 }), deployment.deployment_id).info(
    { event: 'sample', status: outcome.status, file: outcome.file },
    'training sample',
  );
  Kestra.outputs({ sample_status: outcome.status, sample_file: outcome.file });
}

main().catch((err) => {
  process.stderr.write(`record-sample failed: ${(err as Error).message}\n`);
  process.exit(1);
});
