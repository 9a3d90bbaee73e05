//! Errors: a rich internal `Error` for the core's own code, and the small
//! public `CanhGiacError` that crosses the FFI, mapped in one place.
//! Messages say what was wrong and what to do, and never carry a phone
//! number or other personal data.

use crate::number::NumberError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid number: {0}")]
    Number(NumberError),
    /// A real number that cannot be used here (reporting 113, blocking 115).
    #[error("{0}")]
    UnusableNumber(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error("database error: {}", sql_message(.0))]
    Sql(rusqlite::Error),
    #[error(
        "the database was written by a newer version of Cảnh Giác (schema {found}, this build knows up to {supported}): update the app"
    )]
    SchemaTooNew { found: u32, supported: u32 },
    #[error("cannot open the database: {0}")]
    Open(String),
    #[error("{}", io_message(.0))]
    Io(std::io::Error),
    #[error("CSV: {0}")]
    Csv(String),
    /// The feed is forged, damaged, stale or malformed.
    #[error("feed: {0}")]
    Feed(String),
    /// The feed could not be fetched.
    #[error("network: {0}")]
    Network(String),
}

// The conversions are written out rather than derived with `#[from]`:
// that would also make the cause the error's `source`, and a caller that
// prints the chain (anyhow's `{:#}`) would show the same text twice.
impl From<NumberError> for Error {
    fn from(e: NumberError) -> Self {
        Error::Number(e)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Sql(e)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

const DISK_FULL: &str = "the disk is full: free some space on the device and try again";

/// SQLite's own words, except where a person needs plainer ones.
fn sql_message(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode;
    match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == ErrorCode::DiskFull
                // SQLITE_IOERR_SHMSIZE: no room to grow the shared-memory
                // file beside the database, which is what a full disk gives.
                || f.extended_code == 4874 =>
        {
            DISK_FULL.into()
        }
        rusqlite::Error::SqliteFailure(f, msg) => {
            let desc = rusqlite::ffi::code_to_str(f.extended_code);
            match msg {
                Some(m) if m != desc => format!("{m} ({desc})"),
                _ => desc.to_string(),
            }
        }
        e => e.to_string(),
    }
}

fn io_message(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::StorageFull {
        DISK_FULL.into()
    } else {
        e.to_string()
    }
}

impl Error {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidInput(msg.into())
    }

    /// Another connection held the database's write lock past the busy
    /// timeout: the same write can be tried again.
    pub fn is_busy(&self) -> bool {
        matches!(self, Error::Sql(e) if matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        ))
    }
}

/// The one error type of the exported API.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum CanhGiacError {
    /// The text given as a phone number cannot be one.
    #[error("{reason}")]
    InvalidNumber { reason: String },
    /// Some other argument is wrong (report content, CSV, settings).
    #[error("{reason}")]
    InvalidInput { reason: String },
    /// The database could not be opened, read or written.
    #[error("{reason}")]
    Storage { reason: String },
    /// The database comes from a newer version of the app.
    #[error(
        "the database was written by a newer version of Cảnh Giác (schema {found}, this build knows up to {supported}): update the app"
    )]
    SchemaTooNew { found: u32, supported: u32 },
    /// The list feed was refused: forged, damaged, older than what we have,
    /// or larger than allowed. Nothing was changed.
    #[error("{reason}")]
    Feed { reason: String },
    /// The list feed could not be fetched (offline, timeout, HTTP error).
    /// Nothing was changed.
    #[error("{reason}")]
    Network { reason: String },
    /// A bug: the core caught a panic or reached a state it should not.
    #[error("internal error: {reason}")]
    Internal { reason: String },
}

impl From<Error> for CanhGiacError {
    fn from(e: Error) -> Self {
        let reason = e.to_string();
        match e {
            Error::Number(_) | Error::UnusableNumber(_) => CanhGiacError::InvalidNumber { reason },
            Error::InvalidInput(_) | Error::Csv(_) => CanhGiacError::InvalidInput { reason },
            Error::SchemaTooNew { found, supported } => {
                CanhGiacError::SchemaTooNew { found, supported }
            }
            Error::Sql(_) | Error::Open(_) | Error::Io(_) => CanhGiacError::Storage { reason },
            Error::Feed(_) => CanhGiacError::Feed { reason },
            Error::Network(_) => CanhGiacError::Network { reason },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(extended: i32, msg: Option<&str>) -> Error {
        Error::Sql(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(extended),
            msg.map(str::to_string),
        ))
    }

    #[test]
    fn a_full_disk_is_called_a_full_disk() {
        // Finding 15: `disk I/O error: Error code 4874`.
        for e in [failure(4874, Some("disk I/O error")), failure(13, None)] {
            assert!(e.to_string().contains("the disk is full"), "{e}");
        }
        let io: Error = std::io::Error::from(std::io::ErrorKind::StorageFull).into();
        assert!(io.to_string().contains("the disk is full"));
    }

    #[test]
    fn no_error_says_the_same_thing_twice() {
        // Finding 15: `readonly database: readonly database`.
        let e = failure(8, Some("attempt to write a readonly database"));
        let text = e.to_string();
        assert_eq!(text.matches("readonly database").count(), 1, "{text}");
        assert!(
            std::error::Error::source(&e).is_none(),
            "no chain to print twice"
        );
        let n: Error = crate::number::normalize("abc").unwrap_err().into();
        assert!(std::error::Error::source(&n).is_none());
    }
}
