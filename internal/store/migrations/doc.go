// Package migrations holds sigap's schema migrations, one file per migration
// for both engines, and renders each for SQLite or PostgreSQL before goose
// runs it.
//
// A migration is plain goose SQL with two small additions for the parts the
// engines spell differently. A placeholder stands for a type or value word:
//
//	{{bigint}}    INTEGER on SQLite, BIGINT on PostgreSQL
//	{{bool}}      INTEGER, BOOLEAN
//	{{true}}      1, TRUE
//	{{false}}     0, FALSE
//	{{blob}}      BLOB, BYTEA
//	{{double}}    REAL, DOUBLE PRECISION
//	{{identity}}  INTEGER PRIMARY KEY AUTOINCREMENT, BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY
//
// and lines that only one engine runs stand in a block:
//
//	-- if sqlite
//	CREATE TRIGGER ...;
//	-- if postgres
//	CREATE FUNCTION ...;
//	-- end
//
// A Down that restores what an earlier migration's Up made names those lines
// rather than copying them: the earlier file marks them
//
//	-- section enforce_triggers
//	...
//	-- end section
//
// and the later one takes them, as they are, with
//
//	-- include 00050_enforcement.sql enforce_triggers
//
// Both files render as if the lines were written out (the section markers
// are dropped), so a shipped migration keeps its bytes; a section includes
// no other.
//
// Goose records only version numbers, so a database migrated from the
// older two-directory files is unaffected.
package migrations
