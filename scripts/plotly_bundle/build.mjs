// Build the dashboard's plotly.js bundle (run by ../build_plotly_bundle.sh after `npm ci`).
// Same esbuild settings as plotly.js's own esbuild-config.js (iife, global Plotly, es2016), minified;
// the maplibre CSS that only map traces load is left out. Writes the bundle and a list of the
// packages inside it with their licences next to it.
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = '../../src/trust_minerals/web/static/vendor';
const plotly = JSON.parse(readFileSync('node_modules/plotly.js/package.json', 'utf8'));
const traces = ['scatter', 'bar', 'histogram', 'choropleth', 'sankey', 'sunburst'];
const result = await esbuild.build({
  entryPoints: ['entry.js'],
  outfile: `${out}/plotly-trust.min.js`,
  format: 'iife',
  globalName: 'Plotly',
  bundle: true,
  minify: true,
  sourcemap: false,
  define: { global: 'window', 'define.amd': 'false' },
  alias: { stream: 'stream-browserify' },
  loader: { '.css': 'empty' },
  target: 'es2016',
  legalComments: 'none',
  metafile: true,
  banner: {
    js: `/*! plotly.js v${plotly.version} (MIT licence, Copyright 2012-2026 Plotly, Inc.), custom bundle ` +
      `with the traces ${traces.join(', ')}; built by scripts/plotly_bundle; bundled packages and ` +
      `their licences: plotly-trust.THIRD_PARTY.txt */`,
  },
  logLevel: 'info',
});

// every npm package whose code is in the bundle, with its version and licence
const packages = new Map();
const inputs = result.metafile.outputs[`${out}/plotly-trust.min.js`].inputs;
for (const [file, info] of Object.entries(inputs)) {
  // the maplibre CSS is an empty stub (loader 'empty'): no code of that package is bundled
  if (info.bytesInOutput === 0 || file.endsWith('.css')) continue;
  const match = file.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  if (!match) continue;
  const meta = JSON.parse(readFileSync(join(match[1], 'package.json'), 'utf8'));
  packages.set(meta.name, `${meta.name} ${meta.version}: ${meta.license || 'see package'}`);
}
writeFileSync(
  `${out}/plotly-trust.THIRD_PARTY.txt`,
  'Packages bundled in plotly-trust.min.js (from package-lock.json via npm ci), name version: licence\n' +
    [...packages.values()].sort().join('\n') + '\n',
);
