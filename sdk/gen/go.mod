module github.com/tripwire/sdk/gen

go 1.26.7

require github.com/mattermost/mattermost/server/public v0.4.4

require (
	golang.org/x/mod v0.43.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/tools v0.53.0 // indirect
)
