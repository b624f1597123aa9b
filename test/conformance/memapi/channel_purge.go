package memapi

// PurgeChannel removes a channel and its members for good, as `mmctl channel delete` (permanent deletion) does;
// GetChannel then answers 404. Archiving is AddChannel with DeleteAt set.
func (s *Server) PurgeChannel(id string) {
	defer s.lock()()
	delete(s.channels, id)
	delete(s.chanMems, id)
}
