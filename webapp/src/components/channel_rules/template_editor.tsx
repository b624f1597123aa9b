import {parseTemplate, renderTemplate, templateText} from '@tripwire/common';
import {useId, useMemo, useRef, useState} from 'react';
import {useIntl} from 'react-intl';

import {TextField} from '../common/fields';

import {m} from './messages';

/** The variables a template may use, as the server fills them (server/src/dispatch/payload/variables.ts). */
export const templateVariables = [
    'post.message',
    'user.username',
    'user.display_name',
    'channel.name',
    'channel.display_name',
    'team.name',
    'trigger_word',
    'groups',
    'post.id',
    'post.is_reply',
    'post.thread_root_id',
    'thread.root_message',
    'user.id',
    'channel.id',
    'event.type',
    'rule.name',
    'delivery.id',
    'delivery.response_url',
    // The rule's write-only token, for services that take their key in the body or query.
    'secrets.token',
] as const;

/** A sample trigger the preview renders with: the same tree the server builds, with made-up values. */
export function sampleVariables(message: string): Record<string, unknown> {
    return {
        post: {id: 'p8yt3kq1m7fqzc9wqyb6xe1a4r', message, create_at: 1_760_000_000_000, root_id: '', is_reply: false, thread_root_id: 'p8yt3kq1m7fqzc9wqyb6xe1a4r', edited: false},
        channel: {id: 'c4x9m2ht5bd3jq8wzkp7sy6n1e', name: 'town-square', display_name: 'Town Square', type: 'O'},
        team: {id: 't3n8x5bq2mz4hk9wrp6cy1v7ja', name: 'engineering', display_name: 'Engineering'},
        user: {id: 'u5q2kz8m1bx7ht4wnc9rp3y6ve', username: 'alice', first_name: 'Alice', last_name: 'Smith', nickname: '', is_bot: false, display_name: 'Alice Smith'},
        trigger_word: message.split(/\s+/)[0] ?? '',
        groups: {},
        thread: {},
        files: [],
        event: {type: 'post_created', id: 'sample'},
        // A message sample: no reaction and no join (the server sends these empty for messages too).
        reaction: {},
        actor: {},
        rule: {id: 'r2m9x4kq7bz1ht5wnc8py3v6je', name: 'Sample rule'},
        delivery: {id: 'd7k2m9x4q1bz8ht5wnc3py6v0e', webhook_id: 'msg_d7k2m9x4q1bz8ht5wnc3py6v0e', response_url: 'https://chat.example.com/plugins/tripwire/r/…'},
        // The token itself never reaches the panel: the preview shows where it goes.
        secrets: {token: '[token]'},
    };
}

/** Renders as the server does for a JSON or a text body: `{{json x}}` / `{{x | json}}` as JSON, `{{x}}` as text. */
export function previewTemplate(source: string, contentType: 'json' | 'text' | 'form', message: string): {text: string; problem?: string} {
    const parsed = parseTemplate(source);
    if (!parsed.ok) return {text: '', problem: parsed.error};
    const text = renderTemplate(parsed.parts, sampleVariables(message), (value, json) =>
        json ? JSON.stringify(value ?? null) : contentType === 'json' ? JSON.stringify(templateText(value)).slice(1, -1) : templateText(value),
    );
    if (contentType === 'json') {
        try {
            JSON.parse(text);
        } catch (e) {
            return {text, problem: `not valid JSON once filled in: ${e instanceof Error ? e.message : String(e)}`};
        }
    }
    return {text};
}

/**
 * The body template, with the variables one click away (inserted at the cursor, JSON-quoted in a JSON body) and a
 * live preview against a sample message.
 */
export function TemplateEditor({value, onChange, contentType, error, disabled, path}: {
    value: string;
    onChange(value: string): void;
    contentType: 'json' | 'text' | 'form';
    error?: string | undefined;
    disabled: boolean;
    path: string;
}) {
    const f = useIntl().formatMessage;
    const id = useId();
    const area = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
    const [sample, setSample] = useState('deploy api to production');
    const preview = useMemo(() => previewTemplate(value, contentType, sample), [value, contentType, sample]);
    const insert = (variable: string) => {
        const tag = contentType === 'json' ? `{{${variable} | json}}` : `{{${variable}}}`;
        const el = area.current;
        const start = el?.selectionStart ?? value.length;
        const end = el?.selectionEnd ?? value.length;
        onChange(value.slice(0, start) + tag + value.slice(end));
        requestAnimationFrame(() => {
            el?.focus();
            el?.setSelectionRange(start + tag.length, start + tag.length);
        });
    };
    return (
        <div className='tw-stack'>
            <TextField
                label={f(m.bodyTemplate)}
                path={path}
                inputRef={area}
                mono={true}
                multiline={true}
                rows={5}
                value={value}
                placeholder={contentType === 'json' ? '{"text": {{post.message | json}}}' : 'New message from {{user.username}}: {{post.message}}'}
                disabled={disabled}
                error={error}
                help={contentType === 'json' ? f(m.templateHelpJson, {example: '{{post.message | json}}'}) : f(m.templateHelpText, {example: '{{user.username}}'})}
                onChange={onChange}
            />
            <div
                role='group'
                aria-labelledby={`${id}-vars`}
            >
                <div
                    className='tw-label tw-small'
                    id={`${id}-vars`}
                >
                    {f(m.templateVariables)}
                </div>
                <div className='tw-chips'>
                    {templateVariables.map((v) => (
                        <button
                            key={v}
                            type='button'
                            className='tw-chip tw-chip-button tw-mono'
                            disabled={disabled}
                            aria-label={f(m.templateInsert, {variable: v})}
                            onClick={() => insert(v)}
                        >
                            {v}
                        </button>
                    ))}
                </div>
            </div>
            <div className='tw-grid-2'>
                <TextField
                    label={f(m.templateSample)}
                    value={sample}
                    onChange={setSample}
                />
                <div className='tw-field'>
                    <span
                        className='tw-label'
                        id={`${id}-preview`}
                    >
                        {f(m.templatePreview)}
                    </span>
                    {/* Focusable, as a region, so a keyboard user can scroll a long preview (axe: scrollable-region-focusable). */}
                    <pre
                        className='tw-pre'
                        aria-labelledby={`${id}-preview`}
                        role='region'
                        tabIndex={0}
                        data-testid='tripwire-template-preview'
                    >
                        {preview.text}
                    </pre>
                    {preview.problem && !error && <div className='tw-help tw-warning-text'>{preview.problem}</div>}
                </div>
            </div>
        </div>
    );
}
