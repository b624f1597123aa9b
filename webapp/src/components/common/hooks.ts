import {useDispatch, useSelector} from 'react-redux';

import {type Thunk} from '../../state/actions';
import {type PluginAction} from '../../state/reducer';
import {getPluginState} from '../../state/selectors';
import {type PluginState} from '../../state/types';

/** dispatch that accepts the slice's actions and thunks (Mattermost's store runs redux-thunk). */
export interface AppDispatch {
    <R>(thunk: Thunk<R>): Promise<R>;
    (action: PluginAction): PluginAction;
}

export function useAppDispatch(): AppDispatch {
    return useDispatch() as unknown as AppDispatch;
}

export function usePluginSelector<T>(select: (state: PluginState) => T): T {
    return useSelector((state: unknown) => select(getPluginState(state)));
}

/** A read of the host's own state (see state/host_selectors.ts). */
export function useHostSelector<T>(select: (state: unknown) => T): T {
    return useSelector(select);
}
