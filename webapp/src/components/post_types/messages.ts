import {defineMessages} from 'react-intl';

export const pm = defineMessages({
    bot: {id: 'tripwire.post.bot', defaultMessage: 'BOT'},
    delayed: {id: 'tripwire.post.delayed', defaultMessage: 'Delayed'},
    onlyYou: {id: 'tripwire.post.only_you', defaultMessage: '(Only visible to you)'},
    inThread: {id: 'tripwire.post.in_thread', defaultMessage: 'In the thread'},
    actionFailed: {id: 'tripwire.post.action_failed', defaultMessage: 'The action failed: {message}'},
    selectPlaceholder: {id: 'tripwire.post.select_placeholder', defaultMessage: 'Choose…'},

    cardPending: {id: 'tripwire.card.pending', defaultMessage: 'Sending to {rule}…'},
    cardRetrying: {id: 'tripwire.card.retrying', defaultMessage: 'Retrying {attempt, number}{max, select, none {} other { of {max}}} — {rule}'},
    cardSucceeded: {id: 'tripwire.card.succeeded', defaultMessage: 'Delivered to {rule}'},
    cardFailed: {id: 'tripwire.card.failed', defaultMessage: 'Delivery to {rule} failed'},
    cardDropped: {id: 'tripwire.card.dropped', defaultMessage: 'Not sent to {rule}'},
    cardCancelled: {id: 'tripwire.card.cancelled', defaultMessage: 'Cancelled: {rule} lost this endpoint before it was sent'},
    cardAttempt: {id: 'tripwire.card.attempt', defaultMessage: 'Attempt {attempt}{max, select, none {} other { of {max}}}'},
    cardNextAttempt: {id: 'tripwire.card.next_attempt', defaultMessage: 'next try in {seconds} s'},
    /** "Replay" everywhere (the panel's delivery log says the same). */
    cardRetry: {id: 'tripwire.card.replay', defaultMessage: 'Replay'},
    cardReplayConfirm: {id: 'tripwire.card.replay_confirm', defaultMessage: 'Send this delivery to {rule}’s service again? It gets the same webhook-id, so a service that already handled it can ignore it.'},
    cardRetried: {id: 'tripwire.card.retried', defaultMessage: 'Queued again'},
    cardInvalid: {id: 'tripwire.card.invalid', defaultMessage: 'This Tripwire status card is missing its delivery details.'},
});
