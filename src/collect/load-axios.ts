// axios (with follow-redirects, proxy agents and the rest of its Node adapter) is
// loaded on first use, not at import: the Kestra task bundles include it, but only
// the Prometheus and Loki paths need it, so SOURCE=mock and `kubectl logs` runs do
// not pay its start-up (esbuild keeps a dynamic import in the bundle, initialised lazily).
import type { AxiosStatic } from 'axios';

let loading: Promise<AxiosStatic> | undefined;

export function loadAxios(): Promise<AxiosStatic> {
  loading ??= import('axios').then((m) => m.default);
  return loading;
}
