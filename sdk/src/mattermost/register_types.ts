import {registerInterfaceTypeLazily} from '../runtime/gob';
import {interfaceTypes} from '../generated/wire';
import {sdkGoType} from '../wire';

let registered = false;

/**
 * Registers with the gob runtime the concrete types plugin's init() registers for interface values, from the
 * generated table: the one set of registrations of the SDK (idempotent). Each type is built when a value of its
 * name first travels. The runtime's own `[]interface {}` and `map[string]interface {}` are the same descriptors
 * (its builders return one object per type), so they agree.
 */
export function registerPluginTypes(): void {
    if (registered) return;
    registered = true;
    for (const [name, type] of interfaceTypes) registerInterfaceTypeLazily(name, () => sdkGoType(type));
}
