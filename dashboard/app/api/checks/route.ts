// POST the manual-check form's values (JSON): validated again here, then a new
// devops-loop execution through Kestra's API, labelled with who started it.
import { guardAction } from '../../../lib/auth/guard';
import { kestraClient, KestraError } from '../../../lib/kestra';
import { dashboardLog } from '../../../lib/log';
import { checkFields, validateCheck, type CheckValues } from '../../../lib/manual-check';

export async function POST(request: Request) {
  const guard = guardAction(request);
  if ('refused' in guard) return guard.refused;
  let values: CheckValues;
  try {
    const body = (await request.json()) as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
    values = body as CheckValues;
  } catch {
    return Response.json({ ok: false, message: 'Nothing was started: the request must be a JSON object of the form fields.' }, { status: 400 });
  }
  try {
    const client = kestraClient();
    const fields = checkFields(await client.getFlowInputs());
    const { inputs, errors } = validateCheck(values, fields, Date.now());
    if (Object.keys(errors).length > 0) return Response.json({ ok: false, message: 'Nothing was started: some fields need fixing.', errors }, { status: 422 });
    const execution = await client.createExecution(inputs, { triggered_by: guard.user });
    dashboardLog.info({ event: 'manual_check', executionId: execution.id, user: guard.user, service: inputs.service, scenario: inputs.scenario }, 'manual check started');
    return Response.json({ ok: true, executionId: execution.id, message: `Check started: execution ${execution.id}.` });
  } catch (err) {
    const message = err instanceof KestraError ? err.problem.message : (err as Error).message;
    dashboardLog.error({ event: 'manual_check_failed', user: guard.user, err: message }, 'manual check not started');
    return Response.json({ ok: false, message: `Nothing was started: ${message}` }, { status: err instanceof KestraError && err.problem.kind === 'rejected' ? 422 : 502 });
  }
}
