// Mattermost on top of the go-plugin runtime: what main.ts and plugin entry points use.
export {runPlugin, type PluginRuntime, type RunPluginOptions} from './plugin';
export {type PluginHooks, implementedHooks} from './hooks/hooks';
export {MattermostApi, type ClusterSendType} from './api/client';
export {callByName, isApiMethod} from './api/call_by_name';
export {requestContext, type NodeHandler} from './serve_http/in_memory_http';
export {lazyHandler} from './serve_http/lazy_handler';
export type * from './wire';
