import {type Store} from 'redux';

import {type PluginEntry, type PluginRegistry} from './host/globals';

/** Every registry.register* call lives here, in one readable block (filled by the webapp issue). */
export class TripwirePlugin implements PluginEntry {
    initialize(_registry: PluginRegistry, _store: Store): void {
        // The channel rules panel, post renderers and admin console setting register here.
    }
}
