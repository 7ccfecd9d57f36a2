package store

// SetLogOff makes db store events without transparency-log entries, so a
// benchmark can measure what the log adds to each write.
func SetLogOff(db *DB) { db.logOff = true }
