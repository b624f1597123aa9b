'use strict';
// The main script of the linux-amd64 executable (scripts/dist.mjs). It runs the server script, stored beside it as a
// SEA asset, with V8's code cache of everything start-up compiles: the cache Node's own useCodeCache makes is taken
// before the script runs and so holds only its top level, while nearly all of the plugin is in functions (esbuild's
// lazy module wrappers) compiled as start-up calls them. scripts/lib/sea_code_cache.cjs takes this cache after the
// modules have loaded. A cache V8 rejects (another V8 build, other flags) only costs the compile it would have saved.
const {getAsset} = require('node:sea');
const {Script} = require('node:vm');

const script = new Script(getAsset('server.js', 'utf8'), {filename: 'server.js', cachedData: Buffer.from(getAsset('server.js.cache'))});
if (script.cachedDataRejected) process.stderr.write('Tripwire: V8 rejected the code cache of server.js; start-up compiles it instead\n');
script.runInThisContext()(exports, require, module, __filename, __dirname);
