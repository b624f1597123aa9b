// Builds webapp/dist/main.js, the bundle Mattermost loads. Libraries the Mattermost webapp already provides are
// externals (its globals), so the plugin shares the host's React and Redux instead of bundling its own copies.
const path = require('node:path');

const externals = {
    react: 'React',
    'react-dom': 'ReactDOM',
    redux: 'Redux',
    'react-redux': 'ReactRedux',
    'react-intl': 'ReactIntl',
    'prop-types': 'PropTypes',
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
                use: {loader: 'swc-loader', options: {jsc: {parser: {syntax: 'typescript', tsx: true}, transform: {react: {runtime: 'classic'}}, target: 'es2020'}}},
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
});
