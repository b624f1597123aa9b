import {endpointUsesToken, httpMethods, payloadModes, ruleLimits, type Endpoint, type PayloadMode} from '@tripwire/common';
import {type ReactNode, useRef, useState} from 'react';
import {useIntl} from 'react-intl';

import {ClientError} from '../../client/client_core';
import {useClient} from '../common/client_context';
import {Badge} from '../common/badge';
import {CopyButton} from '../common/copy_button';
import {Checkbox, LinesField, NumberField, SecondsField, SelectField, TextField} from '../common/fields';
import {commonMessages} from '../common/messages';

import {KeyValueEditor} from './key_value_editor';
import {m} from './messages';
import {compact, errorAt, errorCountUnder, errorsUnder, newEndpoint} from './rule_form_state';
import {plainHeaders, SecretHeaders, secretHeaderValues} from './secret_headers';
import {Section} from './section';
import {TemplateEditor} from './template_editor';
import {TokenField} from './token_field';

const payloadMessages: Record<PayloadMode, (typeof m)[keyof typeof m]> = {
    compat: m.payloadCompat,
    slack: m.payloadSlack,
    rich: m.payloadRich,
    template: m.payloadTemplate,
};

type Props = {
    endpoints: Endpoint[];
    onChange(endpoints: Endpoint[]): void;
    errors: Record<string, string>;
    disabled: boolean;
    /** The saved rule, when there is one: signing secrets are set on stored endpoints only. */
    ruleId: string | null;
    /** The compat token typed in this editor (saved with the rule), and whether one is stored. */
    token: string | undefined;
    hasToken: boolean;
    onTokenChange(token: string | undefined): void;
};

export function EndpointsSection({endpoints, onChange, errors, disabled, ruleId, token: tokenValue, hasToken, onTokenChange}: Props) {
    const f = useIntl().formatMessage;
    const usesToken = endpoints.some((e) => e.payload === 'compat' || e.payload === 'slack' || endpointUsesToken(e));
    const token = usesToken && (
        <TokenField
            error={errors['secrets.token']}
            value={tokenValue}
            hasToken={hasToken}
            disabled={disabled}
            onChange={onTokenChange}
        />
    );
    const solo = endpoints.length === 1;
    return (
        <Section
            title={f(m.sectionEndpoints)}
            errors={errorCountUnder(errors, ['endpoints'])}
        >
            {errors.endpoints && (
                <div
                    className='tw-error'
                    data-path='endpoints'
                    tabIndex={-1}
                >
                    {errors.endpoints}
                </div>
            )}
            {endpoints.map((ep, i) => (
                <EndpointForm
                    key={i}
                    n={i + 1}
                    endpoint={ep}
                    base={`endpoints.${i}`}
                    errors={errors}
                    disabled={disabled}
                    ruleId={ruleId}
                    removable={!solo}
                    tokenSlot={solo ? token : undefined}
                    onChange={(next) => onChange(endpoints.map((e, j) => (j === i ? next : e)))}
                    onRemove={() => onChange(endpoints.filter((_, j) => j !== i))}
                />
            ))}
            {endpoints.length < ruleLimits.endpointsMax && (
                <div>
                    <button
                        type='button'
                        className='tw-btn tw-btn-secondary'
                        disabled={disabled}
                        onClick={() => onChange([...endpoints, newEndpoint(endpoints.map((e) => e.id))])}
                    >
                        {'+ '}
                        {f(m.addEndpoint)}
                    </button>
                </div>
            )}
            {!solo && token}
        </Section>
    );
}

/** Which template fields an endpoint sends with its payload and content type; the others wait aside. */
function templateFieldsFor(ep: Pick<Endpoint, 'payload' | 'content_type'>): {body: boolean; form: boolean} {
    return {body: ep.payload === 'template' && ep.content_type !== 'form', form: ep.payload === 'template' && ep.content_type === 'form'};
}

function EndpointForm({n, endpoint: ep, base, errors, disabled, ruleId, removable, tokenSlot, onChange, onRemove}: {
    n: number;
    endpoint: Endpoint;
    base: string;
    errors: Record<string, string>;
    disabled: boolean;
    ruleId: string | null;
    removable: boolean;
    /** The rule's token field, in this endpoint's row when it is the only endpoint (so a simple rule fits on a screen). */
    tokenSlot?: ReactNode;
    onChange(e: Endpoint): void;
    onRemove(): void;
}) {
    const f = useIntl().formatMessage;
    const set = (patch: Partial<Endpoint>) => onChange(compact({...ep, ...patch}));
    const e = (field: string) => errorAt(errors, `${base}.${field}`);
    // A template set aside when the payload or content type stops sending it, given back when they send it again, so a
    // switch neither loses it nor leaves it behind unseen.
    const aside = useRef<Pick<Endpoint, 'body_template' | 'form_fields'>>({});
    const switchTo = (patch: Pick<Partial<Endpoint>, 'payload' | 'content_type'>) => {
        const next = {...ep, ...patch};
        if (next.payload === 'slack' || next.payload === 'rich') next.content_type = next.payload === 'slack' ? 'form' : 'json';
        if (next.payload === 'compat' && next.content_type === 'text') next.content_type = 'json';
        const wants = templateFieldsFor(next);
        const kept = {body_template: ep.body_template ?? aside.current.body_template, form_fields: ep.form_fields ?? aside.current.form_fields};
        aside.current = {...(!wants.body && kept.body_template !== undefined && {body_template: kept.body_template}), ...(!wants.form && kept.form_fields !== undefined && {form_fields: kept.form_fields})};
        onChange(compact({...next, body_template: wants.body ? kept.body_template : undefined, form_fields: wants.form ? kept.form_fields : undefined}));
    };
    const fields = templateFieldsFor(ep);
    const leftover = (!fields.body && ep.body_template !== undefined) || (!fields.form && ep.form_fields !== undefined);
    const advancedErrors = errorCountUnder(errors, ['headers', 'query', 'secret_headers', 'timeout_ms', 'max_concurrency', 'id'].map((k) => `${base}.${k}`));
    const headerErrors = errorsUnder(errors, `${base}.headers`);
    return (
        <div
            className={removable ? 'tw-section' : ''}
            role='group'
            aria-label={f(m.endpoint, {n})}
            data-label-prefix={f(m.endpoint, {n})}
        >
            {removable && (
            <div className='tw-row'>
                <span className='tw-section-title tw-grow'>{f(m.endpoint, {n})}</span>
                {removable && (
                    <button
                        type='button'
                        className='tw-btn tw-btn-danger'
                        aria-label={f(m.endpointRemove, {n})}
                        disabled={disabled}
                        onClick={onRemove}
                    >
                        {f(commonMessages.remove)}
                    </button>
                )}
            </div>
            )}
            <div className='tw-stack'>
                <div className='tw-grid-3'>
                    <div className='tw-span-2'>
                        <TextField
                            label={f(m.url)}
                            path={`${base}.url`}
                            help={f(m.urlHelp, {example: '{{channel.name}}'})}
                            type='url'
                            mono={true}
                            value={ep.url}
                            placeholder='https://example.com/hooks/tripwire'
                            disabled={disabled}
                            error={e('url')}
                            onChange={(url) => set({url})}
                        />
                    </div>
                    <div>
                        <SelectField
                            label={f(m.method)}
                            path={`${base}.method`}
                            value={ep.method}
                            disabled={disabled}
                            options={httpMethods.map((v) => ({value: v, label: v}))}
                            onChange={(method) => set({method})}
                        />
                    </div>
                </div>
                <div className='tw-grid-3'>
                    <SelectField
                        label={f(m.payload)}
                        path={`${base}.payload`}
                        value={ep.payload}
                        disabled={disabled}
                        error={e('payload')}
                        options={payloadModes.map((v) => ({value: v, label: f(payloadMessages[v])}))}
                        onChange={(payload) => switchTo({payload})}
                    />
                    <SelectField
                        label={f(m.contentType)}
                        path={`${base}.content_type`}
                        value={ep.content_type}
                        disabled={disabled || ep.payload === 'slack' || ep.payload === 'rich'}
                        error={e('content_type')}
                        options={[
                            {value: 'json', label: 'application/json'},
                            {value: 'form', label: 'application/x-www-form-urlencoded'},
                            ...(ep.payload === 'compat' ? [] : [{value: 'text' as const, label: 'text/plain'}]),
                        ]}
                        onChange={(content_type) => switchTo({content_type})}
                    />
                    {tokenSlot}
                </div>
                {leftover && (
                    <div>
                        <button
                            type='button'
                            className='tw-btn tw-btn-secondary'
                            disabled={disabled}
                            onClick={() => set({body_template: undefined, form_fields: undefined})}
                        >
                            {f(m.removeLeftoverTemplate)}
                        </button>
                    </div>
                )}
                {fields.body && (
                    <TemplateEditor
                        path={`${base}.body_template`}
                        value={ep.body_template ?? ''}
                        contentType={ep.content_type}
                        disabled={disabled}
                        error={e('body_template')}
                        onChange={(t) => set({body_template: t === '' ? undefined : t})}
                    />
                )}
                {fields.form && (
                    <KeyValueEditor
                        label={f(m.formFields)}
                        path={`${base}.form_fields`}
                        value={ep.form_fields ?? {}}
                        disabled={disabled}
                        error={e('form_fields') ?? e('body_template')}
                        rowErrors={errorsUnder(errors, `${base}.form_fields`)}
                        onChange={(form_fields) => set({form_fields})}
                    />
                )}
                <details className='tw-more'>
                    <summary>
                        <span className='tw-row'>
                            <span>{f(m.moreEndpointOptions, {n})}</span>
                            {advancedErrors > 0 && <Badge tone='danger'>{f(m.sectionErrors, {count: advancedErrors})}</Badge>}
                        </span>
                    </summary>
                    <div className='tw-stack'>
                        <KeyValueEditor
                            label={f(m.headers)}
                            path={`${base}.headers`}
                            value={plainHeaders(ep)}
                            disabled={disabled}
                            error={e('headers')}
                            rowErrors={headerErrors}
                            onChange={(plain) => set({headers: {...plain, ...secretHeaderValues(ep)}})}
                        />
                        <KeyValueEditor
                            label={f(m.query)}
                            path={`${base}.query`}
                            value={ep.query}
                            disabled={disabled}
                            error={e('query')}
                            rowErrors={errorsUnder(errors, `${base}.query`)}
                            onChange={(query) => set({query})}
                        />
                        <LinesField
                            label={f(m.secretHeaders)}
                            path={`${base}.secret_headers`}
                            mono={true}
                            values={ep.secret_headers}
                            disabled={disabled}
                            error={e('secret_headers')}
                            onChange={(secret_headers) => set({secret_headers})}
                        />
                        <SecretHeaders
                            endpoint={ep}
                            disabled={disabled}
                            errors={headerErrors}
                            onChange={(secrets) => set({headers: {...plainHeaders(ep), ...secrets}})}
                        />
                        <div className='tw-grid-3'>
                            <SecondsField
                                label={f(m.timeout)}
                                path={`${base}.timeout_ms`}
                                value={ep.timeout_ms}
                                disabled={disabled}
                                error={e('timeout_ms')}
                                onChange={(v) => set({timeout_ms: v ?? NaN})}
                            />
                            <NumberField
                                label={f(m.concurrency)}
                                path={`${base}.max_concurrency`}
                                value={ep.max_concurrency}
                                disabled={disabled}
                                error={e('max_concurrency')}
                                onChange={(v) => set({max_concurrency: v ?? NaN})}
                            />
                            <TextField
                                label={f(m.endpointId)}
                                path={`${base}.id`}
                                mono={true}
                                value={ep.id}
                                disabled={disabled}
                                error={e('id')}
                                onChange={(id) => set({id})}
                            />
                        </div>
                        <div className='tw-row tw-wrap'>
                            <Checkbox
                                label={f(m.followRedirects)}
                                checked={ep.follow_redirects}
                                disabled={disabled}
                                onChange={(follow_redirects) => set({follow_redirects})}
                            />
                            <Checkbox
                                label={f(m.endpointEnabled)}
                                checked={ep.enabled}
                                disabled={disabled}
                                onChange={(enabled) => set({enabled})}
                            />
                        </div>
                    </div>
                </details>
                <SigningSecret
                    ruleId={ruleId}
                    endpoint={ep}
                    disabled={disabled}
                    onSigned={() => set({has_secret: true})}
                />
            </div>
        </div>
    );
}

function SigningSecret({ruleId, endpoint, disabled, onSigned}: {ruleId: string | null; endpoint: Endpoint; disabled: boolean; onSigned(): void}) {
    const f = useIntl().formatMessage;
    const client = useClient();
    const [secret, setSecret] = useState<string | null>(null);
    const [error, setError] = useState<string | null>(null);
    const [busy, setBusy] = useState(false);
    const generate = async () => {
        if (!ruleId) return;
        setBusy(true);
        setError(null);
        try {
            const res = await client.setSigningSecret(ruleId, endpoint.id, endpoint.has_secret ? {keep_previous_seconds: 86_400} : {});
            setSecret(res.secret);
            onSigned();
        } catch (err) {
            setError(err instanceof ClientError ? err.message : String(err));
        } finally {
            setBusy(false);
        }
    };
    return (
        <div className='tw-field'>
            <span className='tw-label'>{f(m.signing)}</span>
            <div className='tw-row tw-wrap'>
                <span className='tw-help tw-grow'>{ruleId ? f(endpoint.has_secret ? m.signed : m.unsigned) : f(m.signingAfterSave)}</span>
                {ruleId && (
                    <button
                        type='button'
                        className='tw-btn tw-btn-secondary'
                        disabled={disabled || busy}
                        onClick={() => void generate()}
                    >
                        {f(endpoint.has_secret ? m.rotateSecret : m.generateSecret)}
                    </button>
                )}
            </div>
            {secret && (
                <div className='tw-notice tw-row tw-wrap'>
                    <span className='tw-grow tw-mono'>{f(m.secretShown, {secret})}</span>
                    <CopyButton
                        value={secret}
                        label={f(m.signing)}
                    />
                </div>
            )}
            {error && <div className='tw-error'>{error}</div>}
        </div>
    );
}
