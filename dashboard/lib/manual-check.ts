// The "check a deployment by hand" form: its fields from the flow's typed inputs
// (GET /flows/{namespace}/{id}), and the validation run in the browser before
// sending and again on the server before Kestra is asked. Pure (no Node, no DOM).
import type { FlowInput } from './kestra-schema';

export type FieldKind = 'text' | 'checkbox' | 'number';

export interface CheckField {
  id: string;
  type: string;
  kind: FieldKind;
  label: string;
  required: boolean;
  /** the flow's default, as the form shows it */
  defaultValue: string | boolean;
  description: string;
  placeholder?: string;
  /** browser-side constraints (the same rules run in validateCheck) */
  pattern?: string;
  min?: number;
  max?: number;
  step?: string;
}

const DNS_LABEL = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
const IMAGE_TAG = '[A-Za-z0-9_][A-Za-z0-9._-]{0,127}';

/** What the form knows beyond the flow's types: labels, placeholders, the rules Kubernetes and the flow apply. */
const KNOWN: Record<string, Partial<CheckField>> = {
  service: { label: 'Service', placeholder: 'payment-service', pattern: DNS_LABEL },
  namespace: { label: 'Kubernetes namespace', placeholder: 'default', pattern: DNS_LABEL },
  version: { label: 'Version (image tag deployed)', placeholder: 'v2.5.0', pattern: IMAGE_TAG },
  previous_version: { label: 'Previous version (rollback target)', placeholder: 'v2.4.0', pattern: IMAGE_TAG },
  deployed_at: { label: 'Deployment time (ISO 8601 with zone)', placeholder: '2025-06-01T10:50:00Z' },
  deployment_id: { label: 'Deployment id', placeholder: 'optional: generated when empty', pattern: '[A-Za-z0-9._:-]{1,128}' },
  scenario: { label: 'Demo scenario (optional)', placeholder: 'memory-leak-payment', pattern: '[a-z0-9][a-z0-9-]{0,99}' },
  require_approval: { label: 'Require approval before a rollback' },
  approval_below_confidence: { label: 'Approval needed below confidence', min: 0, max: 1, step: '0.01' },
};

/** Form order: the deployment first, the demo scenario, then the approval options. */
const ORDER = ['service', 'namespace', 'version', 'previous_version', 'deployed_at', 'deployment_id', 'scenario', 'require_approval', 'approval_below_confidence'];

export function checkFields(inputs: readonly FlowInput[]): CheckField[] {
  const rank = (id: string) => (ORDER.includes(id) ? ORDER.indexOf(id) : ORDER.length);
  return [...inputs]
    .sort((a, b) => rank(a.id) - rank(b.id))
    .map((input) => {
      const type = input.type.toUpperCase();
      const kind: FieldKind = type === 'BOOL' || type === 'BOOLEAN' ? 'checkbox' : type === 'FLOAT' || type === 'INT' ? 'number' : 'text';
      const d = input.defaults;
      const defaultValue = kind === 'checkbox' ? d === true || d === 'true' : d === undefined || d === null ? '' : String(d);
      return {
        id: input.id,
        type,
        kind,
        label: input.id,
        required: input.required === true && d === undefined,
        defaultValue,
        description: input.description ?? '',
        ...(type === 'INT' ? { step: '1' } : type === 'FLOAT' ? { step: 'any' } : {}),
        ...KNOWN[input.id],
      };
    });
}

export type CheckValues = Record<string, string | boolean | undefined>;

export interface CheckValidation {
  /** the inputs as Kestra's multipart form takes them (empty optional fields left out) */
  inputs: Record<string, string>;
  /** field id -> what is wrong and what to do */
  errors: Record<string, string>;
}

const ZONED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function validateCheck(values: CheckValues, fields: readonly CheckField[], now: number): CheckValidation {
  const inputs: Record<string, string> = {};
  const errors: Record<string, string> = {};
  const text = (id: string) => {
    const v = values[id];
    return typeof v === 'string' ? v.trim() : '';
  };
  for (const f of fields) {
    const raw = values[f.id];
    if (f.kind === 'checkbox') {
      inputs[f.id] = raw === true || raw === 'true' || raw === 'on' ? 'true' : 'false';
      continue;
    }
    const v = text(f.id);
    if (v === '') {
      if (f.required) errors[f.id] = `${f.label} is required.`;
      continue;
    }
    if (v.length > 500) {
      errors[f.id] = `${f.label} is too long (at most 500 characters).`;
      continue;
    }
    if (f.kind === 'number') {
      const n = Number(v);
      if (!Number.isFinite(n) || (f.type === 'INT' && !Number.isInteger(n))) errors[f.id] = `${f.label} must be a ${f.type === 'INT' ? 'whole ' : ''}number.`;
      else if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) errors[f.id] = `${f.label} must be between ${f.min ?? '-∞'} and ${f.max ?? '∞'}.`;
      else inputs[f.id] = String(n);
      continue;
    }
    if (f.pattern && !new RegExp(`^(?:${f.pattern})$`).test(v)) {
      errors[f.id] =
        f.id === 'service' || f.id === 'namespace'
          ? `${f.label} must be a Kubernetes name: lowercase letters, digits and '-', at most 63 characters (e.g. ${f.placeholder}).`
          : `${f.label} has characters it cannot contain (e.g. ${f.placeholder}).`;
      continue;
    }
    if (f.id === 'deployed_at') {
      const t = Date.parse(v);
      if (!ZONED_ISO.test(v) || Number.isNaN(t)) {
        errors[f.id] = `${f.label} must be an ISO 8601 time with its zone, e.g. 2025-06-01T10:50:00Z.`;
        continue;
      }
      if (t > now + 5 * 60_000) {
        errors[f.id] = `${f.label} is in the future: the watchdog judges a deployment that already happened.`;
        continue;
      }
    }
    inputs[f.id] = v;
  }
  // the flow's own rule (its check_deployment task): a real deployment needs a service and a version
  const has = (id: string) => fields.some((f) => f.id === id);
  if (text('scenario') === '') {
    for (const id of ['service', 'version']) {
      if (has(id) && text(id) === '' && !errors[id]) errors[id] = `${KNOWN[id]?.label ?? id} is required unless a demo scenario is given.`;
    }
  }
  return { inputs, errors };
}
