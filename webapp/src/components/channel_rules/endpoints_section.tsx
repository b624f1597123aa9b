import {httpMethods, isSecretHeader, payloadModes, ruleLimits, secretHeaderNames, type Endpoint, type PayloadMode} from '@tripwire/common';
import {useState} from 'react';
import {useIntl} from 'react-intl';

import {ClientError} from '../../client/client_core';
import {useClient} from '../common/client_context';
import {Checkbox, LinesField, NumberField, SelectField, TextField} from '../common/fields';
import {commonMessages} from '../common/messages';

import {KeyValueEditor} from './key_value_editor';
import {m} from './messages';
import {compact, errorAt, errorCountUnder, newEndpoint} from './rule_form_state';
import {Section} from './section';

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
};

export function EndpointsSection({endpoints, onChange, errors, disabled, ruleId}: Props) {
    const f = useIntl().formatMessage;
    return (
        <Section
            title={f(m.sectionEndpoints)}
            errors={errorCountUnder(errors, ['endpoints'])}
        >
            {errors.endpoints && <div className='tw-error'>{errors.endpoints}</div>}
            {endpoints.map((ep, i) => (
                <EndpointForm
                    key={i}
                    n={i + 1}
                    endpoint={ep}
                    base={`endpoints.${i}`}
                    errors={errors}
                    disabled={disabled}
                    ruleId={ruleId}
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
                        onClick={() => onChange([...endpoints, newEndpoint()])}
                    >
                        {'+ '}
                        {f(m.addEndpoint)}
                    </button>
                </div>
            )}
        </Section>
    );
}

function EndpointForm({n, endpoint: ep, base, errors, disabled, ruleId, onChange, onRemove}: {
    n: number;
    endpoint: Endpoint;
    base: string;
    errors: Record<string, string>;
    disabled: boolean;
    ruleId: string | null;
    onChange(e: Endpoint): void;
    onRemove(): void;
}) {
    const f = useIntl().formatMessage;
    const set = (patch: Partial<Endpoint>) => onChange(compact({...ep, ...patch}));
    const e = (field: string) => errorAt(errors, `${base}.${field}`);
    return (
        <div className='tw-section'>
            <div className='tw-row'>
                <span className='tw-section-title tw-grow'>{f(m.endpoint, {n})}</span>
                <button
                    type='button'
                    className='tw-btn tw-btn-danger'
                    disabled={disabled}
                    onClick={onRemove}
                >
                    {f(commonMessages.remove)}
                </button>
            </div>
            <div className='tw-stack'>
                <div
                    className='tw-row'
                    style={{alignItems: 'flex-start'}}
                >
                    <div style={{width: 120}}>
                        <SelectField
                            label={f(m.method)}
                            value={ep.method}
                            disabled={disabled}
                            options={httpMethods.map((v) => ({value: v, label: v}))}
                            onChange={(method) => set({method})}
                        />
                    </div>
                    <div className='tw-grow'>
                        <TextField
                            label={f(m.url)}
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
                </div>
                <div className='tw-grid-2'>
                    <SelectField
                        label={f(m.payload)}
                        value={ep.payload}
                        disabled={disabled}
                        error={e('payload')}
                        options={payloadModes.map((v) => ({value: v, label: f(payloadMessages[v])}))}
                        onChange={(payload) => set({payload})}
                    />
                    <SelectField
                        label={f(m.contentType)}
                        value={ep.content_type}
                        disabled={disabled || ep.payload === 'slack' || ep.payload === 'rich'}
                        error={e('content_type')}
                        options={[
                            {value: 'json', label: 'JSON'},
                            {value: 'form', label: 'Form (x-www-form-urlencoded)'},
                            {value: 'text', label: 'Text'},
                        ]}
                        onChange={(content_type) => set({content_type})}
                    />
                </div>
                {ep.payload === 'template' && ep.content_type !== 'form' && (
                    <TextField
                        label={f(m.bodyTemplate)}
                        mono={true}
                        multiline={true}
                        rows={5}
                        value={ep.body_template ?? ''}
                        placeholder={'{"text": {{post.message | json}}}'}
                        disabled={disabled}
                        error={e('body_template')}
                        onChange={(t) => set({body_template: t === '' ? undefined : t})}
                    />
                )}
                {ep.payload === 'template' && ep.content_type === 'form' && (
                    <KeyValueEditor
                        label={f(m.formFields)}
                        value={ep.form_fields ?? {}}
                        disabled={disabled}
                        error={e('form_fields') ?? e('body_template')}
                        onChange={(form_fields) => set({form_fields})}
                    />
                )}
                <KeyValueEditor
                    label={f(m.headers)}
                    value={plainHeaders(ep)}
                    disabled={disabled}
                    error={e('headers')}
                    onChange={(plain) => set({headers: {...plain, ...secretHeaderValues(ep)}})}
                />
                <KeyValueEditor
                    label={f(m.query)}
                    value={ep.query}
                    disabled={disabled}
                    error={e('query')}
                    onChange={(query) => set({query})}
                />
                <LinesField
                    label={f(m.secretHeaders)}
                    mono={true}
                    values={ep.secret_headers}
                    error={e('secret_headers')}
                    onChange={(secret_headers) => set({secret_headers})}
                />
                <SecretHeaders
                    endpoint={ep}
                    disabled={disabled}
                    onChange={(secrets) => set({headers: {...plainHeaders(ep), ...secrets}})}
                />
                <div className='tw-grid-3'>
                    <NumberField
                        label={f(m.timeout)}
                        value={ep.timeout_ms}
                        disabled={disabled}
                        error={e('timeout_ms')}
                        onChange={(v) => set({timeout_ms: v ?? 15_000})}
                    />
                    <NumberField
                        label={f(m.concurrency)}
                        value={ep.max_concurrency}
                        disabled={disabled}
                        error={e('max_concurrency')}
                        onChange={(v) => set({max_concurrency: v ?? 8})}
                    />
                    <TextField
                        label={f(m.endpointId)}
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

/** The headers shown as they are: every one that is not secret. */
function plainHeaders(ep: Endpoint): Record<string, string> {
    return Object.fromEntries(Object.entries(ep.headers).filter(([name]) => !isSecretHeader(ep, name)));
}

/** Secret header values typed in this editor (the server never sends stored ones back). */
function secretHeaderValues(ep: Endpoint): Record<string, string> {
    return Object.fromEntries(Object.entries(ep.headers).filter(([name]) => isSecretHeader(ep, name)));
}

/**
 * Secret headers, write-only: each says whether a value is stored, with a field to replace it. An empty field keeps
 * the stored value; what is typed goes out with the rule once, like a password.
 */
function SecretHeaders({endpoint: ep, disabled, onChange}: {endpoint: Endpoint; disabled: boolean; onChange(values: Record<string, string>): void}) {
    const f = useIntl().formatMessage;
    const names = secretHeaderNames(ep);
    if (names.length === 0) return null;
    const typed = secretHeaderValues(ep);
    const stored = new Set(ep.secret_headers_set.map((n) => n.toLowerCase()));
    const typedValue = (name: string) => Object.entries(typed).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
    const change = (name: string, value: string) => {
        const next = Object.fromEntries(Object.entries(typed).filter(([n]) => n.toLowerCase() !== name.toLowerCase()));
        onChange(value === '' ? next : {...next, [name]: value});
    };
    return (
        <div className='tw-field'>
            <span className='tw-label'>{f(m.secretHeaderValues)}</span>
            <ul
                className='tw-stack'
                style={{listStyle: 'none', padding: 0, margin: 0}}
            >
                {names.map((name) => {
                    const value = typedValue(name) ?? '';
                    const status = value ? m.secretHeaderPending : stored.has(name.toLowerCase()) ? m.secretHeaderSet : m.secretHeaderNotSet;
                    return (
                        <li
                            key={name}
                            className='tw-row tw-wrap'
                            data-testid='tripwire-secret-header'
                        >
                            <span className='tw-help tw-mono tw-grow'>{f(status, {name})}</span>
                            <input
                                className='tw-input tw-mono'
                                type='password'
                                autoComplete='new-password'
                                aria-label={f(m.secretHeaderReplace, {name})}
                                value={value}
                                disabled={disabled}
                                onChange={(event) => change(name, event.target.value)}
                            />
                        </li>
                    );
                })}
            </ul>
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
            {secret && <div className='tw-notice tw-mono'>{f(m.secretShown, {secret})}</div>}
            {error && <div className='tw-error'>{error}</div>}
        </div>
    );
}
