'use strict';
// make dist: V8's code cache of the server script as the plugin's start-up leaves it (see sea_loader.cjs).
//   node <the executable's V8 flags> --predictable sea_code_cache.cjs <server.js> <cache out> [--top-level]
// Run by the pinned Node of the executable, with its V8 flags: V8 accepts a cache only from the same build and flags.
// --predictable fixes V8's per-process random seeds, which would otherwise make the cache differ from build to build.
// The script is the server bundle wrapped as a CommonJS function (dist.mjs); with TRIPWIRE_PREPARE_CODE_CACHE=1 it
// loads the modules activation loads and stops (server/src/main.ts), and the cache is taken once nothing is left to
// run. It holds the bytecode of every function compiled until then. --top-level takes it before running the script
// (what Node's useCodeCache holds), for entry points other than main.ts, which know no such preparation.
const {readFileSync, writeFileSync} = require('node:fs');
const {Script} = require('node:vm');

const [source, out, mode] = process.argv.slice(2);
const script = new Script(readFileSync(source, 'utf8'), {filename: 'server.js'});
if (mode === '--top-level') {
    writeFileSync(out, script.createCachedData());
    process.exit(0);
}
process.env.TRIPWIRE_PREPARE_CODE_CACHE = '1';
process.once('beforeExit', () => writeFileSync(out, script.createCachedData()));
script.runInThisContext()(exports, require, module, __filename, __dirname);
