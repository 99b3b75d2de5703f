/**
 * The architecture of src/core, checked by test/unit/architecture.test.ts (and by
 * `npm run check:deps` for a report). src/core is one folder per concept; each group may import
 * only itself and the groups in the layers below it, never a sibling of its own layer, never the
 * files at src/core's top (spearlet-core.ts and health.ts compose the groups), and never the
 * edges (the gRPC server, the HTTP trigger, the CLI). Type-only imports count too: a type in the
 * wrong group pulls a reader up and down the same way.
 */

/** Lowest first. A group sees its own folder and every group of the layers before its own. */
const LAYERS = [['values'], ['runtime', 'admission'], ['tasks'], ['pool'], ['execution']];

const layerRules = LAYERS.flatMap((layer, index) =>
  layer.map((group) => {
    const allowed = [group, ...LAYERS.slice(0, index).flat()];
    return {
      name: `core-${group}-imports-down`,
      comment: `src/core/${group}/ may import only src/core/{${allowed.join(',')}}/ (the groups below it).`,
      severity: 'error',
      from: { path: `^src/core/${group}/` },
      to: { path: '^src/core/', pathNot: `^src/core/(${allowed.join('|')})/` },
    };
  }),
);

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'core-not-edges',
      comment: 'src/core is driven by the gRPC server, the HTTP trigger and the CLI; it never imports them.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/(server|http|cli)/' },
    },
    {
      name: 'core-no-cycles',
      comment: 'No import cycle leaves the group it starts in (through another group or outside src/core).',
      severity: 'error',
      from: { path: '^src/core/([^/]+)/' },
      to: { circular: true, via: { pathNot: '^src/core/$1/' } },
    },
    {
      name: 'resolvable',
      comment: 'Every relative import resolves, so the rules above see every edge.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true, pathNot: '^(node:|[a-z@])' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
