import {type NativeImportResult, type RuleView} from '@tripwire/common';
import {useCallback, useEffect, useRef, useState} from 'react';
import {useIntl} from 'react-intl';

import {ruleReceived} from '../../../state/actions';
import {Badge, Spinner} from '../../common/badge';
import {useClient} from '../../common/client_context';
import {useAppDispatch} from '../../common/hooks';

import {sm} from './messages';
import {convertedRule} from './native_match';

/** An outgoing webhook as Mattermost's `GET /api/v4/hooks/outgoing` lists it (the fields the panel shows). */
interface NativeHook extends Record<string, unknown> {
    id: string;
    channel_id?: string;
    display_name?: string;
    trigger_words?: string[] | null;
    trigger_when?: number;
    callback_urls?: string[] | null;
}

type Verdict = NativeImportResult['results'][number];

interface Row {
    hook: NativeHook;
    /** The dry run's answer: the rule it would become, or why it cannot. */
    verdict: Verdict | undefined;
    /** Set once converted here (the new rule), or found among the channel's rules. */
    rule: RuleView | undefined;
    warnings: string[];
    busy: boolean;
    error: string | null;
}

type State = {status: 'loading'} | {status: 'error'; message: string} | {status: 'loaded'; rows: Row[]};

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

interface Props {
    channelId: string;
    teamId: string;
    /** Team-wide native hooks fire only in public channels. */
    channelType: string;
    rules: readonly RuleView[];
    onClose(): void;
}

/**
 * The channel's native outgoing webhooks, each convertible to a compat rule in one click. Mattermost lists them to
 * the caller (its own permission, manage outgoing webhooks); Tripwire's import route turns them into rules, keeping
 * the hook's token as the rule's write-only token. A dry run first says what each would become and what cannot be
 * carried over; the token is sent to the plugin only and never shown.
 */
export function NativeImport({channelId, teamId, channelType, rules, onClose}: Props) {
    const f = useIntl().formatMessage;
    const client = useClient();
    const dispatch = useAppDispatch();
    const [state, setState] = useState<State>({status: 'loading'});
    // Read at load time only: a conversion marks its own row, and a new rule must not reload the list.
    const rulesNow = useRef(rules);
    rulesNow.current = rules;

    const load = useCallback(async () => {
        setState({status: 'loading'});
        try {
            const base = client.core.mattermost().getOutgoingHooksRoute();
            const hooks = await client.core.requestUrl<NativeHook[]>('GET', `${base}?channel_id=${encodeURIComponent(channelId)}&per_page=200`);
            let teamWide: NativeHook[] = [];
            if (channelType === 'O' && teamId) {
                // Hooks without a channel fire in every public channel of the team. Listing them needs the team-level
                // permission: a caller without it still sees this channel's own.
                teamWide = await client.core.requestUrl<NativeHook[]>('GET', `${base}?team_id=${encodeURIComponent(teamId)}&per_page=200`).catch(() => []);
            }
            // The import route takes at most 200 hooks at a time (one page of Mattermost's list).
            const all = [...(hooks ?? []), ...(teamWide ?? []).filter((h) => !h.channel_id)].slice(0, 200);
            if (all.length === 0) {
                setState({status: 'loaded', rows: []});
                return;
            }
            const dry = await client.call('importNativeWebhooks', {body: {hooks: all, dry_run: true}});
            const byId = new Map(dry.results.map((r) => [r.hook_id, r]));
            setState({
                status: 'loaded',
                rows: all.map((hook) => {
                    const verdict = byId.get(hook.id);
                    return {hook, verdict, rule: verdict?.spec && convertedRule(verdict.spec, rulesNow.current), warnings: verdict?.warnings ?? [], busy: false, error: null};
                }),
            });
        } catch (e) {
            setState({status: 'error', message: errorText(e)});
        }
    }, [client, channelId, teamId, channelType]);

    useEffect(() => {
        void load();
    }, [load]);

    const patch = (id: string, change: Partial<Row>) =>
        setState((s) => (s.status === 'loaded' ? {...s, rows: s.rows.map((r) => (r.hook.id === id ? {...r, ...change} : r))} : s));

    const convert = async (row: Row) => {
        patch(row.hook.id, {busy: true, error: null});
        try {
            const res = await client.call('importNativeWebhooks', {body: {hooks: [row.hook]}});
            const result = res.results[0];
            if (result?.ok && result.rule) {
                dispatch(ruleReceived(result.rule, channelId));
                patch(row.hook.id, {busy: false, rule: result.rule, warnings: result.warnings});
            } else {
                patch(row.hook.id, {busy: false, error: result?.reason ?? 'no answer for this webhook', warnings: result?.warnings ?? []});
            }
        } catch (e) {
            patch(row.hook.id, {busy: false, error: errorText(e)});
        }
    };

    return (
        <section
            className='tw-section tw-stack'
            aria-label={f(sm.nativeTitle)}
            data-testid='tripwire-native-import'
        >
            <div className='tw-row'>
                <h2
                    className='tw-section-title tw-grow'
                    style={{margin: 0}}
                >
                    {f(sm.nativeTitle)}
                </h2>
                <button
                    type='button'
                    className='tw-btn tw-btn-tertiary'
                    onClick={onClose}
                >
                    {f(sm.nativeClose)}
                </button>
            </div>
            <div className='tw-small tw-muted'>{f(sm.nativeIntro)}</div>
            {state.status === 'loading' && <Spinner label={f(sm.nativeLoading)}/>}
            {state.status === 'error' && (
                <div
                    className='tw-notice tw-notice-error tw-row'
                    role='alert'
                >
                    <span className='tw-grow'>{f(sm.nativeLoadFailed, {message: state.message})}</span>
                </div>
            )}
            {state.status === 'loaded' && state.rows.length === 0 && (
                <div
                    className='tw-muted'
                    role='status'
                >
                    {f(sm.nativeNone)}
                </div>
            )}
            {state.status === 'loaded' && state.rows.length > 0 && (
                <div
                    className='tw-rule-list'
                    role='list'
                >
                    {state.rows.map((row) => (
                        <HookRow
                            key={row.hook.id}
                            row={row}
                            onConvert={() => void convert(row)}
                        />
                    ))}
                </div>
            )}
        </section>
    );
}

function HookRow({row, onConvert}: {row: Row; onConvert(): void}) {
    const f = useIntl().formatMessage;
    const {hook, verdict, rule} = row;
    const words = (hook.trigger_words ?? []).filter(Boolean);
    const urls = hook.callback_urls ?? [];
    const name = hook.display_name?.trim() || words.join(', ') || hook.id;
    const cannot = verdict && !verdict.ok ? verdict.reason ?? '' : null;
    return (
        <div
            className='tw-rule'
            role='listitem'
            aria-label={name}
            data-testid='tripwire-native-hook'
        >
            <div className='tw-grow'>
                <div className='tw-row tw-wrap'>
                    <span className='tw-rule-name'>{name}</span>
                    {rule && <Badge tone='success'>{f(sm.nativeConverted, {rule: rule.name})}</Badge>}
                    {!hook.channel_id && <Badge tone='info'>{f(sm.nativeTeamWide)}</Badge>}
                </div>
                <div className='tw-small'>
                    {words.length ? f(sm.nativeTriggers, {when: hook.trigger_when === 1 ? 'starts' : 'exact', words: words.join(', ')}) : f(sm.nativeAnyMessage)}
                </div>
                <div className='tw-small tw-muted tw-mono'>{f(sm.nativeCallbacks, {count: urls.length, urls: urls.join(', ')})}</div>
                {row.warnings.map((w) => (
                    <div
                        key={w}
                        className='tw-small tw-muted'
                    >
                        {f(sm.nativeWarning, {warning: w})}
                    </div>
                ))}
                {cannot !== null && !rule && <div className='tw-small tw-error'>{f(sm.nativeCannot, {reason: cannot})}</div>}
                {row.error && (
                    <div
                        className='tw-error'
                        role='alert'
                    >
                        {f(sm.nativeFailed, {reason: row.error})}
                    </div>
                )}
                {rule && (
                    <div
                        className='tw-small tw-muted'
                        role='status'
                    >
                        {f(sm.nativeConvertedHelp)}
                    </div>
                )}
            </div>
            {!rule && (
                <div className='tw-row'>
                    <button
                        type='button'
                        className='tw-btn tw-btn-secondary'
                        // The visible words first, then which hook (axe: label-content-name-mismatch).
                        aria-label={row.busy ? undefined : f(sm.nativeConvertLabel, {name})}
                        disabled={row.busy || cannot !== null}
                        onClick={onConvert}
                    >
                        {f(row.busy ? sm.nativeConverting : sm.nativeConvert)}
                    </button>
                </div>
            )}
        </div>
    );
}
