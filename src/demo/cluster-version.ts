// The demo service runs the version the cluster runs: this watch reads the image tag
// of a Deployment's pod template with kubectl (every intervalMs) and, when it changes,
// hands the new version to `deploy` (the stack POSTs it to the demo's /deploy, as a CD
// system would). So a real `kubectl rollout undo` on the local cluster switches the
// demo service back to the good version's behaviour.
import type { KubectlRunner } from '../actions/rollback.js';
import { imageTag, kubectlMessage } from '../actions/rollback.js';

/** The one tag every image carries, or undefined (no image, no tag, or tags that differ). */
export function versionOfImages(images: string[]): string | undefined {
  const tags = new Set(images.map(imageTag));
  if (images.length === 0 || tags.size !== 1) return undefined;
  return [...tags][0];
}

export interface ClusterVersionOptions {
  kubectl: KubectlRunner;
  namespace: string;
  deployment: string;
  /** called with each new version (and the images), one call at a time */
  deploy: (version: string, images: string[]) => Promise<void>;
  /** a failed read or deploy, with the reason; the watch goes on */
  onError?: (message: string) => void;
  intervalMs?: number;
}

export interface ClusterVersionWatch {
  /** the version last handed to deploy */
  readonly version: string | undefined;
  /** one read now (also what each interval does) */
  check(): Promise<void>;
  stop(): void;
}

export function watchClusterVersion(o: ClusterVersionOptions): ClusterVersionWatch {
  let version: string | undefined;
  let running: Promise<void> | undefined;
  const once = async () => {
    const out = await o.kubectl(['-n', o.namespace, 'get', `deployment/${o.deployment}`, '-o', 'jsonpath={.spec.template.spec.containers[*].image}']);
    if (out.code !== 0) return o.onError?.(`reading deployment/${o.deployment} in ${o.namespace}: ${kubectlMessage(out)}`);
    const images = out.stdout.trim().split(/\s+/).filter(Boolean);
    const next = versionOfImages(images);
    if (!next) return o.onError?.(`deployment/${o.deployment} in ${o.namespace} runs ${images.join(' ') || 'no image'}: not one tagged version`);
    if (next === version) return;
    try {
      await o.deploy(next, images);
      version = next;
    } catch (err) {
      o.onError?.(`deploying ${next} to the demo service: ${(err as Error).message}`);
    }
  };
  const check = () => (running ??= once().finally(() => (running = undefined)));
  const timer = setInterval(() => void check(), o.intervalMs ?? 2000);
  timer.unref();
  return {
    get version() {
      return version;
    },
    check,
    stop: () => clearInterval(timer),
  };
}
