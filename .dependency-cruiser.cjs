// Import boundaries from ../shared/design/ARCHITECTURE.md §2, plus "no cycles anywhere".
// Each server folder lists the project folders it may import; npm packages are checked separately below.
const serverLayers = {
    lib: [],
    runtime: [],
    ports: ['lib'],
    config: ['lib', 'ports'],
    rules: ['lib', 'ports', 'config'],
    dispatch: ['lib', 'ports', 'config'],
    responses: ['lib', 'ports'],
    permissions: ['lib', 'ports', 'config'],
    // prom-client lives here alone; everything else emits through ports/metrics.
    metrics: ['lib', 'ports'],
    engine: ['lib', 'ports', 'config', 'rules', 'dispatch', 'responses', 'permissions'],
    mattermost: ['lib', 'ports', 'runtime'],
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
            name: 'runtime-node-builtins-only',
            comment: 'the go-plugin runtime could be published alone: node built-ins only',
            severity: 'error',
            from: {path: '^server/src/runtime/'},
            to: {dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown']},
        },
        {
            name: 'runtime-only-in-mattermost',
            comment: 'the RPC transport lives behind server/src/mattermost; only it and main.ts may import it',
            severity: 'error',
            from: {path: '^server/src/', pathNot: ['^server/src/(runtime|mattermost)/', '^server/src/main\\.ts$']},
            to: {path: '^server/src/runtime/'},
        },
        {
            name: 'express-only-in-http',
            comment: 'domain code knows nothing of express',
            severity: 'error',
            from: {path: '^server/src/', pathNot: ['^server/src/(http|mattermost)/', '^server/src/main\\.ts$']},
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
