export * from './plugin_api';
export * from './clock';
