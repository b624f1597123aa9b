module tripwire.test/gobcheck

go 1.22
