// Import boundaries from ../shared/design/ARCHITECTURE.md §2, plus "no cycles anywhere".
// Each server folder lists the project folders it may import; npm packages are checked separately below.
const serverLayers = {
    lib: [],
    ports: ['lib'],
    // The adapter from @tripwire/sdk's client to the ports (see sdk-only-in-composition-root).
    platform: ['lib', 'ports'],
    config: ['lib', 'ports'],
    rules: ['lib', 'ports', 'config'],
    dispatch: ['lib', 'ports', 'config'],
    responses: ['lib', 'ports'],
    permissions: ['lib', 'ports', 'config'],
    // prom-client lives here alone; everything else emits through ports/metrics.
    metrics: ['lib', 'ports'],
    engine: ['lib', 'ports', 'config', 'rules', 'dispatch', 'responses', 'permissions'],
    http: ['lib', 'ports', 'config', 'rules', 'dispatch', 'responses', 'permissions', 'engine'],
    // The slash command is another face of the http layer's use cases (http/service), not of express.
    commands: ['lib', 'ports', 'config', 'rules', 'dispatch', 'responses', 'permissions', 'engine', 'http'],
};

const layerRules = Object.entries(serverLayers).map(([layer, allowed]) => ({
    name: `server-${layer}-imports`,
    comment: `server/src/${layer} may import only: ${['common', ...allowed].join(', ') || 'nothing'} (and itself)`,
    severity: 'error',
    from: {path: `^server/src/${layer}/`},
    to: {
        path: '^(server|webapp)/',
        pathNot: [`^server/src/${layer}/`, ...allowed.map((a) => `^server/src/${a}/`), '^server/src/manifest\\.ts$'],
    },
}));

module.exports = {
    forbidden: [
        {name: 'no-circular', severity: 'error', from: {}, to: {circular: true}},
        ...layerRules,
        {
            name: 'commands-use-http-services-only',
            comment: 'the slash command shares the REST API\'s use cases and errors (and its tests the test world), never its express routers',
            severity: 'error',
            from: {path: '^server/src/commands/'},
            to: {path: '^server/src/http/', pathNot: ['^server/src/http/(service/|testing/|errors\\.ts$)']},
        },
        {
            name: 'sdk-runtime-node-builtins-only',
            comment: 'the go-plugin runtime knows nothing of Mattermost and could be published alone: node built-ins only',
            severity: 'error',
            from: {path: '^sdk/src/runtime/'},
            to: {dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown']},
        },
        {
            name: 'sdk-runtime-not-mattermost',
            comment: 'the runtime sits below the Mattermost layer',
            severity: 'error',
            from: {path: '^sdk/src/runtime/'},
            to: {path: '^sdk/src/', pathNot: ['^sdk/src/runtime/']},
        },
        {
            name: 'sdk-not-tripwire',
            comment: '@tripwire/sdk is a package of its own (published to npm): it never imports Tripwire',
            severity: 'error',
            from: {path: '^sdk/'},
            to: {path: '^(server|common|webapp)/'},
        },
        {
            name: 'examples-use-the-sdk-only',
            comment: 'an example plugin is what any plugin author writes: @tripwire/sdk and node built-ins, nothing of Tripwire',
            severity: 'error',
            from: {path: '^examples/'},
            to: {path: '^(server|common|webapp)/'},
        },
        {
            name: 'sdk-only-in-composition-root',
            comment: 'the SDK (RPC transport and Mattermost client) is wired in main.ts and adapted in platform/; the domain sees ports',
            severity: 'error',
            from: {path: '^server/src/', pathNot: ['^server/src/main\\.ts$', '^server/src/platform/']},
            to: {path: '^sdk/'},
        },
        {
            name: 'express-only-in-http',
            comment: 'domain code knows nothing of express',
            severity: 'error',
            from: {path: '^server/src/', pathNot: ['^server/src/http/', '^server/src/main\\.ts$']},
            to: {path: 'node_modules/express/'},
        },
        {
            name: 'common-imports-zod-only',
            comment: 'common/ is shared with the browser: zod and itself only',
            severity: 'error',
            from: {path: '^common/src/'},
            to: {pathNot: ['^common/src/', 'node_modules/zod/']},
        },
        {
            name: 'webapp-not-server',
            severity: 'error',
            from: {path: '^webapp/'},
            to: {path: '^server/'},
        },
        {
            name: 'server-not-webapp',
            severity: 'error',
            from: {path: '^server/'},
            to: {path: '^webapp/'},
        },
    ],
    options: {
        doNotFollow: {path: 'node_modules'},
        exclude: {path: '(^|/)(dist|node_modules)/'},
        tsPreCompilationDeps: true,
        tsConfig: {fileName: 'tsconfig.json'},
        enhancedResolveOptions: {exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json']},
        reporterOptions: {text: {highlightFocused: true}},
    },
};
