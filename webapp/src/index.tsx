import {registerPlugin} from './host/globals';
import {pluginId} from './manifest';
import {TripwirePlugin} from './plugin';

registerPlugin(pluginId, new TripwirePlugin());
