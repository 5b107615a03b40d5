'use client';
// The manual check's form: validated here before sending (the same rules as the
// server's), each problem next to its field and the first invalid field focused;
// on success the new execution's page opens.
import { useRouter } from 'next/navigation';
import { useRef, useState, type FormEvent } from 'react';
import { validateCheck, type CheckField, type CheckValues } from '../lib/manual-check';

export function ManualCheckForm({ fields, scenarios }: { fields: CheckField[]; scenarios: string[] }) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const focusFirst = (errs: Record<string, string>) => {
    const first = fields.find((f) => errs[f.id]);
    if (first) document.getElementById(`check-${first.id}`)?.focus();
  };

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy || !form.current) return;
    const data = new FormData(form.current);
    const values: CheckValues = {};
    for (const f of fields) values[f.id] = f.kind === 'checkbox' ? data.get(f.id) === 'on' : String(data.get(f.id) ?? '');
    const { errors: errs } = validateCheck(values, fields, Date.now());
    setErrors(errs);
    if (Object.keys(errs).length > 0) {
      setMessage({ ok: false, text: `Not sent: ${Object.keys(errs).length} field(s) need fixing.` });
      focusFirst(errs);
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const res = await fetch('/api/checks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) });
      const body = (await res.json().catch(() => ({}))) as { ok?: boolean; message?: string; executionId?: string; errors?: Record<string, string> };
      if (res.ok && body.ok && body.executionId) {
        setMessage({ ok: true, text: body.message ?? 'Check started.' });
        router.push(`/deployments/${encodeURIComponent(body.executionId)}`);
        return;
      }
      if (body.errors) {
        setErrors(body.errors);
        focusFirst(body.errors);
      }
      setMessage({ ok: false, text: body.message ?? `The dashboard answered HTTP ${res.status}.` });
    } catch (err) {
      setMessage({ ok: false, text: `The dashboard did not answer (${(err as Error).message}); nothing was started.` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} className="check-form" onSubmit={submit} noValidate aria-describedby="check-message">
      {fields.map((f) => {
        const id = `check-${f.id}`;
        const err = errors[f.id];
        const describedBy = [f.description ? `${id}-help` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
        return (
          <div key={f.id} className={`field field-${f.kind}`} data-field={f.id}>
            {f.kind === 'checkbox' ? (
              <label htmlFor={id} className="checkbox-label">
                <input id={id} name={f.id} type="checkbox" defaultChecked={f.defaultValue === true} aria-describedby={describedBy} /> {f.label}
              </label>
            ) : (
              <>
                <label htmlFor={id}>
                  {f.label}
                  {f.required ? ' (required)' : ''}
                </label>
                <input
                  id={id}
                  name={f.id}
                  type={f.kind === 'number' ? 'number' : 'text'}
                  defaultValue={typeof f.defaultValue === 'string' ? f.defaultValue : ''}
                  placeholder={f.placeholder}
                  pattern={f.pattern}
                  min={f.min}
                  max={f.max}
                  step={f.step}
                  list={f.id === 'scenario' && scenarios.length > 0 ? 'check-scenarios' : undefined}
                  aria-invalid={err ? true : undefined}
                  aria-describedby={describedBy}
                  autoComplete="off"
                  spellCheck={false}
                />
              </>
            )}
            {f.description ? (
              <span id={`${id}-help`} className="help">
                {f.description}
              </span>
            ) : null}
            {err ? (
              <span id={`${id}-error`} className="field-error" data-error-for={f.id}>
                {err}
              </span>
            ) : null}
          </div>
        );
      })}
      {scenarios.length > 0 ? (
        <datalist id="check-scenarios">
          {scenarios.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      ) : null}
      <div className="approval-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Starting…' : 'Start the check'}
        </button>
      </div>
      <p id="check-message" role={message?.ok ? 'status' : 'alert'} className={message ? (message.ok ? 'answer answer-ok' : 'answer answer-refused') : undefined}>
        {message?.text ?? ''}
      </p>
    </form>
  );
}
