import {type RuleView} from '@tripwire/common';
import {useCallback, useEffect, useId, useMemo, useRef, useState} from 'react';
import {useIntl} from 'react-intl';

import {closePanel, fetchChannelRules, fetchMe} from '../../state/actions';
import {getRawHostChannel, toChannelInfo} from '../../state/host_selectors';
import {getRulesOfChannel} from '../../state/selectors';
import {type LoadError} from '../../state/types';
import {useClient} from '../common/client_context';
import {Spinner} from '../common/badge';
import {useAppDispatch, useHostSelector, usePluginSelector} from '../common/hooks';
import {InlineConfirm} from '../common/confirm';
import {commonMessages} from '../common/messages';
import {Modal} from '../common/modal';

import {DeliveryLog} from './delivery_log';
import {MatcherTester} from './matcher_tester';
import {m, m2} from './messages';
import {RuleEditor} from './rule_editor';
import {RuleList} from './rule_list';
import {sm} from './starters/messages';
import {NativeImport} from './starters/native_import';

type View = {kind: 'rules'} | {kind: 'edit'; rule: RuleView | null} | {kind: 'tester'} | {kind: 'log'; ruleId: string | null};

/**
 * The channel settings panel (a root component, Jira-style): open while the slice's `openChannelId` is set, by the
 * channel header button or the channel menu. Who may manage is the server's call; the panel shows its answer.
 */
export function ChannelRulesModal() {
    const channelId = usePluginSelector((s) => s.openChannelId);
    if (!channelId) return null;
    return (
        <ChannelRulesPanel
            key={channelId}
            channelId={channelId}
        />
    );
}

function ChannelRulesPanel({channelId}: {channelId: string}) {
    const f = useIntl().formatMessage;
    const client = useClient();
    const dispatch = useAppDispatch();
    const [view, setView] = useState<View>({kind: 'rules'});
    const [nativeOpen, setNativeOpen] = useState(false);
    // Select stable references and derive here: a selector returning a new object would re-render on every action.
    const rawChannel = useHostSelector((s) => getRawHostChannel(s, channelId));
    const channel = useMemo(() => rawChannel && toChannelInfo(rawChannel), [rawChannel]);
    const entry = usePluginSelector((s) => s.channels[channelId]);
    const ruleMap = usePluginSelector((s) => s.rules);
    const rules = useMemo(() => getRulesOfChannel({channels: {[channelId]: entry ?? {status: 'loading', ruleIds: []}}, rules: ruleMap}, channelId), [entry, ruleMap, channelId]);
    const me = usePluginSelector((s) => s.me);
    const close = useCallback(() => dispatch(closePanel()), [dispatch]);
    // Unsaved edits in the editor: every way out (Escape, backdrop, ×, a tab, "Back to rules", Cancel) asks first.
    const dirty = useRef(false);
    const onDirtyChange = useCallback((d: boolean) => {
        dirty.current = d;
    }, []);
    const [pending, setPending] = useState<{leave(): void; returnFocus: HTMLElement | null} | null>(null);
    const guard = useCallback((leave: () => void) => {
        if (!dirty.current) {
            leave();
            return;
        }
        setPending({leave, returnFocus: document.activeElement instanceof HTMLElement ? document.activeElement : null});
    }, []);
    const keepEditing = () => {
        const back = pending?.returnFocus;
        setPending(null);
        requestAnimationFrame(() => back?.isConnected && back.focus());
    };
    const discard = () => {
        const leave = pending?.leave;
        dirty.current = false;
        setPending(null);
        leave?.();
    };
    const tabsId = useId();
    const selectTab = (kind: 'rules' | 'tester' | 'log') => guard(() => setView(kind === 'log' ? {kind: 'log', ruleId: null} : {kind}));
    const reload = useCallback(() => dispatch(fetchChannelRules(client, channelId)), [dispatch, client, channelId]);

    useEffect(() => {
        void reload();
        void dispatch(fetchMe(client));
    }, [reload, dispatch, client]);

    const draftChannel = useMemo(() => ({id: channelId, teamId: channel?.teamId ?? '', type: channel?.type ?? 'O'}), [channelId, channel]);
    const denied = entry?.status === 'error' && entry.error && ['forbidden', 'not_found', 'unauthenticated'].includes(entry.error.code);
    const tabs: Array<{kind: 'rules' | 'tester' | 'log'; label: string}> = [
        {kind: 'rules', label: f(m.tabRules)},
        {kind: 'tester', label: f(m.tabTester)},
        {kind: 'log', label: f(m.tabLog)},
    ];
    const activeTab = view.kind === 'edit' ? 'rules' : view.kind;
    const atLimit = me !== null && rules.length >= me.max_rules_per_channel;

    return (
        <Modal
            title={f(m.title)}
            subtitle={f(m.subtitle, {channel: channel?.name || channelId})}
            onClose={() => (pending ? keepEditing() : guard(close))}
        >
            {pending && (
                <InlineConfirm
                    message={f(m2.discardPrompt)}
                    cancelLabel={f(m2.keepEditing)}
                    confirmLabel={f(m2.discard)}
                    danger={true}
                    onCancel={keepEditing}
                    onConfirm={discard}
                />
            )}
            {denied && entry.error ? (
                <NoAccess error={entry.error}/>
            ) : (
                <>
                    <div
                        className='tw-tabs'
                        role='tablist'
                        onKeyDown={(e) => {
                            // WAI-ARIA tabs: arrows, Home and End move between tabs and select (automatic activation).
                            const i = tabs.findIndex((t) => t.kind === activeTab);
                            const to = {ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1}[e.key];
                            if (to === undefined) return;
                            e.preventDefault();
                            const next = tabs[(to + tabs.length) % tabs.length]!;
                            document.getElementById(`${tabsId}-${next.kind}`)?.focus();
                            selectTab(next.kind);
                        }}
                    >
                        {tabs.map((t) => (
                            <button
                                key={t.kind}
                                id={`${tabsId}-${t.kind}`}
                                type='button'
                                role='tab'
                                className='tw-tab'
                                aria-selected={activeTab === t.kind}
                                aria-controls={`${tabsId}-panel`}
                                tabIndex={activeTab === t.kind ? 0 : -1}
                                onClick={() => selectTab(t.kind)}
                            >
                                {t.label}
                            </button>
                        ))}
                    </div>
                    <div
                        role='tabpanel'
                        id={`${tabsId}-panel`}
                        aria-labelledby={`${tabsId}-${activeTab}`}
                    >
                    {entry?.status === 'error' && entry.error && (
                        <div
                            className='tw-notice tw-notice-error tw-row'
                            role='alert'
                        >
                            <span className='tw-grow'>{f(m.loadFailed, {message: entry.error.message})}</span>
                            <button
                                type='button'
                                className='tw-btn tw-btn-secondary'
                                onClick={() => void reload()}
                            >
                                {f(commonMessages.retry)}
                            </button>
                        </div>
                    )}
                    {(!entry || (entry.status === 'loading' && rules.length === 0)) && <Spinner label={f(commonMessages.loading)}/>}
                    {view.kind === 'rules' && entry?.status === 'loaded' && (
                        <div className='tw-stack'>
                            <div className='tw-row'>
                                <span className='tw-grow tw-muted tw-small'>{me && f(m2.ruleCount, {count: rules.length, max: me.max_rules_per_channel})}</span>
                                {/* Mattermost creates native outgoing webhooks for public channels only. */}
                                {channel?.type === 'O' && (
                                    <button
                                        type='button'
                                        className='tw-btn tw-btn-secondary tw-btn-lg'
                                        aria-expanded={nativeOpen}
                                        disabled={atLimit && !nativeOpen}
                                        onClick={() => setNativeOpen(!nativeOpen)}
                                    >
                                        {f(sm.nativeOpen)}
                                    </button>
                                )}
                                <button
                                    type='button'
                                    className='tw-btn tw-btn-primary tw-btn-lg'
                                    disabled={atLimit}
                                    onClick={() => setView({kind: 'edit', rule: null})}
                                >
                                    {f(m.addRule)}
                                </button>
                            </div>
                            {nativeOpen && (
                                <NativeImport
                                    channelId={channelId}
                                    teamId={channel?.teamId ?? ''}
                                    channelType={channel?.type ?? 'O'}
                                    rules={rules}
                                    onClose={() => setNativeOpen(false)}
                                />
                            )}
                            {rules.length === 0 ? (
                                <div className='tw-empty'>
                                    <div className='tw-empty-title'>{f(m.emptyTitle)}</div>
                                    <div className='tw-muted'>{f(m.emptyBody)}</div>
                                </div>
                            ) : (
                                <RuleList
                                    rules={rules}
                                    onEdit={(rule) => setView({kind: 'edit', rule})}
                                    onLog={(rule) => setView({kind: 'log', ruleId: rule.id})}
                                />
                            )}
                        </div>
                    )}
                    {view.kind === 'edit' && (
                        <RuleEditor
                            channel={draftChannel}
                            rule={view.rule}
                            onBack={() => guard(() => setView({kind: 'rules'}))}
                            onDirtyChange={onDirtyChange}
                        />
                    )}
                    {view.kind === 'tester' && <MatcherTester channelId={channelId}/>}
                    {view.kind === 'log' && entry?.status === 'loaded' && (
                        <DeliveryLog
                            rules={rules}
                            initialRuleId={view.ruleId}
                        />
                    )}
                    </div>
                </>
            )}
        </Modal>
    );
}

/** What people who may not manage rules here see instead of a broken panel. */
export function NoAccess({error}: {error: LoadError}) {
    const f = useIntl().formatMessage;
    const body = error.code === 'unauthenticated' ? f(m.noAccessLogin) : error.code === 'not_found' ? f(m.noAccessNotFound) : f(m.noAccessForbidden, {reason: error.message});
    return (
        <div
            className='tw-empty'
            data-testid='tripwire-no-access'
        >
            <div className='tw-empty-title'>{f(m.noAccessTitle)}</div>
            <div className='tw-muted'>{body}</div>
        </div>
    );
}
