import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ManualCheckForm } from '../../../components/ManualCheckForm';
import { StatusBanner } from '../../../components/StatusBanner';
import { kestraClient, KestraError, type Problem } from '../../../lib/kestra';
import { checkFields, type CheckField } from '../../../lib/manual-check';

export const dynamic = 'force-dynamic';

/** The demo scenarios in this checkout (mock-data/scenarios), offered as suggestions; none outside a checkout. */
async function demoScenarios(): Promise<string[]> {
  try {
    const names = await readdir(join(process.cwd(), 'mock-data/scenarios'));
    return names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).sort();
  } catch {
    return [];
  }
}

/** Check a deployment by hand: the flow's typed inputs, read from Kestra, as a form. */
export default async function NewCheckPage() {
  let fields: CheckField[] = [];
  let problem: Problem | null = null;
  try {
    fields = checkFields(await kestraClient().getFlowInputs());
  } catch (err) {
    problem = err instanceof KestraError ? err.problem : { kind: 'config', message: (err as Error).message };
  }
  return (
    <>
      <h1>Check a deployment</h1>
      <p className="muted">
        Starts the devops-loop flow in Kestra with these inputs, as a manual run in Kestra&apos;s UI does. Give the deployment (service and version),
        or a demo scenario alone.
      </p>
      {problem ? <StatusBanner problem={problem} staleSince={null} /> : null}
      {fields.length > 0 ? <ManualCheckForm fields={fields} scenarios={await demoScenarios()} /> : null}
    </>
  );
}
