import {useEffect, useMemo, useState} from 'react';
import {useIntl} from 'react-intl';

import {deliveryCardPropsSchema, type DeliveryCardProps, type DeliveryStatusEvent} from '../../client/events';
import {type PostAttachmentProps, type PostTypeProps} from '../../host/registry';
import {ruleReceived} from '../../state/actions';
import {useClient} from '../common/client_context';
import {InlineConfirm} from '../common/confirm';
import {commonMessages} from '../common/messages';
import {Badge, Spinner, type BadgeTone} from '../common/badge';
import {useAppDispatch, usePluginSelector} from '../common/hooks';
import {TripwireStyles} from '../common/styles';

import {pm} from './messages';

type CardStatus = DeliveryCardProps['tripwire_status'];

export interface CardState {
    status: CardStatus;
    attempt: number;
    max: number | undefined;
    error: string | undefined;
    nextAt: number | undefined;
}

const tones: Record<CardStatus, BadgeTone> = {pending: 'info', retrying: 'warning', succeeded: 'success', failed: 'danger', dropped: 'neutral', cancelled: 'neutral'};

function stateOfEvent(live: DeliveryStatusEvent, fallbackMax?: number): CardState {
    return {status: live.status, attempt: live.attempt, max: live.max_attempts ?? fallbackMax, error: live.error ?? (live.http_status ? `HTTP ${live.http_status}` : live.error_class), nextAt: live.next_attempt_at};
}

/** The post's props, overtaken by the newest websocket event for the same delivery. */
export function cardState(props: DeliveryCardProps, live: DeliveryStatusEvent | undefined): CardState {
    if (live && live.attempt >= props.tripwire_attempt) return stateOfEvent(live, props.tripwire_max_attempts);
    return {status: props.tripwire_status, attempt: props.tripwire_attempt, max: props.tripwire_max_attempts, error: props.tripwire_error, nextAt: undefined};
}

/** Fetches a rule once it is needed (for its name and can_manage); failures leave it unknown. */
function useRule(ruleId: string, wanted: boolean) {
    const client = useClient();
    const dispatch = useAppDispatch();
    const rule = usePluginSelector((s) => s.rules[ruleId]);
    useEffect(() => {
        if (!wanted || rule) return;
        client.getRule(ruleId).then(
            (r) => dispatch(ruleReceived(r)),
            () => undefined,
        );
    }, [wanted, rule, client, dispatch, ruleId]);
    return rule;
}

/**
 * A custom_tripwire_delivery post: pending → retrying n/m → delivered/failed, moved on by
 * `custom_tripwire_delivery_status` events; failed deliveries offer a replay to those who may manage the rule.
 */
export function DeliveryCard({post}: PostTypeProps) {
    const f = useIntl().formatMessage;
    const parsed = deliveryCardPropsSchema.safeParse(post.props ?? {});
    const live = usePluginSelector((s) => (parsed.success ? s.deliveries[parsed.data.tripwire_delivery_id] : undefined));
    if (!parsed.success) return <div className='tw-root tw-muted'>{f(pm.cardInvalid)}</div>;
    const state = cardState(parsed.data, live);
    return (
        <div className='tw-root'>
            <TripwireStyles/>
            <StatusCard
                deliveryId={parsed.data.tripwire_delivery_id}
                ruleId={parsed.data.tripwire_rule_id}
                ruleName={parsed.data.tripwire_rule_name}
                state={state}
                onlyForManagers={false}
            />
        </div>
    );
}

/**
 * Under a triggering post (PostMessageAttachment): the live status of the deliveries it caused, from the websocket
 * events that name it, shown to the people who may manage the rule (the API tells: others cannot read the rule).
 */
export function TriggerDeliveries({postId}: PostAttachmentProps) {
    const all = usePluginSelector((s) => s.deliveries);
    const mine = useMemo(() => Object.values(all).filter((d) => d.post_id === postId && postId !== ''), [all, postId]);
    if (mine.length === 0) return null;
    return (
        <div
            className='tw-root tw-stack'
            style={{marginTop: 6}}
        >
            <TripwireStyles/>
            {mine.map((d) => (
                <StatusCard
                    key={d.delivery_id}
                    deliveryId={d.delivery_id}
                    ruleId={d.rule_id}
                    ruleName=''
                    state={stateOfEvent(d)}
                    onlyForManagers={true}
                />
            ))}
        </div>
    );
}

function StatusCard({deliveryId, ruleId, ruleName, state, onlyForManagers}: {deliveryId: string; ruleId: string; ruleName: string; state: CardState; onlyForManagers: boolean}) {
    const f = useIntl().formatMessage;
    const client = useClient();
    const failed = state.status === 'failed' || state.status === 'dropped';
    // Cancelled (its endpoint or rule was removed): final, and nothing is left to retry.
    const cancelled = state.status === 'cancelled';
    const rule = useRule(ruleId, failed || onlyForManagers || !ruleName);
    const [retry, setRetry] = useState<'idle' | 'confirm' | 'busy' | 'done' | string>('idle');
    if (onlyForManagers && !rule?.can_manage) return null;

    const name = ruleName || rule?.name || ruleId;
    const max = state.max === undefined ? 'none' : String(state.max);
    const title = {
        pending: f(pm.cardPending, {rule: name}),
        retrying: f(pm.cardRetrying, {attempt: state.attempt + 1, max, rule: name}),
        succeeded: f(pm.cardSucceeded, {rule: name}),
        failed: f(pm.cardFailed, {rule: name}),
        dropped: f(pm.cardDropped, {rule: name}),
        cancelled: f(pm.cardCancelled, {rule: name}),
    }[state.status];
    const progress = state.status === 'succeeded' ? 1 : state.max ? Math.min(1, state.attempt / state.max) : 0;
    const seconds = state.nextAt === undefined ? undefined : Math.max(0, Math.round((state.nextAt - Date.now()) / 1000));
    const doRetry = async () => {
        setRetry('busy');
        try {
            await client.replayDelivery(ruleId, deliveryId);
            setRetry('done');
        } catch (e) {
            setRetry(e instanceof Error ? e.message : String(e));
        }
    };
    const details = [
        state.attempt > 0 ? f(pm.cardAttempt, {attempt: state.attempt, max}) : '',
        state.status === 'retrying' && seconds !== undefined ? f(pm.cardNextAttempt, {seconds}) : '',
        state.status !== 'succeeded' ? state.error ?? '' : '',
    ].filter(Boolean);
    return (
        <div
            className='tw-card'
            data-testid='tripwire-delivery-card'
            data-status={state.status}
        >
            {(state.status === 'pending' || state.status === 'retrying') && <Spinner label={title}/>}
            <div className='tw-grow'>
                <div className='tw-row'>
                    <span className='tw-card-title tw-grow'>{title}</span>
                    <Badge tone={tones[state.status]}>{state.status}</Badge>
                </div>
                {details.length > 0 && <div className='tw-small tw-muted'>{details.join(' · ')}</div>}
                {!failed && !cancelled && (
                    <div className='tw-progress'>
                        <div style={{width: `${Math.round(progress * 100)}%`}}/>
                    </div>
                )}
                {retry !== 'idle' && retry !== 'confirm' && retry !== 'busy' && retry !== 'done' && <div className='tw-error'>{retry}</div>}
                {retry === 'confirm' && (
                    <div style={{marginTop: 8}}>
                        <InlineConfirm
                            message={f(pm.cardReplayConfirm, {rule: name})}
                            cancelLabel={f(commonMessages.cancel)}
                            confirmLabel={f(pm.cardRetry)}
                            onCancel={() => setRetry('idle')}
                            onConfirm={() => void doRetry()}
                        />
                    </div>
                )}
            </div>
            {failed && rule?.can_manage && (
                retry === 'done' ? (
                    <span className='tw-small tw-muted'>{f(pm.cardRetried)}</span>
                ) : (
                    <button
                        type='button'
                        className='tw-btn tw-btn-secondary'
                        disabled={retry === 'busy' || retry === 'confirm'}
                        onClick={() => setRetry('confirm')}
                    >
                        {f(pm.cardRetry)}
                    </button>
                )
            )}
        </div>
    );
}
