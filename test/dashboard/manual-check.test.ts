// The manual check's form from the flow's typed inputs, and its validation (the
// same in the browser and on the server), on flows/devops-loop.yml's real inputs.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkFields, validateCheck } from '../../dashboard/lib/manual-check';
import { FlowSchema } from '../../dashboard/lib/kestra-schema';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const flow = FlowSchema.parse(parse(readFileSync('flows/devops-loop.yml', 'utf8')));
const fields = checkFields(flow.inputs ?? []);

describe('the manual-check form', () => {
  it('has one field per flow input, typed as the flow says, deployment first', () => {
    expect(fields.map((f) => f.id)).toEqual(['service', 'namespace', 'version', 'previous_version', 'deployed_at', 'deployment_id', 'scenario', 'require_approval', 'approval_below_confidence']);
    expect(fields.find((f) => f.id === 'require_approval')).toMatchObject({ kind: 'checkbox', defaultValue: false });
    expect(fields.find((f) => f.id === 'approval_below_confidence')).toMatchObject({ kind: 'number', defaultValue: '0.9', min: 0, max: 1 });
    expect(fields.find((f) => f.id === 'namespace')).toMatchObject({ kind: 'text', defaultValue: 'default' });
  });

  it('sends a valid deployment as Kestra multipart inputs, leaving empty optional fields to their defaults', () => {
    const r = validateCheck(
      { service: 'payment-service', namespace: 'prod', version: 'v2.5.0', previous_version: '', deployed_at: '2025-06-01T11:50:00Z', scenario: '', require_approval: true, approval_below_confidence: '0.8' },
      fields,
      NOW,
    );
    expect(r.errors).toEqual({});
    expect(r.inputs).toEqual({ service: 'payment-service', namespace: 'prod', version: 'v2.5.0', deployed_at: '2025-06-01T11:50:00Z', require_approval: 'true', approval_below_confidence: '0.8' });
    expect(validateCheck({ scenario: 'memory-leak-payment' }, fields, NOW)).toEqual({ inputs: { scenario: 'memory-leak-payment', require_approval: 'false' }, errors: {} });
  });

  it('says what is wrong with each field and what to do', () => {
    const r = validateCheck({ service: 'Payment_Service', version: 'v 1', deployed_at: '2025-06-01 11:50', approval_below_confidence: '1.5' }, fields, NOW);
    expect(r.errors).toEqual({
      service: "Service must be a Kubernetes name: lowercase letters, digits and '-', at most 63 characters (e.g. payment-service).",
      version: 'Version (image tag deployed) has characters it cannot contain (e.g. v2.5.0).',
      deployed_at: 'Deployment time (ISO 8601 with zone) must be an ISO 8601 time with its zone, e.g. 2025-06-01T10:50:00Z.',
      approval_below_confidence: 'Approval needed below confidence must be between 0 and 1.',
    });
    expect(validateCheck({}, fields, NOW).errors).toEqual({
      service: 'Service is required unless a demo scenario is given.',
      version: 'Version (image tag deployed) is required unless a demo scenario is given.',
    });
    expect(validateCheck({ service: 'a', version: 'v1', deployed_at: '2025-06-02T12:00:00Z' }, fields, NOW).errors.deployed_at).toContain('in the future');
  });
});
