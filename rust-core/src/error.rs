//! Errors: a rich internal `Error` for the core's own code, and the small
//! public `CanhGiacError` that crosses the FFI, mapped in one place.
//! Messages say what was wrong and what to do, and never carry a phone
//! number or other personal data.

use crate::number::NumberError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid number: {0}")]
    Number(#[from] NumberError),
    /// A real number that cannot be used here (reporting 113, blocking 115).
    #[error("{0}")]
    UnusableNumber(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(
        "the database was written by a newer version of Cảnh Giác (schema {found}, this build knows up to {supported}): update the app"
    )]
    SchemaTooNew { found: u32, supported: u32 },
    #[error("cannot open the database: {0}")]
    Open(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("CSV: {0}")]
    Csv(String),
    /// The feed is forged, damaged, stale or malformed.
    #[error("feed: {0}")]
    Feed(String),
    /// The feed could not be fetched.
    #[error("network: {0}")]
    Network(String),
}

impl Error {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidInput(msg.into())
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
