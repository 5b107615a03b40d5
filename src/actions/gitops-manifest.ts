// Setting a Deployment's container image tag in a GitOps manifest, at the text
// level: only the tag (or digest) of the matching `image:` values changes, every
// comment, quote style, indentation and line ending is kept. Pure.
//
// The YAML is not parsed into a tree (no YAML dependency, and a round trip would
// lose the formatting); a small line scanner tracks block-style keys and list
// items, which is how Kubernetes manifests are written. Flow-style mappings
// (`{ image: ... }`) are not rewritten.
//
// Which images change, in every `kind: Deployment` document whose
// `metadata.name` is the service:
//   - the `spec...containers[]` entries (never `initContainers`) whose `name` is
//     the service or whose image's last path segment is the service;
//   - when none matches that way and the Deployment has exactly one container,
//     that container (a service named differently from its image).
// Sidecars (e.g. `envoyproxy/envoy:v1.30`) are therefore left alone.

export interface SetImageTagResult {
  /** the manifest with the tag set (identical to the input when nothing changed) */
  text: string;
  /** true when at least one image reference was rewritten */
  changed: boolean;
  /** the resulting image reference of every matched container, in file order */
  images: string[];
}

export class InvalidImageTagError extends Error {}

/** OCI distribution spec: a tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export interface ImageReference {
  /** registry (with port) and path, without tag or digest */
  name: string;
  tag?: string;
  digest?: string;
}

/** `host:5000/team/app:1.2@sha256:…` → { name: 'host:5000/team/app', tag: '1.2', digest: 'sha256:…' }. */
export function parseImageReference(ref: string): ImageReference {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  // a colon before the last "/" is a registry port, not a tag
  if (colon > rest.lastIndexOf('/')) {
    return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), ...(digest ? { digest } : {}) };
  }
  return { name: rest, ...(digest ? { digest } : {}) };
}

/** The last path segment of an image name: `host:5000/team/app` → `app`. */
const baseName = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

interface Line {
  text: string;
  /** "\r" when the line ended in CRLF */
  eol: string;
}

interface StackEntry {
  indent: number;
  key: string;
  /** set on the marker of a list item */
  item?: number;
}

interface ImageSite {
  line: number;
  item: number;
  value: string;
}

interface Doc {
  kind?: string;
  name?: string;
  containerNames: Map<number, string>;
  images: ImageSite[];
}

// `  - name: value  # comment` → indent, dash, key, rest
const KEY_LINE = /^( *)(- +)?("[^"]*"|'[^']*'|[^\s#'"{}[\],:][^:#]*?)\s*:(?:\s+(.*)|)$/;
// the value part of an image line: optional quotes, then an optional comment
const IMAGE_VALUE = /^(\s*:\s*)("([^"]*)"|'([^']*)'|([^\s#]+))(.*)$/;

function scalar(raw: string | undefined): string {
  if (raw === undefined) return '';
  const v = raw.replace(/\s+#.*$/, '').trim();
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) return v.slice(1, -1);
  return v;
}

function unquoteKey(k: string): string {
  return k.startsWith('"') || k.startsWith("'") ? k.slice(1, -1) : k;
}

function scan(lines: Line[]): Doc[] {
  const docs: Doc[] = [];
  let doc: Doc = { containerNames: new Map(), images: [] };
  let stack: StackEntry[] = [];
  let items = 0;
  let blockScalarIndent: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.text;
    if (/^---(\s|$)/.test(text) || /^\.\.\.(\s|$)/.test(text)) {
      docs.push(doc);
      doc = { containerNames: new Map(), images: [] };
      stack = [];
      blockScalarIndent = null;
      continue;
    }
    const trimmed = text.trim();
    const indent = text.length - text.trimStart().length;
    if (blockScalarIndent !== null) {
      if (trimmed === '' || indent > blockScalarIndent) continue;
      blockScalarIndent = null;
    }
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = KEY_LINE.exec(text);
    if (!m) {
      // a plain list item (`- foo`) or a continuation line: it closes deeper keys
      const dash = /^( *)- /.exec(text);
      if (dash) while (stack.length && stack[stack.length - 1]!.indent > indent) stack.pop();
      continue;
    }
    const dash = m[2];
    const key = unquoteKey(m[3]!);
    const value = m[4];
    let keyIndent = indent;
    if (dash) {
      while (stack.length && stack[stack.length - 1]!.indent > indent) stack.pop();
      keyIndent = indent + dash.length;
      stack.push({ indent: indent + 0.5, key: '-', item: ++items });
    } else {
      while (stack.length && stack[stack.length - 1]!.indent >= keyIndent) stack.pop();
    }
    const path = stack.map((e) => e.key);
    const top = stack[stack.length - 1];
    if (path.length === 0 && key === 'kind') doc.kind = scalar(value);
    if (path.length === 1 && path[0] === 'metadata' && key === 'name') doc.name = scalar(value);
    const inContainer = top?.item !== undefined && path[path.length - 2] === 'containers';
    if (inContainer && key === 'name') doc.containerNames.set(top.item!, scalar(value));
    if (inContainer && key === 'image' && value !== undefined) doc.images.push({ line: i, item: top.item!, value: scalar(value) });
    stack.push({ indent: keyIndent, key });
    if (value !== undefined && /^[|>][-+0-9]*\s*(#.*)?$/.test(value.trim())) blockScalarIndent = keyIndent;
  }
  docs.push(doc);
  return docs;
}

/** Replace the image reference on one `image:` line, keeping quotes and comment. */
function rewriteImageLine(text: string, tag: string): { text: string; image: string } {
  const at = text.indexOf('image');
  const head = text.slice(0, at + 'image'.length);
  const m = IMAGE_VALUE.exec(text.slice(head.length));
  if (!m) return { text, image: '' };
  const [, sep, , dq, sq, plain, tail] = m;
  const old = dq ?? sq ?? plain ?? '';
  const ref = parseImageReference(old);
  const image = `${ref.name}:${tag}`;
  const quoted = dq !== undefined ? `"${image}"` : sq !== undefined ? `'${image}'` : image;
  return { text: `${head}${sep}${quoted}${tail}`, image };
}

/**
 * Set the image tag of `service`'s Deployment container(s) to `tag`. A digest
 * (`@sha256:…`) is replaced by the tag. Throws InvalidImageTagError for a tag an
 * image reference cannot carry.
 */
export function setImageTag(manifestYamlText: string, service: string, tag: string): SetImageTagResult {
  if (!TAG.test(tag)) throw new InvalidImageTagError(`"${tag}" is not a valid image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`);
  const lines: Line[] = manifestYamlText.split('\n').map((l) => (l.endsWith('\r') ? { text: l.slice(0, -1), eol: '\r' } : { text: l, eol: '' }));
  const images: string[] = [];
  let changed = false;
  for (const doc of scan(lines)) {
    if (doc.kind !== 'Deployment' || doc.name !== service) continue;
    const items = new Set(doc.images.map((s) => s.item));
    let targets = doc.images.filter(
      (s) => doc.containerNames.get(s.item) === service || baseName(parseImageReference(s.value).name) === service,
    );
    if (targets.length === 0 && items.size === 1) targets = doc.images;
    for (const site of targets) {
      const line = lines[site.line]!;
      const out = rewriteImageLine(line.text, tag);
      if (!out.image) continue;
      images.push(out.image);
      if (out.text !== line.text) {
        line.text = out.text;
        changed = true;
      }
    }
  }
  return {
    text: changed ? lines.map((l) => l.text + l.eol).join('\n') : manifestYamlText,
    changed,
    images,
  };
}
