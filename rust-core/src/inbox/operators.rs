//! The desk's operators and their sessions, as the publisher database
//! keeps them. A password never reaches this module: the desk hashes it
//! (argon2id) and hands over the PHC string; a session is known by the
//! SHA-256 of its cookie's token, never the token.

use super::db::PublisherDb;
use super::operator::check_name;
use crate::dates;
use crate::error::{Error, Result};
use rusqlite::{OptionalExtension, params};

/// Longest PHC string stored: argon2id's is about 100 characters.
const MAX_HASH_CHARS: usize = 512;
/// A session's last use is written at most this often: a page view is a
/// read, and a write each time would queue behind a publish for nothing.
const TOUCH_EVERY_SECS: i64 = 60;

/// A signed-in session: whose it is, and the token its forms carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub operator: String,
    pub csrf: String,
}

/// Adds operator `name` with the password hash `hash`; an existing name is
/// refused unless `reset`, which replaces its hash and ends its sessions.
pub fn add_operator(db: &mut PublisherDb, name: &str, hash: &str, reset: bool) -> Result<()> {
    let name = check_name(name)?;
    if hash.is_empty() || hash.len() > MAX_HASH_CHARS {
        return Err(Error::invalid("the password hash is empty or too long"));
    }
    let tx = db.transaction()?;
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM operator WHERE name = ?1)",
        [name],
        |r| r.get(0),
    )?;
    if exists && !reset {
        return Err(Error::invalid(format!(
            "the operator {name} exists already: pass --reset to give them a new password"
        )));
    }
    tx.execute("DELETE FROM session WHERE operator = ?1", [name])?;
    tx.execute(
        "INSERT INTO operator (name, hash, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET hash = excluded.hash",
        params![name, hash, dates::now_unix()],
    )?;
    tx.commit()?;
    Ok(())
}

/// The password hash of operator `name`, if there is one.
pub fn operator_hash(db: &PublisherDb, name: &str) -> Result<Option<String>> {
    Ok(db
        .conn
        .query_row("SELECT hash FROM operator WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Starts a session for `operator`; sessions idle longer than `idle_secs`
/// (anyone's) are removed on the way.
pub fn open_session(
    db: &mut PublisherDb,
    token_hash: &[u8; 32],
    operator: &str,
    csrf: &str,
    idle_secs: i64,
) -> Result<()> {
    let now = dates::now_unix();
    let tx = db.transaction()?;
    tx.execute(
        "DELETE FROM session WHERE last_seen < ?1",
        [now - idle_secs],
    )?;
    tx.execute(
        "INSERT INTO session (token_hash, operator, csrf, created_at, last_seen)
         VALUES (?1, ?2, ?3, ?4, ?4)",
        params![&token_hash[..], operator, csrf, now],
    )?;
    tx.commit()?;
    Ok(())
}

/// The session whose token hashes to `token_hash`, unless it was idle
/// longer than `idle_secs` (then it is removed); its last use is noted.
pub fn session(
    db: &mut PublisherDb,
    token_hash: &[u8; 32],
    idle_secs: i64,
) -> Result<Option<Session>> {
    let now = dates::now_unix();
    let found: Option<(String, String, i64)> = db
        .conn
        .query_row(
            "SELECT operator, csrf, last_seen FROM session WHERE token_hash = ?1",
            [&token_hash[..]],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((operator, csrf, last_seen)) = found else {
        return Ok(None);
    };
    if now - last_seen > idle_secs {
        close_session(db, token_hash)?;
        return Ok(None);
    }
    if now - last_seen >= TOUCH_EVERY_SECS {
        // Best effort: a publish holding the write lock must not turn a
        // page view into an error; the session then counts as used at its
        // last noted time.
        if let Err(e) = db.conn.execute(
            "UPDATE session SET last_seen = ?2 WHERE token_hash = ?1",
            params![&token_hash[..], now],
        ) {
            tracing::debug!("a session's last use was not noted: {e}");
        }
    }
    Ok(Some(Session { operator, csrf }))
}

/// Ends a session (signing out).
pub fn close_session(db: &mut PublisherDb, token_hash: &[u8; 32]) -> Result<()> {
    db.conn.execute(
        "DELETE FROM session WHERE token_hash = ?1",
        [&token_hash[..]],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_db() -> (tempfile::TempDir, PublisherDb) {
        let dir = tempfile::tempdir().unwrap();
        let db = PublisherDb::create(&dir.path().join("p.db"), &dir.path().join("p.key")).unwrap();
        (dir, db)
    }

    #[test]
    fn an_operator_is_added_once_unless_reset_which_ends_their_sessions() {
        let (_dir, mut db) = new_db();
        add_operator(&mut db, "lan", "$argon2id$a", false).unwrap();
        let err = add_operator(&mut db, "lan", "$argon2id$b", false).unwrap_err();
        assert!(err.to_string().contains("--reset"), "{err}");
        assert_eq!(
            operator_hash(&db, "lan").unwrap().as_deref(),
            Some("$argon2id$a")
        );
        open_session(&mut db, &[1; 32], "lan", "c1", 3600).unwrap();
        assert!(session(&mut db, &[1; 32], 3600).unwrap().is_some());
        add_operator(&mut db, "lan", "$argon2id$b", true).unwrap();
        assert_eq!(
            operator_hash(&db, "lan").unwrap().as_deref(),
            Some("$argon2id$b")
        );
        assert_eq!(session(&mut db, &[1; 32], 3600).unwrap(), None);
        assert_eq!(operator_hash(&db, "nobody").unwrap(), None);
        assert!(add_operator(&mut db, " ", "$argon2id$c", false).is_err());
        assert!(add_operator(&mut db, "a\u{200b}b", "$argon2id$c", false).is_err());
    }

    #[test]
    fn a_session_is_found_by_its_hash_expires_idle_and_ends_at_sign_out() {
        let (_dir, mut db) = new_db();
        add_operator(&mut db, "lan", "h", false).unwrap();
        open_session(&mut db, &[1; 32], "lan", "csrf-1", 3600).unwrap();
        let s = session(&mut db, &[1; 32], 3600).unwrap().unwrap();
        assert_eq!(
            s,
            Session {
                operator: "lan".into(),
                csrf: "csrf-1".into()
            }
        );
        assert_eq!(session(&mut db, &[2; 32], 3600).unwrap(), None);
        // Idle for two hours against a one-hour limit: gone, and removed.
        db.conn
            .execute("UPDATE session SET last_seen = last_seen - 7200", [])
            .unwrap();
        assert_eq!(session(&mut db, &[1; 32], 3600).unwrap(), None);
        let left: i64 = db
            .conn
            .query_row("SELECT count(*) FROM session", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
        open_session(&mut db, &[3; 32], "lan", "csrf-3", 3600).unwrap();
        close_session(&mut db, &[3; 32]).unwrap();
        assert_eq!(session(&mut db, &[3; 32], 3600).unwrap(), None);
    }
}
