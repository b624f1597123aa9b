import {RULE_EXPORT_FORMAT, ruleSpecKeys, type ImportResult, type NativeImportResult, type RuleExport, type RuleScope, type RuleSpec, type RuleView} from '@tripwire/common';

import {importNativeWebhook} from '../../rules/native_import';
import {ApiError} from '../errors';

import {accessError, type ServiceContext} from './context';
import {publicEndpoint} from './rule_secrets';
import {withinGuardrails} from './guardrail_check';
import {type RuleService} from './rule_service';

const NO_SECRETS = {has_token: false, endpoints_with_secret: [], headers_set: {}};


/** Rules out as JSON and back in, and native outgoing webhooks in. Secrets never leave; tokens of native hooks come in. */
export class TransferService {
    constructor(
        private readonly ctx: ServiceContext,
        private readonly rules: RuleService,
    ) {}

    async export(userId: string, ruleIds: readonly string[]): Promise<RuleExport> {
        const access = this.rules.access(userId);
        const rules = [];
        for (const id of new Set(ruleIds)) rules.push(await this.rules.load(access, id, 'view'));
        return {
            format: RULE_EXPORT_FORMAT,
            version: 1,
            exported_at: this.ctx.clock.now(),
            rules: rules.map((r) => {
                const spec = Object.fromEntries(ruleSpecKeys.filter((k) => r[k] !== undefined).map((k) => [k, r[k]])) as RuleSpec;
                // No secret of any kind: no header value (an old rule may still hold one inline), and whether a secret
                // exists belongs to this server: the importer sets its own.
                return {...spec, endpoints: spec.endpoints.map((e) => ({...publicEndpoint(e, NO_SECRETS), secret_headers_set: []}))};
            }),
        };
    }

    /**
     * Checks every rule (schema, regex, the caller's access to its scope) before creating any, so a bad file creates
     * nothing; creation failures after that (e.g. a limit reached) are reported per rule.
     */
    async import(userId: string, specs: readonly RuleSpec[], scope: RuleScope | undefined, dryRun: boolean): Promise<ImportResult> {
        const access = this.rules.access(userId);
        const placed = specs.map((s) => (scope ? {...s, scope} : s));
        for (const [i, spec] of placed.entries()) {
            this.rules.checkRegex(spec, `rules.${i}.`);
            placed[i] = withinGuardrails(spec, this.ctx.settings(), `rules.${i}.`);
            const verdict = await access.scope(spec.scope, userId, 'manage');
            if (!verdict.ok) {
                const e = accessError(verdict);
                throw new ApiError(e.code, `rule ${i + 1} (${spec.name}): ${e.message}`, e.fields && prefixed(e.fields, `rules.${i}.`));
            }
        }
        const result: ImportResult = {dry_run: dryRun, created: [], failed: []};
        if (dryRun) return result;
        for (const [i, spec] of placed.entries()) {
            try {
                const rule = await this.rules.createStored(spec, userId);
                result.created.push(await this.rules.view(access, rule));
            } catch (e) {
                if (!(e instanceof ApiError)) throw e;
                result.failed.push({index: i, code: e.code, message: e.message});
            }
        }
        return result;
    }

    async importNative(userId: string, hooks: readonly unknown[], dryRun: boolean): Promise<NativeImportResult> {
        const access = this.rules.access(userId);
        const out: NativeImportResult = {dry_run: dryRun, results: []};
        for (const raw of hooks) {
            const imported = importNativeWebhook(raw);
            if (!imported.ok) {
                out.results.push({hook_id: imported.hookId, ok: false, warnings: [], reason: imported.reason});
                continue;
            }
            const {spec, warnings, native} = imported;
            const verdict = await access.scope(spec.scope, userId, 'manage');
            if (!verdict.ok) {
                out.results.push({hook_id: native.id, ok: false, warnings, reason: accessError(verdict).message});
                continue;
            }
            if (dryRun) {
                out.results.push({hook_id: native.id, ok: true, spec, warnings});
                continue;
            }
            try {
                const rule = await this.rules.createStored(withinGuardrails(spec, this.ctx.settings()), userId);
                if (native.token) await this.ctx.dispatcher.secrets.setToken(rule.id, native.token);
                const view: RuleView = await this.rules.view(access, rule);
                out.results.push({hook_id: native.id, ok: true, rule: view, warnings});
            } catch (e) {
                if (!(e instanceof ApiError)) throw e;
                out.results.push({hook_id: native.id, ok: false, warnings, reason: e.message});
            }
        }
        return out;
    }
}

function prefixed(fields: Record<string, string>, prefix: string): Record<string, string> {
    return Object.fromEntries(Object.entries(fields).map(([k, v]) => [`${prefix}${k}`, v]));
}
