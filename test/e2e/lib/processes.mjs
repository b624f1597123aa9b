// PostgreSQL (Debian's packages) and the Mattermost server, each started on 127.0.0.1 in a run directory under /tmp,
// each stopped by its own pid. Nothing here is left running: stopAll() is idempotent and registered for exit/signals.
import {spawn, spawnSync} from 'node:child_process';
import {chmodSync, chownSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';

export class ProcessError extends Error {}

/** A free TCP port on 127.0.0.1 (bound and released; good enough for a single machine's test run). */
export function freePort() {
    return new Promise((resolve, reject) => {
        const srv = createServer();
        srv.unref();
        srv.on('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const {port} = srv.address();
            srv.close(() => resolve(port));
        });
    });
}

function pgBinDir() {
    const base = '/usr/lib/postgresql';
    const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl'))) : [];
    versions.sort((a, b) => Number(b) - Number(a));
    if (!versions.length) throw new ProcessError('PostgreSQL is not installed: apt-get install -y postgresql (make e2e does it)');
    return {dir: join(base, versions[0], 'bin'), version: versions[0]};
}

function postgresUser() {
    const res = spawnSync('id', ['-u', 'postgres'], {encoding: 'utf8'});
    const gid = spawnSync('id', ['-g', 'postgres'], {encoding: 'utf8'});
    return res.status === 0 ? {uid: Number(res.stdout), gid: Number(gid.stdout)} : null;
}

/** Runs a PostgreSQL tool: as the postgres user when we are root (initdb refuses root), else as ourselves. */
function pgRun(pg, tool, args, asUser) {
    const res = spawnSync(join(pg.dir, tool), args, {encoding: 'utf8', ...(asUser ?? {})});
    if (res.error) throw new ProcessError(`${tool}: ${res.error.message}`);
    if (res.status !== 0) throw new ProcessError(`${tool} ${args.join(' ')} failed (exit ${res.status}): ${(res.stderr || res.stdout).trim()}`);
    return res.stdout;
}

/** `register(proc)` is called as soon as there is a pid to stop, before the server is ready. */
/** `extraOptions`: more server options (`-c name=value ...`), e.g. pg_stat_statements for make bench-e2e's diagnosis. */
export async function startPostgres(runDir, register = () => {}, extraOptions = '') {
    const pg = pgBinDir();
    const dir = join(runDir, 'pg');
    mkdirSync(dir, {recursive: true});
    const root = process.getuid?.() === 0;
    const user = root ? postgresUser() : null;
    if (root && !user) throw new ProcessError('running as root but there is no postgres user; install Debian\'s postgresql package');
    if (user) {
        chmodSync(runDir, 0o711); // mkdtemp makes it 0700: the postgres user must be able to pass through
        chownSync(dir, user.uid, user.gid);
    }
    const asUser = user ?? undefined;
    const port = await freePort();
    const data = join(dir, 'data');
    pgRun(pg, 'initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], asUser);
    const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${extraOptions}`.trim();
    pgRun(pg, 'pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', 'start'], asUser);
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const postgres = {
        name: 'postgres',
        pid,
        port,
        version: pg.version,
        dsn: `postgres://postgres@127.0.0.1:${port}/mattermost?sslmode=disable&connect_timeout=10`,
        logFile: join(dir, 'postgres.log'),
        kill: () => process.kill(pid, 'SIGKILL'),
        async stop() {
            await stopPid(pid, 'SIGINT', 20_000); // SIGINT is PostgreSQL's "fast" shutdown
        },
    };
    register(postgres);
    pgRun(pg, 'psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-c', 'CREATE DATABASE mattermost'], asUser);
    return postgres;
}

function alive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

/** Sends a signal to one pid (or a process group, pid < 0), waits, then SIGKILLs what is left. */
async function stopPid(pid, signal, graceMs) {
    if (!alive(pid)) return;
    try {
        process.kill(pid, signal);
    } catch {
        return;
    }
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && alive(pid)) await sleep(100);
    if (alive(pid)) {
        try {
            process.kill(pid, 'SIGKILL');
        } catch {
            // gone meanwhile
        }
    }
}

/** The configuration, all through MM_* environment variables over a config.json the server creates in runDir. */
export function mattermostEnv({runDir, port, dsn, metricsPort}) {
    const siteURL = `http://127.0.0.1:${port}`;
    return {
        // The metrics listener (no license needed for plugin metrics): /plugins/<id>/metrics calls the ServeMetrics hook.
        ...(metricsPort && {MM_METRICSSETTINGS_ENABLE: 'true', MM_METRICSSETTINGS_LISTENADDRESS: `127.0.0.1:${metricsPort}`}),
        MM_SQLSETTINGS_DRIVERNAME: 'postgres',
        MM_SQLSETTINGS_DATASOURCE: dsn,
        MM_SERVICESETTINGS_SITEURL: siteURL,
        MM_SERVICESETTINGS_LISTENADDRESS: `127.0.0.1:${port}`,
        MM_SERVICESETTINGS_ENABLELOCALMODE: 'false',
        MM_SERVICESETTINGS_ENABLEOUTGOINGWEBHOOKS: 'true',
        MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS: 'true',
        MM_SERVICESETTINGS_ENABLEBOTACCOUNTCREATION: 'true',
        MM_SERVICESETTINGS_ALLOWEDUNTRUSTEDINTERNALCONNECTIONS: '127.0.0.1 localhost',
        MM_SERVICESETTINGS_ENABLESECURITYFIXALERT: 'false',
        MM_PLUGINSETTINGS_ENABLE: 'true',
        MM_PLUGINSETTINGS_ENABLEUPLOADS: 'true',
        MM_PLUGINSETTINGS_REQUIREPLUGINSIGNATURE: 'false',
        MM_PLUGINSETTINGS_ENABLEMARKETPLACE: 'false',
        MM_PLUGINSETTINGS_ENABLEREMOTEMARKETPLACE: 'false',
        MM_PLUGINSETTINGS_AUTOMATICPREPACKAGEDPLUGINS: 'false',
        MM_PLUGINSETTINGS_DIRECTORY: join(runDir, 'plugins'),
        MM_PLUGINSETTINGS_CLIENTDIRECTORY: join(runDir, 'client', 'plugins'),
        MM_FILESETTINGS_DIRECTORY: `${join(runDir, 'data')}/`,
        MM_EMAILSETTINGS_SENDEMAILNOTIFICATIONS: 'false',
        MM_EMAILSETTINGS_REQUIREEMAILVERIFICATION: 'false',
        MM_EMAILSETTINGS_SMTPSERVER: '',
        MM_LOGSETTINGS_ENABLECONSOLE: 'false',
        MM_LOGSETTINGS_ENABLEFILE: 'true',
        MM_LOGSETTINGS_FILELEVEL: 'DEBUG',
        MM_LOGSETTINGS_FILELOCATION: join(runDir, 'logs'),
        MM_LOGSETTINGS_ENABLEDIAGNOSTICS: 'false',
        MM_ANNOUNCEMENTSETTINGS_ADMINNOTICESENABLED: 'false',
        MM_ANNOUNCEMENTSETTINGS_USERNOTICESENABLED: 'false',
        MM_RATELIMITSETTINGS_ENABLE: 'false',
    };
}

/** Starts `mattermost server` (its own process group, so plugin processes go with it) and waits for /system/ping. */
/** `extraEnv` is added to the server's environment (its plugin processes inherit it: NODE_OPTIONS for diagnosis). */
export async function startMattermost({binary, runDir, dsn, register = () => {}, timeoutMs = 120_000, extraEnv = {}}) {
    const port = await freePort();
    const metricsPort = await freePort();
    for (const d of ['plugins', 'client/plugins', 'data', 'logs']) mkdirSync(join(runDir, d), {recursive: true});
    const env = {PATH: process.env.PATH, HOME: runDir, ...mattermostEnv({runDir, port, dsn, metricsPort}), ...extraEnv};
    const out = openSync(join(runDir, 'mattermost.out'), 'a');
    const started = Date.now();
    const child = spawn(binary, ['server', '--config', join(runDir, 'config.json')], {cwd: runDir, env, detached: true, stdio: ['ignore', out, out]});
    let exited = null;
    child.on('exit', (code, signal) => (exited = {code, signal}));
    const siteURL = `http://127.0.0.1:${port}`;
    const server = {
        name: 'mattermost',
        pid: child.pid,
        port,
        siteURL,
        metricsURL: `http://127.0.0.1:${metricsPort}`,
        logFile: join(runDir, 'logs', 'mattermost.log'),
        outFile: join(runDir, 'mattermost.out'),
        kill: () => process.kill(-child.pid, 'SIGKILL'),
        async stop() {
            // SIGTERM to the server alone, so it shuts its plugins down itself (go-plugin's Control.Quit); then
            // whatever is left of its process group (plugin processes) is killed.
            await stopPid(child.pid, 'SIGTERM', 20_000);
            await stopPid(-child.pid, 'SIGKILL', 2_000);
        },
    };
    register(server);
    while (Date.now() - started < timeoutMs) {
        if (exited) throw new ProcessError(`mattermost exited during start (${exited.code ?? exited.signal}); see ${server.outFile} and ${server.logFile}`);
        try {
            const res = await fetch(`${siteURL}/api/v4/system/ping`, {signal: AbortSignal.timeout(2000)});
            if (res.ok) return {...server, startMs: Date.now() - started};
        } catch {
            // not listening yet
        }
        await sleep(200);
    }
    throw new ProcessError(`mattermost did not answer ${siteURL}/api/v4/system/ping within ${timeoutMs / 1000} s; see ${server.logFile}`);
}
