import {isMessageEvent, type RuleEvent, type Trigger} from '@tripwire/common';
import {useIntl} from 'react-intl';

import {eventLabels} from './basics_section';
import {triggerModeMessages} from './trigger_section';

/** "First word is deploy, ship" / "Matches the regular expression ^ticket (?P<id>\d+)" in one line. */
export function TriggerSummary({trigger, events = [], emoji = []}: {trigger: Trigger; events?: readonly RuleEvent[]; emoji?: readonly string[]}) {
    const f = useIntl().formatMessage;
    const what = trigger.mode === 'regex' ? [trigger.pattern] : trigger.mode === 'any' ? [] : trigger.words;
    // Reactions, joins and leaves are named after the trigger: "Every message · Reactions added :ticket:".
    const others = events.filter((e) => !isMessageEvent(e));
    return (
        <span className='tw-small tw-muted'>
            {f(triggerModeMessages[trigger.mode])}{' '}
            {what.map((w, i) => (
                <span key={i}>
                    {i > 0 && ' '}
                    <span className='tw-code'>{w}</span>
                </span>
            ))}
            {others.map((e) => (
                <span key={e}>
                    {' · '}
                    {f(eventLabels[e])}
                    {e.startsWith('reaction_') && emoji.map((name) => <span key={name}>{' '}<span className='tw-code'>{`:${name}:`}</span></span>)}
                </span>
            ))}
        </span>
    );
}
