export * from './plugin_api';
export * from './clock';
export * from './channel_state';
export * from './metrics';
