// Mattermost on top of the go-plugin runtime: what main.ts and plugin entry points use.
export {runPlugin, type PluginRuntime, type RunPluginOptions} from './plugin';
export {type PluginHooks, implementedHooks} from './hooks/hooks';
export {MattermostApi, type ClusterSendType, type MattermostApiOptions} from './api/client';
export {type ServerConfig} from './api/server_config';
export {type KVSetOptions, type KVStore, type Logger, type PostThread, type ServerConfigInfo} from './api/types';
export {type Redact} from './api/logger';
export {AppError, APP_ERROR_BRAND, isAppError} from './app_error';
export {callByName, isApiMethod, type ApiMethodName} from './api/call_by_name';
export {requestContext, type NodeHandler} from './serve_http/in_memory_http';
export {lazyHandler} from './serve_http/lazy_handler';
export type {model, Draft} from './model';
