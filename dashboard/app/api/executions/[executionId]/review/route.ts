// POST {"action": "approve" | "reject"}: Roll back now (resume) or Keep this
// deployment (kill) for a rollback paused at the approval gate. Signed-in users
// only, from the dashboard's own pages only.
import { guardAction } from '../../../../../lib/auth/guard';
import { reviewer } from '../../../../../lib/reviewer';

type Ctx = { params: Promise<{ executionId: string }> };

export async function POST(request: Request, { params }: Ctx) {
  const guard = guardAction(request);
  if ('refused' in guard) return guard.refused;
  const { executionId } = await params;
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    body = null;
  }
  const action = (body as { action?: unknown } | null)?.action;
  if (action !== 'approve' && action !== 'reject') {
    return Response.json({ ok: false, message: 'Nothing was done: the request must say {"action": "approve"} or {"action": "reject"}.' }, { status: 400 });
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(executionId)) return Response.json({ ok: false, message: 'Nothing was done: not an execution id.' }, { status: 400 });
  try {
    const outcome = await reviewer().review(executionId, action, guard.user);
    return Response.json(outcome, { status: outcome.status });
  } catch (err) {
    return Response.json({ ok: false, message: `Nothing was done: ${(err as Error).message}` }, { status: 500 });
  }
}
