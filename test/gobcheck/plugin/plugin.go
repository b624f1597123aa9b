// Package plugin mirrors the one Mattermost type of server/public/plugin that travels inside error interfaces; its
// package name makes gob.Register produce Mattermost's exact name, "*plugin.ErrorString".
package plugin

type ErrorString struct {
	Code int
	Err  string
}

func (e *ErrorString) Error() string { return e.Err }
