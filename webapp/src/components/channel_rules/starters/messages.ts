import {defineMessages} from 'react-intl';

/** The panel's two ways to start a rule from something that exists: a service template, a native outgoing webhook. */
export const sm = defineMessages({
    templateTitle: {id: 'tripwire.template.title', defaultMessage: 'Start from a template'},
    templateLabel: {id: 'tripwire.template.label', defaultMessage: 'Service'},
    templateNone: {id: 'tripwire.template.none', defaultMessage: 'Choose a service…'},
    templateHelp: {
        id: 'tripwire.template.help',
        defaultMessage: 'Fills the callback URL, method, headers, body and reply settings with the request the service documents. You add your own key or token and replace the placeholders.',
    },
    templateApply: {id: 'tripwire.template.apply', defaultMessage: 'Use template'},
    templateDocs: {id: 'tripwire.template.docs', defaultMessage: 'The service’s documentation'},
    templateApplied: {
        id: 'tripwire.template.applied',
        defaultMessage: 'Filled from the {service} template. {fill, select, none {} other {Replace {fill} in the callback URL, and }}enter the key or token in the Token field: it is stored as a secret and sent where the template says {placeholder}.',
    },
    templateReplace: {id: 'tripwire.template.replace', defaultMessage: 'Replacing the form with a template discards what you typed. Use it anyway?'},

    nativeOpen: {id: 'tripwire.native.open', defaultMessage: 'Import native webhooks'},
    nativeTitle: {id: 'tripwire.native.title', defaultMessage: 'Native outgoing webhooks of this channel'},
    nativeIntro: {
        id: 'tripwire.native.intro',
        defaultMessage: 'Each becomes a rule with the Mattermost-compatible payload: same trigger words, callback URLs and token, so your service sees the same request.',
    },
    nativeLoading: {id: 'tripwire.native.loading', defaultMessage: 'Loading the channel’s outgoing webhooks…'},
    nativeNone: {id: 'tripwire.native.none', defaultMessage: 'This channel has no native outgoing webhooks.'},
    nativeLoadFailed: {id: 'tripwire.native.load_failed', defaultMessage: 'Could not list the outgoing webhooks: {message}'},
    nativeClose: {id: 'tripwire.native.close', defaultMessage: 'Close'},
    nativeConvert: {id: 'tripwire.native.convert', defaultMessage: 'Convert to rule'},
    nativeConvertLabel: {id: 'tripwire.native.convert_label', defaultMessage: 'Convert to rule: {name}'},
    nativeConverting: {id: 'tripwire.native.converting', defaultMessage: 'Converting…'},
    nativeConverted: {id: 'tripwire.native.converted', defaultMessage: 'Converted: rule “{rule}”'},
    nativeConvertedHelp: {
        id: 'tripwire.native.converted_help',
        defaultMessage: 'The native webhook still fires too: delete it in Integrations › Outgoing Webhooks once the rule works, or your service gets each message twice.',
    },
    nativeCannot: {id: 'tripwire.native.cannot', defaultMessage: 'Cannot be converted: {reason}'},
    nativeFailed: {id: 'tripwire.native.failed', defaultMessage: 'Not converted: {reason}'},
    nativeWarning: {id: 'tripwire.native.warning', defaultMessage: 'Note: {warning}'},
    nativeTriggers: {id: 'tripwire.native.triggers', defaultMessage: '{when, select, starts {First word starts with} other {First word is}} {words}'},
    nativeAnyMessage: {id: 'tripwire.native.any_message', defaultMessage: 'Every message'},
    nativeTeamWide: {id: 'tripwire.native.team_wide', defaultMessage: 'Every public channel of the team'},
    nativeCallbacks: {id: 'tripwire.native.callbacks', defaultMessage: '{count, plural, one {Calls} other {Calls # URLs:}} {urls}'},
});
