import {type Trigger} from '@tripwire/common';
import {useIntl} from 'react-intl';

import {triggerModeMessages} from './trigger_section';

/** "First word is deploy, ship" / "Matches the regular expression ^ticket (?P<id>\d+)" in one line. */
export function TriggerSummary({trigger}: {trigger: Trigger}) {
    const f = useIntl().formatMessage;
    const what = trigger.mode === 'regex' ? [trigger.pattern] : trigger.mode === 'any' ? [] : trigger.words;
    return (
        <span className='tw-small tw-muted'>
            {f(triggerModeMessages[trigger.mode])}{' '}
            {what.map((w, i) => (
                <span key={i}>
                    {i > 0 && ' '}
                    <span className='tw-code'>{w}</span>
                </span>
            ))}
        </span>
    );
}
