// Builds webapp/dist/main.js, the bundle Mattermost loads. Libraries the Mattermost webapp already provides are
// externals (its globals), so the plugin shares the host's React and Redux instead of bundling its own copies.
const path = require('node:path');
const {CycloneDxWebpackPlugin} = require('@cyclonedx/webpack-plugin');

// The same map as Mattermost's webapp/platform/shared/build/webpack-web-app-externals.cjs (react-intl included, so
// FormattedMessage reads the host's IntlProvider). react/jsx-runtime is bundled (a few hundred bytes) and itself
// imports the external React.
const externals = {
    react: 'React',
    'react-dom': 'ReactDOM',
    redux: 'Redux',
    'react-redux': 'ReactRedux',
    'react-intl': 'ReactIntl',
    'prop-types': 'PropTypes',
    'react-bootstrap': 'ReactBootstrap',
    'react-router-dom': 'ReactRouterDom',
    luxon: 'Luxon',
};

module.exports = (_env, argv) => ({
    entry: path.join(__dirname, 'src/index.tsx'),
    mode: argv.mode ?? 'production',
    devtool: argv.mode === 'development' ? 'eval-source-map' : false,
    resolve: {extensions: ['.ts', '.tsx', '.js', '.json']},
    module: {
        rules: [
            {
                test: /\.[jt]sx?$/,
                exclude: /node_modules\/(?!@tripwire)/,
                use: {loader: 'swc-loader', options: {swcrc: false, module: {type: 'es6'}, jsc: {parser: {syntax: 'typescript', tsx: true}, transform: {react: {runtime: 'automatic'}}, target: 'es2020'}}},
            },
        ],
    },
    externals,
    output: {
        path: path.join(__dirname, 'dist'),
        filename: 'main.js',
        clean: true,
    },
    performance: {hints: false},
    // make dist builds the bundle's SBOM and third-party notices from this one: exactly the packages webpack put
    // into main.js, with their licence texts (collectEvidence), reproducible (no timestamp or random serial). Validation
    // needs ajv 8 at the top of node_modules, where eslint's ajv 6 is: the merged SBOM is checked instead.
    plugins: [new CycloneDxWebpackPlugin({specVersion: '1.6', reproducibleResults: true, validateResults: false, outputLocation: './cyclonedx', includeWellknown: false, collectEvidence: true})],
});
