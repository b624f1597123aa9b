// A whole Mattermost server plugin on @tripwire/sdk: a /hello command, a reply to "ping", one HTTP route.
import {runPlugin} from '@tripwire/sdk';

void runPlugin(
    ({api}) => {
        let botId = '';
        return {
            async onActivate() {
                botId = await api.ensureBotUser({username: 'hello-bot', display_name: 'Hello'});
                await api.registerCommand({trigger: 'hello', auto_complete: true, auto_complete_desc: 'Say hello'});
            },
            async executeCommand(_context, args) {
                const user = await api.getUser(args.user_id);
                return {response_type: 'ephemeral', text: `Hello, @${user.username}!`};
            },
            async messageHasBeenPosted(_context, post) {
                if (post.user_id === botId || post.message.trim().toLowerCase() !== 'ping') return;
                await api.createPost({channel_id: post.channel_id, root_id: post.root_id || post.id, user_id: botId, message: 'pong'});
            },
            serveHTTP(req, res) {
                if (req.method !== 'GET' || req.url?.split('?')[0] !== '/hello') {
                    res.writeHead(404).end();
                    return;
                }
                const userId = req.headers['mattermost-user-id'];
                res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({hello: userId || 'anonymous'}));
            },
        };
    },
    {aboutText: 'hello: a Mattermost server plugin; install it in Mattermost (System Console > Plugins).'},
);
