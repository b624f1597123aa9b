// Package model mirrors the shapes of Mattermost's model structs that the plugin RPC carries (a subset of fields,
// same names and Go types). Its package name makes gob.Register produce Mattermost's names, e.g. "*model.AppError".
package model

import "fmt"

type StringInterface map[string]any
type StringArray []string
type StringMap map[string]string

type AppError struct {
	Id              string
	Message         string
	DetailedError   string
	RequestId       string
	StatusCode      int
	Where           string
	SkipTranslation bool
	params          map[string]any //nolint:unused // unexported: never sent
}

func (e *AppError) Error() string {
	return fmt.Sprintf("%s: %s, %s", e.Where, e.Message, e.DetailedError)
}

type User struct {
	Id            string
	CreateAt      int64
	Username      string
	Props         StringMap
	IsBot         bool
	FailedLogins  int
	AuthData      *string
	Timezone      StringMap
	MfaTimestamps []int64
}

type PostEmbed struct {
	Type string
	URL  string
	Data any
}

type PostMetadata struct {
	Embeds   []*PostEmbed
	ExpireAt int64
}

type Post struct {
	Id            string
	CreateAt      int64
	UpdateAt      int64
	EditAt        int64
	DeleteAt      int64
	IsPinned      bool
	UserId        string
	ChannelId     string
	RootId        string
	OriginalId    string
	Message       string
	MessageSource string
	Type          string
	Props         StringInterface
	Hashtags      string
	Filenames     StringArray
	FileIds       StringArray
	PendingPostId string
	HasReactions  bool
	RemoteId      *string
	ReplyCount    int64
	LastReplyAt   int64
	Participants  []*User
	IsFollowing   *bool
	Metadata      *PostMetadata
}

type SlackAttachmentField struct {
	Title string
	Value any
	Short bool
}

type SlackAttachment struct {
	Id        int64
	Fallback  string
	Color     string
	Title     string
	Text      string
	Fields    []*SlackAttachmentField
	Timestamp any
}

// FileInfo, Group and PostList carry every field of Mattermost's, server-only ones (json:"-") included: gob
// sends them, so the TypeScript side must skip what it does not declare.
type FileInfo struct {
	Id              string
	CreatorId       string
	PostId          string
	ChannelId       string
	CreateAt        int64
	UpdateAt        int64
	DeleteAt        int64
	Path            string
	ThumbnailPath   string
	PreviewPath     string
	Name            string
	Extension       string
	Size            int64
	MimeType        string
	Width           int
	Height          int
	HasPreviewImage bool
	MiniPreview     *[]byte
	Content         string
	RemoteId        *string
	Archived        bool
}

type GroupSource string

type Group struct {
	Id                          string
	Name                        *string
	DisplayName                 string
	Description                 string
	Source                      GroupSource
	RemoteId                    *string
	CreateAt                    int64
	UpdateAt                    int64
	DeleteAt                    int64
	HasSyncables                bool
	MemberCount                 *int
	AllowReference              bool
	ChannelMemberCount          *int
	ChannelMemberTimezonesCount *int
	MemberIDs                   []string
}

type PostList struct {
	Order                     []string
	Posts                     map[string]*Post
	NextPostId                string
	PrevPostId                string
	HasNext                   *bool
	FirstInaccessiblePostTime int64
	BurnOnReadPosts           map[string]*Post
}
