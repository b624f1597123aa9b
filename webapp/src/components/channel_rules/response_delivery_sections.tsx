import {replyPlacements, type DeliveryPolicy, type ReplyPlacement, type ResponseOptions} from '@tripwire/common';
import {useIntl} from 'react-intl';

import {Checkbox, NumberField, SecondsField, SelectField, TextField} from '../common/fields';

import {m} from './messages';
import {compact, errorAt, errorCountUnder} from './rule_form_state';
import {Section, type SectionProps} from './section';

const placementMessages: Record<ReplyPlacement, (typeof m)[keyof typeof m]> = {
    thread: m.replyToThread,
    channel: m.replyToChannel,
    service: m.replyToService,
};

export function ResponseSection({value: r, onChange, errors, disabled}: SectionProps<ResponseOptions>) {
    const f = useIntl().formatMessage;
    const set = (patch: Partial<ResponseOptions>) => onChange(compact({...r, ...patch}));
    const e = (field: string) => errorAt(errors, `response.${field}`);
    return (
        <Section
            title={f(m.sectionResponse)}
            errors={errorCountUnder(errors, ['response'])}
        >
            <fieldset
                className='tw-fieldset'
                disabled={disabled || !r.enabled}
            >
                <legend className='tw-label'>{f(m.replyTo)}</legend>
                <div className='tw-row tw-wrap'>
                    {replyPlacements.map((placement) => (
                        <label
                            key={placement}
                            className='tw-check'
                        >
                            <input
                                type='radio'
                                name='tripwire-reply-to'
                                data-path='response.reply_to'
                                value={placement}
                                checked={r.reply_to === placement}
                                onChange={() => set({reply_to: placement})}
                            />
                            {f(placementMessages[placement])}
                        </label>
                    ))}
                </div>
                <div className='tw-help'>{f(m.replyToHelp)}</div>
            </fieldset>
            <TextField
                label={f(m.replyTemplate)}
                path='response.reply_template'
                mono={true}
                multiline={true}
                rows={2}
                value={r.reply_template ?? ''}
                placeholder='PagerDuty {{reply.json.status}}: incident key {{reply.json.dedup_key}}'
                disabled={disabled || !r.enabled}
                // Checked by the shared schema as the body templates are: unknown variables and `secrets` are refused.
                error={e('reply_template')}
                help={f(m.replyTemplateHelp, {status: '{{reply.status}}', json: '{{reply.json.id}}', header: '{{reply.headers.location}}', user: '{{user.username}}'})}
                onChange={(v) => set({reply_template: v === '' ? undefined : v})}
            />
            <details className='tw-more'>
                <summary>{f(m.moreReplyOptions)}</summary>
                <div className='tw-stack'>
            <div className='tw-row tw-wrap'>
                <Checkbox
                    label={f(m.responseEnabled)}
                    checked={r.enabled}
                    disabled={disabled}
                    onChange={(enabled) => set({enabled})}
                />
                <Checkbox
                    label={f(m.acceptAnyStatus)}
                    checked={r.accept_any_status}
                    disabled={disabled}
                    onChange={(accept_any_status) => set({accept_any_status})}
                />
            </div>
            <div className='tw-grid-2'>
                <TextField
                    label={f(m.username)}
                    value={r.username ?? ''}
                    disabled={disabled}
                    path='response.username'
                    error={e('username')}
                    onChange={(v) => set({username: v === '' ? undefined : v})}
                />
                <TextField
                    label={f(m.iconUrl)}
                    type='url'
                    value={r.icon_url ?? ''}
                    disabled={disabled}
                    path='response.icon_url'
                    error={e('icon_url')}
                    onChange={(v) => set({icon_url: v === '' ? undefined : v})}
                />
                <NumberField
                    label={f(m.staleAfter)}
                    value={r.stale_after_seconds}
                    disabled={disabled}
                    path='response.stale_after_seconds'
                    error={e('stale_after_seconds')}
                    onChange={(v) => set({stale_after_seconds: v ?? NaN})}
                />
                <SelectField
                    label={f(m.staleAction)}
                    value={r.stale_action}
                    disabled={disabled}
                    options={[
                        {value: 'post', label: f(m.stalePost)},
                        {value: 'thread', label: f(m.staleThread)},
                        {value: 'drop', label: f(m.staleDrop)},
                    ]}
                    onChange={(stale_action) => set({stale_action})}
                />
                <NumberField
                    label={f(m.responseUrlUses)}
                    value={r.response_url_uses}
                    disabled={disabled}
                    path='response.response_url_uses'
                    error={e('response_url_uses')}
                    onChange={(v) => set({response_url_uses: v ?? NaN})}
                />
                <NumberField
                    label={f(m.responseUrlTtl)}
                    value={r.response_url_ttl_seconds}
                    disabled={disabled}
                    path='response.response_url_ttl_seconds'
                    error={e('response_url_ttl_seconds')}
                    onChange={(v) => set({response_url_ttl_seconds: v ?? NaN})}
                />
            </div>
                </div>
            </details>
        </Section>
    );
}

export function DeliverySection({value: d, onChange, errors, disabled}: SectionProps<DeliveryPolicy>) {
    const f = useIntl().formatMessage;
    const set = (patch: Partial<DeliveryPolicy>) => onChange(compact({...d, ...patch}));
    const e = (field: string) => errorAt(errors, `delivery.${field}`);
    return (
        <Section
            title={f(m.sectionDelivery)}
            errors={errorCountUnder(errors, ['delivery'])}
            open={false}
        >
            <div className='tw-grid-2'>
                <SelectField
                    label={f(m.fanOut)}
                    value={d.fan_out}
                    disabled={disabled}
                    options={[
                        {value: 'parallel', label: f(m.fanOutParallel)},
                        {value: 'failover', label: f(m.fanOutFailover)},
                    ]}
                    onChange={(fan_out) => set({fan_out})}
                />
                <NumberField
                    label={f(m.maxAttempts)}
                    value={d.max_attempts}
                    disabled={disabled}
                    path='delivery.max_attempts'
                    error={e('max_attempts')}
                    onChange={(max_attempts) => set({max_attempts})}
                />
                <NumberField
                    label={f(m.maxAge)}
                    value={d.max_age_seconds}
                    disabled={disabled}
                    path='delivery.max_age_seconds'
                    error={e('max_age_seconds')}
                    onChange={(v) => set({max_age_seconds: v ?? NaN})}
                />
                <SecondsField
                    label={f(m.backoffBase)}
                    path='delivery.backoff_base_ms'
                    value={d.backoff_base_ms}
                    disabled={disabled}
                    error={e('backoff_base_ms')}
                    onChange={(v) => set({backoff_base_ms: v ?? NaN})}
                />
                <SecondsField
                    label={f(m.backoffMax)}
                    path='delivery.backoff_max_ms'
                    value={d.backoff_max_ms}
                    disabled={disabled}
                    error={e('backoff_max_ms')}
                    onChange={(v) => set({backoff_max_ms: v ?? NaN})}
                />
                <NumberField
                    label={f(m.ratePerRule)}
                    value={d.rate_per_rule_per_minute}
                    disabled={disabled}
                    path='delivery.rate_per_rule_per_minute'
                    error={e('rate_per_rule_per_minute')}
                    onChange={(rate_per_rule_per_minute) => set({rate_per_rule_per_minute})}
                />
                <NumberField
                    label={f(m.ratePerUser)}
                    value={d.rate_per_user_per_minute}
                    disabled={disabled}
                    path='delivery.rate_per_user_per_minute'
                    error={e('rate_per_user_per_minute')}
                    onChange={(rate_per_user_per_minute) => set({rate_per_user_per_minute})}
                />
                <SelectField
                    label={f(m.rateOverflow)}
                    value={d.rate_overflow}
                    disabled={disabled}
                    options={[
                        {value: 'queue', label: f(m.overflowQueue)},
                        {value: 'drop', label: f(m.overflowDrop)},
                    ]}
                    onChange={(rate_overflow) => set({rate_overflow})}
                />
            </div>
        </Section>
    );
}
