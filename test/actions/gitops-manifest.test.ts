import { describe, expect, it } from 'vitest';
import { InvalidImageTagError, parseImageReference, setImageTag } from '../../src/actions/gitops-manifest.js';

const MANIFEST = `# payment-service, managed by Argo CD
apiVersion: v1
kind: Service
metadata:
  name: payment-service
spec:
  selector:
    app: payment-service
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payment-service   # the service
  labels:
    app: payment-service
    image: not-an-image:1.0
spec:
  replicas: 3
  template:
    metadata:
      annotations:
        note: |
          image: registry.example.com/payment-service:in-a-block-scalar
    spec:
      initContainers:
        - name: migrate
          image: registry.example.com/payment-migrations:v2.4.1
      containers:
        - name: payment-service
          image: registry.example.com/shop/payment-service:v2.4.1 # bumped by CI
          ports:
            - containerPort: 8080
        - name: envoy
          image: envoyproxy/envoy:v1.30.1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: other-service
spec:
  template:
    spec:
      containers:
      - name: other-service
        image: registry.example.com/other-service:v9.9.9
`;

describe('parseImageReference', () => {
  it.each([
    ['nginx', { name: 'nginx' }],
    ['nginx:1.25', { name: 'nginx', tag: '1.25' }],
    ['host:5000/team/app', { name: 'host:5000/team/app' }],
    ['host:5000/team/app:v1', { name: 'host:5000/team/app', tag: 'v1' }],
    ['app@sha256:abc', { name: 'app', digest: 'sha256:abc' }],
    ['host:5000/app:v1@sha256:abc', { name: 'host:5000/app', tag: 'v1', digest: 'sha256:abc' }],
  ])('%s', (ref, expected) => {
    expect(parseImageReference(ref)).toEqual(expected);
  });
});

describe('setImageTag', () => {
  it("rewrites only the service's own container in its Deployment, keeping comments and format", () => {
    const out = setImageTag(MANIFEST, 'payment-service', 'v2.4.0');
    expect(out.changed).toBe(true);
    expect(out.images).toEqual(['registry.example.com/shop/payment-service:v2.4.0']);
    expect(out.text).toBe(
      MANIFEST.replace(
        'image: registry.example.com/shop/payment-service:v2.4.1 # bumped by CI',
        'image: registry.example.com/shop/payment-service:v2.4.0 # bumped by CI',
      ),
    );
  });

  it('leaves other Deployments, init containers, sidecars, labels and block scalars alone', () => {
    const out = setImageTag(MANIFEST, 'payment-service', 'v2.4.0');
    expect(out.text).toContain('image: registry.example.com/payment-migrations:v2.4.1');
    expect(out.text).toContain('image: envoyproxy/envoy:v1.30.1');
    expect(out.text).toContain('image: not-an-image:1.0');
    expect(out.text).toContain('payment-service:in-a-block-scalar');
    expect(out.text).toContain('image: registry.example.com/other-service:v9.9.9');
  });

  it('compact sequences (no indent before "-") are understood', () => {
    const out = setImageTag(MANIFEST, 'other-service', 'v9.9.8');
    expect(out.images).toEqual(['registry.example.com/other-service:v9.9.8']);
    expect(out.text).toContain('        image: registry.example.com/other-service:v9.9.8\n');
  });

  it('replaces a digest with the tag and keeps a registry port', () => {
    const yaml = [
      'kind: Deployment',
      'metadata:',
      '  name: api',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - image: "localhost:5000/api@sha256:0123456789abcdef"',
      '          name: api',
      '',
    ].join('\n');
    const out = setImageTag(yaml, 'api', 'v1.2.3');
    expect(out.changed).toBe(true);
    expect(out.images).toEqual(['localhost:5000/api:v1.2.3']);
    expect(out.text).toContain('        - image: "localhost:5000/api:v1.2.3"\n');
  });

  it('a single container named differently from the service is still the target; CRLF and single quotes kept', () => {
    const yaml = "kind: Deployment\r\nmetadata:\r\n  name: web\r\nspec:\r\n  template:\r\n    spec:\r\n      containers:\r\n        - name: main\r\n          image: 'host:5000/frontend:2.0.0' # pinned\r\n";
    const out = setImageTag(yaml, 'web', '1.9.0');
    expect(out.text).toBe(yaml.replace("'host:5000/frontend:2.0.0'", "'host:5000/frontend:1.9.0'"));
  });

  it('an image without a tag gets one; an image already at the tag is unchanged', () => {
    const yaml = 'kind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api\n';
    const once = setImageTag(yaml, 'api', 'v1');
    expect(once.text).toContain('image: api:v1\n');
    const twice = setImageTag(once.text, 'api', 'v1');
    expect(twice).toEqual({ text: once.text, changed: false, images: ['api:v1'] });
  });

  it('no Deployment of that name: unchanged, no images', () => {
    expect(setImageTag(MANIFEST, 'missing-service', 'v1')).toEqual({ text: MANIFEST, changed: false, images: [] });
  });

  it('refuses a tag an image reference cannot carry', () => {
    expect(() => setImageTag(MANIFEST, 'payment-service', 'v1 && rm -rf /')).toThrow(InvalidImageTagError);
    expect(() => setImageTag(MANIFEST, 'payment-service', '')).toThrow(InvalidImageTagError);
  });
});
