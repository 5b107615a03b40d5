// Next.js configuration of the dashboard. The repository root holds the one
// package.json and node_modules; `next build dashboard` runs from there.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm test` type-checks the dashboard (tsc -p dashboard); the build need not again
  typescript: { ignoreBuildErrors: true },
  turbopack: { root: resolve(here, '..') },
  outputFileTracingRoot: resolve(here, '..'),
};

export default nextConfig;
