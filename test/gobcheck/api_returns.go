package main

import "tripwire.test/gobcheck/model"

// The reply structs of plugin API methods, as Mattermost's generator names them (client_rpc_generated.go). Each
// has two cases: "<name>" with every field Mattermost sends, and "<name>/declared" with only the fields
// sdk/src/mattermost/wire declares, which is what the TypeScript side re-encodes from the first.

type Z_GetPostThreadReturns struct {
	A *model.PostList
	B *model.AppError
}

type Z_GetFileInfoReturns struct {
	A *model.FileInfo
	B *model.AppError
}

type Z_GetGroupsForUserReturns struct {
	A []*model.Group
	B *model.AppError
}

func threadPost(id, root, user, message string, at int64, full bool) *model.Post {
	p := &model.Post{Id: id, RootId: root, UserId: user, ChannelId: "c1", Message: message, CreateAt: at, UpdateAt: at, ReplyCount: 2,
		Props: model.StringInterface{"from_bot": "true"}, FileIds: model.StringArray{"f1"}}
	if full {
		p.Filenames = model.StringArray{"a.txt"}
		p.Participants = []*model.User{{Id: user, Username: "alice"}}
		p.Metadata = &model.PostMetadata{ExpireAt: 9}
	} else {
		// Metadata is declared for its Priority only: what is left of {ExpireAt: 9} is an empty, non-nil struct.
		p.Metadata = &model.PostMetadata{}
	}
	return p
}

func postThreadReturns(full bool) Z_GetPostThreadReturns {
	root := threadPost("root", "", "u1", "release thread ✓", 1_700_000_000_000, full)
	r1 := threadPost("r1", "root", "u2", "first", 1_700_000_000_100, full)
	r2 := threadPost("r2", "root", "u1", "", 1_700_000_000_200, full)
	list := &model.PostList{
		Order:                     []string{"r1", "r2", "root"},
		Posts:                     map[string]*model.Post{"root": root, "r1": r1, "r2": r2},
		PrevPostId:                "prev",
		HasNext:                   ptr(true),
		FirstInaccessiblePostTime: 5,
	}
	if full {
		list.BurnOnReadPosts = map[string]*model.Post{"x": {Id: "x", Message: "secret"}}
	}
	return Z_GetPostThreadReturns{A: list}
}

func fileInfoReturns(full bool) Z_GetFileInfoReturns {
	fi := &model.FileInfo{Id: "f1", CreatorId: "u1", PostId: "p1", ChannelId: "c1", CreateAt: 1, UpdateAt: 2, Name: "Q3 report.PDF",
		Extension: "pdf", Size: 1 << 40, MimeType: "application/pdf", Width: 640, Height: 480, HasPreviewImage: true, RemoteId: ptr("r"), Archived: true}
	if full {
		fi.Path, fi.ThumbnailPath, fi.PreviewPath, fi.Content = "data/f1", "data/f1_thumb", "data/f1_preview", "extracted text"
		fi.MiniPreview = ptr([]byte{1, 2, 3})
	}
	return Z_GetFileInfoReturns{A: fi}
}

func groupsReturns(full bool) Z_GetGroupsForUserReturns {
	ops := &model.Group{Id: "g1", Name: ptr("ops"), DisplayName: "Ops", Description: "on call", Source: "ldap", RemoteId: ptr("cn=ops"),
		CreateAt: 1, UpdateAt: 2, HasSyncables: true, MemberCount: ptr(3), AllowReference: true}
	old := &model.Group{Id: "g2", DisplayName: "Old", Source: "custom", DeleteAt: 7}
	if full {
		ops.ChannelMemberCount, ops.ChannelMemberTimezonesCount, ops.MemberIDs = ptr(2), ptr(1), []string{"u1", "u2"}
	}
	return Z_GetGroupsForUserReturns{A: []*model.Group{ops, old}}
}

func apiReturnCases() []testCase {
	return []testCase{
		{"api/GetPostThread", postThreadReturns(true)},
		{"api/GetPostThread/declared", postThreadReturns(false)},
		{"api/GetPostThread/error", Z_GetPostThreadReturns{B: appError()}},
		{"api/GetFileInfo", fileInfoReturns(true)},
		{"api/GetFileInfo/declared", fileInfoReturns(false)},
		{"api/GetGroupsForUser", groupsReturns(true)},
		{"api/GetGroupsForUser/declared", groupsReturns(false)},
		{"api/GetGroupsForUser/empty", Z_GetGroupsForUserReturns{A: []*model.Group{}}},
	}
}
