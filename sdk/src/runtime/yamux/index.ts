export {YamuxSession, type YamuxOptions} from './session';
export {YamuxStream} from './stream';
export {YamuxError, type YamuxErrorCode} from './errors';
