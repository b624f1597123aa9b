import {defineMessages} from 'react-intl';

export const commonMessages = defineMessages({
    close: {id: 'tripwire.common.close', defaultMessage: 'Close'},
    cancel: {id: 'tripwire.common.cancel', defaultMessage: 'Cancel'},
    save: {id: 'tripwire.common.save', defaultMessage: 'Save'},
    loading: {id: 'tripwire.common.loading', defaultMessage: 'Loading…'},
    retry: {id: 'tripwire.common.retry', defaultMessage: 'Try again'},
    remove: {id: 'tripwire.common.remove', defaultMessage: 'Remove'},
    panelLabel: {id: 'tripwire.header.label', defaultMessage: 'Tripwire rules'},
    copy: {id: 'tripwire.common.copy', defaultMessage: 'Copy'},
    copied: {id: 'tripwire.common.copied', defaultMessage: 'Copied'},
    copyFailed: {id: 'tripwire.common.copy_failed', defaultMessage: 'Select the text and copy it by hand'},
});
