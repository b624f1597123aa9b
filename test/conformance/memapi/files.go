package memapi

import (
	"net/http"
	"path/filepath"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// AddFileInfo stores an uploaded file's metadata as the server's upload would: id, timestamps, the extension
// from the name (lower case, no dot) and the server-only paths. Attach it to a post by putting its id in
// Post.FileIds and setting PostId/ChannelId here.
func (s *Server) AddFileInfo(fi *model.FileInfo) *model.FileInfo {
	defer s.lock()()
	cp := *fi
	if cp.Id == "" {
		cp.Id = model.NewId()
	}
	if cp.Extension == "" {
		cp.Extension = strings.ToLower(strings.TrimPrefix(filepath.Ext(cp.Name), "."))
	}
	cp.CreateAt = s.millis()
	cp.UpdateAt = cp.CreateAt
	cp.Path = "data/" + cp.Id + "/" + cp.Name
	s.files[cp.Id] = &cp
	out := cp
	return &out
}

// GetFileInfo returns a file's metadata (deleted files too, as the server's FileInfoStore.Get does), or 404
// app.file_info.get.app_error.
func (a *API) GetFileInfo(fileID string) (*model.FileInfo, *model.AppError) {
	a.note("GetFileInfo")
	defer a.srv.lock()()
	fi, ok := a.srv.files[fileID]
	if !ok {
		return nil, model.NewAppError("GetFileInfo", "app.file_info.get.app_error", nil, "file_id="+fileID, http.StatusNotFound)
	}
	cp := *fi
	return &cp, nil
}
