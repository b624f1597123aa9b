package host

import (
	"reflect"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// RunMultiPluginHook calls env.RunMultiPluginHook, the server's dispatch of a hook to every active plugin that
// implements it, with f getting each plugin's manifest on every public module the suite runs against. Since 10.x the
// environment passes the manifest itself; the 9.11 ESR module (v0.1.6) passes the hooks alone, and the manifest is
// then the one of the active plugin whose hooks these are (HooksForPlugin returns the same client). The environment's
// method is called through reflection so that one source compiles against both signatures.
func RunMultiPluginHook(env *plugin.Environment, f func(plugin.Hooks, *model.Manifest) bool, hookID int) {
	run := reflect.ValueOf(env.RunMultiPluginHook)
	runner := run.Type().In(0)
	callback := reflect.ValueOf(f)
	if runner.NumIn() == 1 {
		callback = reflect.MakeFunc(runner, func(args []reflect.Value) []reflect.Value {
			hooks, _ := args[0].Interface().(plugin.Hooks)
			return []reflect.Value{reflect.ValueOf(f(hooks, manifestOf(env, hooks)))}
		})
	}
	run.Call([]reflect.Value{callback, reflect.ValueOf(hookID)})
}

func manifestOf(env *plugin.Environment, hooks plugin.Hooks) *model.Manifest {
	for _, info := range env.Active() {
		if h, err := env.HooksForPlugin(info.Manifest.Id); err == nil && h == hooks {
			return info.Manifest
		}
	}
	return nil
}
